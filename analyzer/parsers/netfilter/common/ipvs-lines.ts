/**
 * Pieces shared by the ipvsadm parsers (list, --stats): the virtual service and real server
 * lines. ipvsadm prints a service as `%-4s %s` (protocol padded to four, then address:port), an
 * IPv6 address in brackets, a firewall-mark service as `FWM  <mark>` (plus ` IPv6`):
 *
 *   TCP  10.96.0.1:443 rr
 *   UDP  [fd00:10:96::a]:53 rr
 *   FWM  100 IPv6 wlc persistent 300
 *     -> 192.168.3.113:6443           Masq    1      4          0
 */
import { exactInteger, type RowSink } from './text.js';

export interface ServiceKey {
  protocol: string;
  address: string | null;
  port: number | null;
  fwmark: number | null;
  family: 'ipv4' | 'ipv6';
}

export interface AddressPort {
  address: string;
  port: number | null;
  family: 'ipv4' | 'ipv6';
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

/** "10.0.0.1:80", "[fd00::1]:80" (ports may be service names without -n; then port is null). */
export function readAddressPort(text: string): AddressPort | null {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return null;
    const portText = text.slice(close + 2);
    return { address: text.slice(1, close), port: portNumber(portText), family: 'ipv6' };
  }
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  return { address: text.slice(0, colon), port: portNumber(text.slice(colon + 1)), family: 'ipv4' };
}

function portNumber(text: string): number | null {
  const n = exactInteger(text);
  return typeof n === 'number' && n <= 65535 ? n : null;
}

/**
 * Reads the service at the start of `words`; returns the key and how many words it used, or
 * null when the line does not start with a service.
 */
export function readServiceKey(words: string[]): { key: ServiceKey; used: number } | null {
  const proto = words[0];
  if (proto === undefined) return null;
  if (proto === 'FWM') {
    const mark = exactInteger(words[1]);
    if (typeof mark !== 'number') return null;
    const v6 = words[2] === 'IPv6';
    return { key: { protocol: 'FWM', address: null, port: null, fwmark: mark, family: v6 ? 'ipv6' : 'ipv4' }, used: v6 ? 3 : 2 };
  }
  if (!PROTOCOLS.has(proto) || words[1] === undefined) return null;
  const ap = readAddressPort(words[1]);
  if (ap === null) return null;
  return { key: { protocol: proto, address: ap.address, port: ap.port, fwmark: null, family: ap.family }, used: 2 };
}

/** Columns naming the service a real server or a counter row belongs to. */
export function serviceColumns(key: ServiceKey): Record<string, string | number | null> {
  return {
    service_protocol: key.protocol,
    service_address: key.address,
    service_port: key.port,
    service_fwmark: key.fwmark,
  };
}

/** "IP Virtual Server version 1.2.1 (size=4096)" → ["1.2.1", 4096]. */
function readVersionLine(line: string): { version: string; size: number | null } | null {
  const m = /^IP Virtual Server version (\S+)(?: \(size=(\d+)\))?/.exec(line.trim());
  if (!m) return null;
  return { version: m[1] as string, size: m[2] === undefined ? null : Number(m[2]) };
}

const DEST_HEADER = /^->[ \t]+RemoteAddress:Port(?:[ \t]|$)/;

/**
 * The lines every listing has besides its column header and services: the version line, whose
 * version and connection table size become facts, and the real-server column header
 * ("-> RemoteAddress:Port ..."). True when `trimmed` is one of them.
 */
export function readCommonLine(trimmed: string, sink: RowSink, source: string): boolean {
  if (DEST_HEADER.test(trimmed)) return true;
  const version = readVersionLine(trimmed);
  if (version === null) return false;
  sink.fact(source, 'ipvs.version', version.version);
  if (version.size !== null) sink.fact(source, 'ipvs.conn_tab_size', version.size);
  return true;
}

/** True for a real-server line ("  -> ..."), after trimming. */
export function isDestLine(trimmed: string): boolean {
  return trimmed.startsWith('->');
}
