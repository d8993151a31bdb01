/**
 * Test helpers: hand-built frames (for cases a real capture cannot easily produce: VLAN tags,
 * IPv6 extension headers, fragments, malformed headers, sequence wrap-around) and capture files,
 * and a runner that feeds a file to a capture parser in chunks of a chosen size.
 * Checksums are left zero: nothing here reads them.
 */
import type { ParseContext, Row } from '../../types.js';
import { captureParser } from '../capture-parser.js';

export function ipv4Bytes(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

export function ipv6Bytes(text: string): Buffer {
  const [head = '', tail = ''] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : text.includes('::') ? tail.split(':') : [];
  const groups = text.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : text.split(':');
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export function ethernet(payload: Buffer, ethertype = 0x0800, vlans: number[] = []): Buffer {
  const tags = vlans.map((vid) => Buffer.from([0x81, 0x00, vid >> 8, vid & 0xff]));
  const type = Buffer.alloc(2);
  type.writeUInt16BE(ethertype);
  return Buffer.concat([Buffer.from('020000000002020000000001', 'hex'), ...tags, type, payload]);
}

export interface Ipv4Options {
  src: string;
  dst: string;
  proto: number;
  payload: Buffer;
  df?: boolean;
  fragmentOffset?: number;
  moreFragments?: boolean;
  /** Written in place of the real total length (0: as TSO leaves it). */
  totalLength?: number;
  headerLength?: number;
}

export function ipv4(o: Ipv4Options): Buffer {
  const headerLength = o.headerLength ?? 20;
  const h = Buffer.alloc(Math.max(20, headerLength));
  h[0] = 0x40 | (headerLength / 4);
  h.writeUInt16BE(o.totalLength ?? h.length + o.payload.length, 2);
  h.writeUInt16BE((o.df ? 0x4000 : 0) | (o.moreFragments ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) & 0x1fff), 6);
  h[8] = 64;
  h[9] = o.proto;
  ipv4Bytes(o.src).copy(h, 12);
  ipv4Bytes(o.dst).copy(h, 16);
  return Buffer.concat([h, o.payload]);
}

/** `extensions`: [next header value of the extension, its bytes (next-header byte is filled in)]. */
export function ipv6(src: string, dst: string, proto: number, payload: Buffer, extensions: [number, Buffer][] = []): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  const chain: Buffer[] = [];
  let first = proto;
  for (let i = extensions.length - 1; i >= 0; i--) {
    const [type, bytes] = extensions[i]!;
    const copy = Buffer.from(bytes);
    copy[0] = first;
    chain.unshift(copy);
    first = type;
  }
  const body = Buffer.concat([...chain, payload]);
  h.writeUInt16BE(body.length, 4);
  h[6] = first;
  h[7] = 64;
  ipv6Bytes(src).copy(h, 8);
  ipv6Bytes(dst).copy(h, 24);
  return Buffer.concat([h, body]);
}

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export interface TcpOptions {
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: number | Buffer;
  mss?: number;
  windowScale?: number;
}

export function tcp(o: TcpOptions): Buffer {
  const options: number[] = [];
  if (o.mss !== undefined) options.push(2, 4, o.mss >> 8, o.mss & 0xff);
  if (o.windowScale !== undefined) options.push(1, 3, 3, o.windowScale);
  while (options.length % 4 !== 0) options.push(0);
  const h = Buffer.alloc(20 + options.length);
  h.writeUInt16BE(o.sport, 0);
  h.writeUInt16BE(o.dport, 2);
  h.writeUInt32BE(o.seq >>> 0, 4);
  h.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  h[12] = (h.length / 4) << 4;
  h[13] = o.flags;
  h.writeUInt16BE(o.window ?? 502, 14);
  Buffer.from(options).copy(h, 20);
  const payload = typeof o.payload === 'number' ? Buffer.alloc(o.payload, 0x61) : (o.payload ?? Buffer.alloc(0));
  return Buffer.concat([h, payload]);
}

export function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

export function icmp(type: number, code: number, rest: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, code, 0, 0]), rest]);
}

export function vxlan(vni: number, innerFrame: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x08, 0, 0, 0, vni >> 16, (vni >> 8) & 0xff, vni & 0xff, 0]), innerFrame]);
}

export interface CapturedPacket {
  /** Microseconds since the epoch. */
  us: number;
  data: Buffer;
  /** Length on the wire when more than captured. */
  original?: number;
}

export function pcapFile(packets: CapturedPacket[], o: { linkType?: number; bigEndian?: boolean; nanoseconds?: boolean; snaplen?: number } = {}): Buffer {
  const w32 = (b: Buffer, v: number, at: number) => (o.bigEndian ? b.writeUInt32BE(v >>> 0, at) : b.writeUInt32LE(v >>> 0, at));
  const w16 = (b: Buffer, v: number, at: number) => (o.bigEndian ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));
  const header = Buffer.alloc(24);
  w32(header, o.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(header, 2, 4);
  w16(header, 4, 6);
  w32(header, o.snaplen ?? 262144, 16);
  w32(header, o.linkType ?? 1, 20);
  const records = packets.map((p) => {
    const r = Buffer.alloc(16);
    const seconds = Math.floor(p.us / 1e6);
    const micros = p.us - seconds * 1e6;
    w32(r, seconds, 0);
    w32(r, o.nanoseconds ? micros * 1000 + 123 : micros, 4);
    w32(r, p.data.length, 8);
    w32(r, p.original ?? p.data.length, 12);
    return Buffer.concat([r, p.data]);
  });
  return Buffer.concat([header, ...records]);
}

/** A pcapng block with the given body, in little-endian order unless asked. */
export function pcapngBlock(type: number, body: Buffer, bigEndian = false): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const total = 12 + padded.length;
  const head = Buffer.alloc(8);
  const tail = Buffer.alloc(4);
  if (bigEndian) {
    head.writeUInt32BE(type, 0);
    head.writeUInt32BE(total, 4);
    tail.writeUInt32BE(total, 0);
  } else {
    head.writeUInt32LE(type, 0);
    head.writeUInt32LE(total, 4);
    tail.writeUInt32LE(total, 0);
  }
  return Buffer.concat([head, padded, tail]);
}

export function pcapngSectionHeader(bigEndian = false): Buffer {
  const body = Buffer.alloc(16);
  if (bigEndian) {
    body.writeUInt32BE(0x1a2b3c4d, 0);
    body.writeUInt16BE(1, 4);
  } else {
    body.writeUInt32LE(0x1a2b3c4d, 0);
    body.writeUInt16LE(1, 4);
  }
  body.fill(0xff, 8, 16);
  return pcapngBlock(0x0a0d0d0a, body, bigEndian);
}

export function pcapngInterface(linkType: number, name: string): Buffer {
  const nameBytes = Buffer.from(name);
  const option = Buffer.alloc(4 + nameBytes.length + ((4 - (nameBytes.length % 4)) % 4) + 4);
  option.writeUInt16LE(2, 0);
  option.writeUInt16LE(nameBytes.length, 2);
  nameBytes.copy(option, 4);
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(262144, 4);
  return pcapngBlock(1, Buffer.concat([body, option]));
}

export function pcapngPacket(iface: number, us: number, data: Buffer): Buffer {
  const body = Buffer.alloc(20);
  body.writeUInt32LE(iface, 0);
  body.writeUInt32LE(Math.floor(us / 4294967296), 4);
  body.writeUInt32LE(us % 4294967296, 8);
  body.writeUInt32LE(data.length, 12);
  body.writeUInt32LE(data.length, 16);
  return pcapngBlock(6, Buffer.concat([body, data]));
}

export interface ParsedCapture {
  files: Row[];
  flows: Row[];
  errors: Row[];
  other: [string, Row][];
}

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  if (data.length === 0) return;
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

export interface ParseOptions {
  source?: 'pcap' | 'attachments';
  /** Member file name under the source folder (pcap/<name>). */
  name?: string;
  chunkSize?: number;
  maxFlows?: number;
}

/** Runs the `pcap` or `attachments` parser over `data` (or over chunks already cut). */
export async function parseCaptureBytes(data: Buffer | AsyncIterable<Buffer>, o: ParseOptions = {}): Promise<ParsedCapture> {
  const source = o.source ?? 'pcap';
  const ctx: ParseContext = { source, member: `${source}/${o.name ?? 'eth0.pcap'}`, collectedAt: '', utcOffset: '' };
  const parser = captureParser({ mayBeOtherFile: source === 'attachments', ...(o.maxFlows !== undefined ? { maxFlows: o.maxFlows } : {}) });
  const chunks = Buffer.isBuffer(data) ? chunked(data, o.chunkSize ?? 65536) : data;
  const out: ParsedCapture = { files: [], flows: [], errors: [], other: [] };
  for await (const [table, row] of parser.parse(chunks, ctx)) {
    if (table === 'pcap_files') out.files.push(row);
    else if (table === 'pcap_flows') out.flows.push(row);
    else if (table === 'parse_errors') out.errors.push(row);
    else out.other.push([table, row]);
  }
  return out;
}
