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
 * Chunks are decoded (a UTF-8 sequence may straddle two chunks), cut into `<flow>...</flow>`
 * elements and each is read by conntrack-flow.ts. A malformed flow becomes a parse_errors row
 * and the next flow is read; a flow cut off by the collector's size cap is reported once.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ParseContext, Row, StreamParser } from '../types.js';
import { readFlow } from './conntrack-flow.js';

const OPEN = '<flow';
const CLOSE = '</flow>';
/** A flow is well under 2 KiB; past this without its closing tag the input is garbage. */
const MAX_FLOW_CHARS = 1024 * 1024;

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  let at = text.indexOf('\n', from);
  while (at >= 0 && at < to) {
    count++;
    at = text.indexOf('\n', at + 1);
  }
  return count;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Index of the next "<flow" that opens a flow element ("<flow>" or "<flow " with attributes). */
function findOpen(text: string, from: number): number {
  let at = text.indexOf(OPEN, from);
  while (at >= 0) {
    const next = text.charCodeAt(at + OPEN.length);
    if (next === 62 /* > */ || next === 32 || next === 9 || Number.isNaN(next)) return at;
    at = text.indexOf(OPEN, at + 1);
  }
  return -1;
}

/** Turns one flow element's text into a row, or an error message. */
export type FlowReader = (flowText: string) => Row | string;

/** Splits the chunk stream into flow elements and reads each with `readOne`. */
export async function* readFlows(chunks: AsyncIterable<Buffer>, readOne: FlowReader): AsyncIterable<[string, Row]> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let line = 1; // line number of buffer[0]
  let flows = 0;
  let sawXml = false;
  let sawOther = false;

  const noteGap = (from: number, to: number): void => {
    // between flows there is only a newline: look before cutting a substring out
    let at = from;
    while (at < to && isSpace(buffer.charCodeAt(at))) at++;
    if (at === to) return;
    const trimmed = buffer.slice(at, to).trim();
    if (trimmed.includes('<conntrack') || trimmed.includes('<?xml') || trimmed.includes('</conntrack>')) sawXml = true;
    else sawOther = true;
  };

  const drain = function* (final: boolean): Generator<[string, Row]> {
    let pos = 0;
    for (;;) {
      const open = findOpen(buffer, pos);
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
      const close = buffer.indexOf(CLOSE, open);
      if (close < 0) {
        if (final) {
          yield ['parse_errors', { line, message: 'last flow is cut off (output truncated at the size cap?)' }];
          pos = buffer.length;
        } else if (buffer.length - open > MAX_FLOW_CHARS) {
          yield ['parse_errors', { line, message: `no </flow> within ${MAX_FLOW_CHARS} characters of a <flow>` }];
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
      const text = buffer.slice(open, end);
      const result = readOne(text);
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
    buffer = buffer.slice(pos);
  };

  for await (const chunk of chunks) {
    buffer += decoder.write(chunk);
    yield* drain(false);
  }
  buffer += decoder.end();
  yield* drain(true);

  if (flows === 0 && sawOther && !sawXml) throw new Error('not conntrack XML output: no <conntrack> document and no <flow> element');
}

export function parseConntrackXml(chunks: AsyncIterable<Buffer>, _ctx: ParseContext): AsyncIterable<[string, Row]> {
  return readFlows(chunks, readFlow);
}

export const conntrackXmlParser: StreamParser = { kind: 'stream', parse: parseConntrackXml };
