/**
 * `conntrack -L -o xml`, streamed: the member may be 256 MiB (a quarter of a million flows), so
 * the document is never held whole. Verbatim start (conntrack-tools 1.4.7; one flow per line,
 * the root closed on the last line; an empty table prints nothing at all):
 *
 *   <?xml version="1.0" encoding="utf-8"?>
 *   <conntrack>
 *   <flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.244.1.7</src>...</meta></flow>
 *   </conntrack>
 *
 * The bytes are cut into `<flow>...</flow>` elements (the markers are ASCII, so a UTF-8 sequence
 * split across two chunks needs no decoder) and each is read in place by conntrack-flow.ts. A
 * malformed flow becomes a parse_errors row and the next flow is read; a flow cut off by the
 * collector's size cap is reported once. A large node's table is bounded on the way in: see
 * conntrack-summary.ts.
 */
import type { ParseContext, Row, StreamParser } from '../types.js';
import { readFlowBytes } from './conntrack-flow.js';
import { ConntrackSummary, MAX_CONNTRACK_ENTRIES, MAX_CONNTRACK_GROUPS } from './conntrack-summary.js';

const OPEN = Buffer.from('<flow', 'latin1');
const CLOSE = Buffer.from('</flow>', 'latin1');
/** A flow is well under 2 KiB; past this without its closing tag the input is garbage. */
const MAX_FLOW_BYTES = 1024 * 1024;

function countNewlines(b: Buffer, from: number, to: number): number {
  let count = 0;
  if (to - from < 64) {
    // the gap between two flows: a loop costs less than a call into the native search
    for (let i = from; i < to; i++) if (b[i] === 10) count++;
    return count;
  }
  let at = b.indexOf(10, from);
  while (at >= 0 && at < to) {
    count++;
    at = b.indexOf(10, at + 1);
  }
  return count;
}

/** Index of the next "<flow" that opens a flow element ("<flow>" or "<flow " with attributes). */
function findOpen(b: Buffer, from: number): number {
  let at = b.indexOf(OPEN, from);
  while (at >= 0) {
    const next = b[at + OPEN.length];
    if (next === 62 /* > */ || next === 32 || next === 9 || next === undefined) return at;
    at = b.indexOf(OPEN, at + 1);
  }
  return -1;
}

/** findOpen for the usual case, where the next flow starts after nothing but whitespace. */
function nextOpen(b: Buffer, from: number): number {
  let i = from;
  while (i < b.length && (b[i] === 10 || b[i] === 13 || b[i] === 32 || b[i] === 9)) i++;
  if (b[i] === 60 && b[i + 1] === 102 && b[i + 2] === 108 && b[i + 3] === 111 && b[i + 4] === 119) {
    const next = b[i + 5];
    if (next === 62 || next === 32 || next === 9 || next === undefined) return i;
  }
  return findOpen(b, from);
}

function blank(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

/**
 * Turns one flow element, b[start..end), into a row, or an error message. Given `found`, it may
 * read a flow element that merely starts at `start` and say in found.end where it closed.
 */
export type FlowBytesReader = (bytes: Buffer, start: number, end: number, found?: { end: number }) => Row | string;
/** The same for a reader of decoded text (other scanners, compared in test/parsers/netfilter/bench). */
export type FlowReader = (flowText: string) => Row | string;

/** Splits the chunk stream into flow elements and reads each with `readOne`. */
export async function* splitFlows(chunks: AsyncIterable<Buffer>, readOne: FlowBytesReader, fastRead = true): AsyncIterable<[string, Row]> {
  let buffer: Buffer = Buffer.alloc(0);
  let line = 1; // line number of buffer[0]
  let flows = 0;
  let sawXml = false;
  let sawOther = false;

  const noteGap = (from: number, to: number): void => {
    if (blank(buffer, from, to)) return; // between flows there is only a newline
    const trimmed = buffer.toString('utf8', from, to).trim();
    if (trimmed.includes('<conntrack') || trimmed.includes('<?xml') || trimmed.includes('</conntrack>')) sawXml = true;
    else sawOther = true;
  };

  const found = { end: 0 };
  const drain = function* (final: boolean): Generator<[string, Row]> {
    let pos = 0;
    for (;;) {
      const open = nextOpen(buffer, pos);
      if (open < 0) {
        // keep a tail that might be the start of "<flow" split across chunks
        const keepFrom = final ? buffer.length : Math.max(pos, buffer.length - OPEN.length);
        noteGap(pos, keepFrom);
        line += countNewlines(buffer, pos, keepFrom);
        pos = keepFrom;
        break;
      }
      noteGap(pos, open);
      line += countNewlines(buffer, pos, open);
      pos = open;
      if (fastRead) {
        // the usual well-formed flow, read without searching for its end first
        found.end = -1;
        const row = readOne(buffer, open, buffer.length, found);
        if (typeof row !== 'string' && found.end > open) {
          flows++;
          row.line = line;
          yield ['conntrack_entries', row];
          line += countNewlines(buffer, open, found.end);
          pos = found.end;
          continue;
        }
      }
      // cut off, malformed, or a reader that needs the exact element: find where it ends
      const close = buffer.indexOf(CLOSE, open);
      if (close < 0) {
        if (final) {
          yield ['parse_errors', { line, message: 'last flow is cut off (output truncated at the size cap?)' }];
          pos = buffer.length;
        } else if (buffer.length - open > MAX_FLOW_BYTES) {
          yield ['parse_errors', { line, message: `no </flow> within ${MAX_FLOW_BYTES} bytes of a <flow>` }];
          pos = open + OPEN.length;
          continue;
        }
        break;
      }
      // a <flow> whose </flow> is missing: the next flow opens before this one closes
      const inner = findOpen(buffer, open + OPEN.length);
      if (inner >= 0 && inner < close) {
        yield ['parse_errors', { line, message: 'flow element never closed' }];
        line += countNewlines(buffer, open, inner);
        pos = inner;
        continue;
      }
      const end = close + CLOSE.length;
      const result = readOne(buffer, open, end);
      if (typeof result === 'string') {
        yield ['parse_errors', { line, message: `malformed flow: ${result}` }];
      } else {
        flows++;
        result.line = line;
        yield ['conntrack_entries', result];
      }
      line += countNewlines(buffer, open, end);
      pos = end;
    }
    buffer = buffer.subarray(pos);
  };

  for await (const chunk of chunks) {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    yield* drain(false);
  }
  yield* drain(true);

  if (flows === 0 && sawOther && !sawXml) throw new Error('not conntrack XML output: no <conntrack> document and no <flow> element');
}

/** splitFlows for a reader of decoded text. */
export function readFlows(chunks: AsyncIterable<Buffer>, readOne: FlowReader): AsyncIterable<[string, Row]> {
  return splitFlows(chunks, (bytes, start, end) => readOne(bytes.toString('utf8', start, end)), false);
}

/** Every flow goes into the summary; the first `maxEntries` also into conntrack_entries. */
export async function* boundedFlows(chunks: AsyncIterable<Buffer>, maxEntries = MAX_CONNTRACK_ENTRIES, maxGroups = MAX_CONNTRACK_GROUPS): AsyncIterable<[string, Row]> {
  const summary = new ConntrackSummary(maxGroups);
  let kept = 0;
  for await (const pair of splitFlows(chunks, readFlowBytes)) {
    if (pair[0] !== 'conntrack_entries') {
      yield pair;
      continue;
    }
    const keep = kept < maxEntries;
    summary.add(pair[1], keep);
    if (keep) {
      kept++;
      yield pair;
    }
  }
  for (const row of summary.rows()) yield ['conntrack_summary', row];
}

export function parseConntrackXml(chunks: AsyncIterable<Buffer>, _ctx: ParseContext): AsyncIterable<[string, Row]> {
  return boundedFlows(chunks);
}

export const conntrackXmlParser: StreamParser = { kind: 'stream', parse: parseConntrackXml };
