/**
 * The stream parser of the `pcap` source (captures taken by `nodesnap collect --pcap IFACE`,
 * classic pcap, member `pcap/<iface>.pcap`) and of the `attachments` source (files the user
 * attached: classic pcap, pcapng, or anything else, e.g. a log, which gives no rows at all).
 * The format is told by the first four bytes:
 *
 *   d4 c3 b2 a1 | a1 b2 c3 d4   classic pcap, microseconds (little / big endian)
 *   4d 3c b2 a1 | a1 b2 3c 4d   classic pcap, nanoseconds
 *   0a 0d 0d 0a                 pcapng section header
 *
 * Members can be hundreds of MB: chunks are cut into records in place (record-cutter.ts) and only
 * flow counters are kept (bounded by MAX_FLOWS), so memory does not grow with the capture.
 * Rows are written when the member ends. Reading stops at the first record whose length cannot
 * be right; what was read before is kept and pcap_files.error says why.
 */
import type { ParseContext, Row, StreamParser } from '../types.js';
import { CaptureSession } from './capture-session.js';
import { ClassicPcapFormat, classicMagic } from './pcap-classic.js';
import { PcapngFormat, PCAPNG_MAGIC } from './pcapng.js';
import { CaptureFormatError, RecordCutter } from './record-cutter.js';

export interface CaptureParserOptions {
  /** Attachments may be anything: a member that is not a capture gives no rows instead of an error. */
  mayBeOtherFile: boolean;
  /** Flow table limit per member (tests lower it). */
  maxFlows?: number;
}

/** `pcap/eth0.pcap` -> `eth0`. */
export function interfaceFromMember(member: string): string | null {
  const base = member.slice(member.lastIndexOf('/') + 1).replace(/\.pcap$/, '');
  return base === '' ? null : base;
}

function describeStart(head: Buffer): string {
  return head.subarray(0, 4).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

export async function* parseCapture(chunks: AsyncIterable<Buffer>, ctx: ParseContext, options: CaptureParserOptions): AsyncGenerator<[string, Row]> {
  const session = new CaptureSession(options.mayBeOtherFile ? null : interfaceFromMember(ctx.member), options.maxFlows);
  let head: Buffer[] = [];
  let headLength = 0;
  let cutter: RecordCutter | null = null;
  let stopped = false;
  let notCapture = false;
  for await (const chunk of chunks) {
    if (stopped) continue; // keep reading: the archive stream must be drained anyway
    let data = chunk;
    if (cutter === null) {
      head.push(chunk);
      headLength += chunk.length;
      if (headLength < 4) continue;
      data = head.length === 1 ? chunk : Buffer.concat(head);
      head = [];
      const magic = classicMagic(data);
      if (magic !== null) cutter = new RecordCutter(new ClassicPcapFormat(session, magic));
      else if (data.readUInt32LE(0) === PCAPNG_MAGIC) cutter = new RecordCutter(new PcapngFormat(session));
      else {
        stopped = true;
        notCapture = true;
        if (!options.mayBeOtherFile) session.fail(`not a pcap or pcapng file (it starts with ${describeStart(data)})`);
        continue;
      }
    }
    try {
      cutter.push(data);
    } catch (err) {
      if (!(err instanceof CaptureFormatError)) throw err;
      session.fail(err.message);
      stopped = true;
    }
  }
  if (notCapture && options.mayBeOtherFile) return;
  if (cutter === null) {
    if (options.mayBeOtherFile) return;
    session.fail(headLength === 0 ? 'empty file' : `${headLength} bytes: too short for a capture`);
  } else if (!stopped && cutter.hasPartialRecord) {
    session.truncated = true;
  }
  yield* session.rows(ctx.member);
}

export function captureParser(options: CaptureParserOptions): StreamParser {
  return { kind: 'stream', parse: (chunks, ctx) => parseCapture(chunks, ctx, options) };
}
