/**
 * `ipvsadm -Ln --exact`. Verbatim sample (ipvsadm 1.31; 1.26/1.27 print the same layout):
 *
 *   IP Virtual Server version 1.2.1 (size=4096)
 *   Prot LocalAddress:Port Scheduler Flags
 *     -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
 *   TCP  10.96.0.1:443 rr
 *     -> 192.168.3.113:6443           Masq    1      4          0
 *   TCP  192.168.1.10:80 wlc persistent 360 mask 255.255.255.0
 *     -> 192.168.1.21:80              Route   1      0          0
 *   UDP  [fd00:10:96::a]:53 sh (sh-fallback,sh-port)
 *   FWM  100 rr
 *
 * Forward methods are Masq (NAT), Route (direct routing), Tunnel (IPIP) and Local (the real
 * server is this node). With --tun-info a TunnelInfo column sits between Forward and Weight.
 */
import type { ParseContext, Row, Rows, TextParser } from '../types.js';
import { RowSink, excerpt, exactInteger, signedInteger, splitLines, words } from './common/text.js';
import { isDestLine, readAddressPort, readCommonLine, readServiceKey, serviceColumns, type ServiceKey } from './common/ipvs-lines.js';

export function parseIpvsadmList(text: string, ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = splitLines(text);
  let service: { key: ServiceKey; row: Row } | null = null;
  let recognised = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const lineNo = index + 1;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (readCommonLine(trimmed, sink, ctx.source)) {
      recognised++;
      continue;
    }
    if (trimmed.startsWith('Prot ')) {
      recognised++;
      if (/\b(Conns|CPS|Uthreshold|PersistConn)\b/.test(trimmed)) {
        throw new Error(`not plain ipvsadm -Ln output (header: ${excerpt(trimmed)})`);
      }
      continue;
    }
    const w = words(trimmed);
    if (isDestLine(trimmed)) {
      if (service === null) {
        sink.error(lineNo, `real server before any virtual service: ${excerpt(trimmed)}`);
        continue;
      }
      const dest = readDest(w);
      if (dest === null) {
        sink.error(lineNo, `real server line not understood: ${excerpt(trimmed)}`);
        continue;
      }
      recognised++;
      service.row.dest_count = (service.row.dest_count as number) + 1;
      sink.add('ipvs_dests', { ...serviceColumns(service.key), ...dest, line: lineNo });
      continue;
    }
    const read = readServiceKey(w);
    if (read === null) {
      service = null;
      sink.error(lineNo, `line not understood: ${excerpt(trimmed)}`);
      continue;
    }
    recognised++;
    const row = sink.add('ipvs_services', {
      protocol: read.key.protocol,
      address: read.key.address,
      port: read.key.port,
      fwmark: read.key.fwmark,
      family: read.key.family,
      ...readServiceOptions(w.slice(read.used)),
      dest_count: 0,
      line: lineNo,
    });
    service = { key: read.key, row };
  }
  if (recognised === 0 && lines.some((l) => l.trim() !== '')) throw new Error('not ipvsadm -Ln output');
  return sink.rows;
}

function readServiceOptions(rest: string[]): Row {
  const out: Row = {
    scheduler: rest[0] ?? null,
    sched_flags: null,
    persistent: null,
    netmask: null,
    pe: null,
    one_packet: 0,
    flags: rest.length > 1 ? rest.slice(1).join(' ') : null,
  };
  for (let i = 1; i < rest.length; i++) {
    const word = rest[i] as string;
    if (word.startsWith('(')) out.sched_flags = word.replace(/^\(|\)$/g, '');
    else if (word === 'persistent') out.persistent = exactInteger(rest[++i]);
    else if (word === 'mask') out.netmask = rest[++i] ?? null;
    else if (word === 'pe') out.pe = rest[++i] ?? null;
    else if (word === 'ops') out.one_packet = 1;
  }
  return out;
}

function readDest(w: string[]): Row | null {
  // -> ADDR:PORT FORWARD [TUNNELINFO] WEIGHT ACTIVE INACTIVE
  if (w.length !== 6 && w.length !== 7) return null;
  const ap = readAddressPort(w[1] as string);
  if (ap === null) return null;
  const tunnel = w.length === 7;
  const weight = signedInteger(w[tunnel ? 4 : 3]);
  const active = exactInteger(w[tunnel ? 5 : 4]);
  const inactive = exactInteger(w[tunnel ? 6 : 5]);
  if (weight === null || active === null || inactive === null) return null;
  return {
    address: ap.address,
    port: ap.port,
    family: ap.family,
    forward: w[2] as string,
    tunnel_info: tunnel ? (w[3] as string) : null,
    weight,
    active_conns: active,
    inactive_conns: inactive,
  };
}

export const ipvsadmListParser: TextParser = { kind: 'text', parse: parseIpvsadmList };
