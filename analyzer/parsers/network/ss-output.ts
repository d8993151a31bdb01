/**
 * The layout `ss -tan` and `ss -ltn` share: an optional header line, then one socket per line
 * with the columns State Recv-Q Send-Q Local Peer [Process]:
 *
 *   State  Recv-Q Send-Q   Local Address:Port  Peer Address:PortProcess
 *   LISTEN 0      64     10.244.1.1%cni0:53         0.0.0.0:*
 *
 * With several socket kinds ss adds a Netid column ("tcp") before State.
 */
import type { RowSink } from './common/row-sink.js';
import { commandOutputLines } from './common/lines.js';
import { starFamilyOf, wordBounds, type StarFamily } from './ss-address.js';

export interface SsOutput {
  lines: string[];
  /** Index of the first socket line. */
  first: number;
  /** What a bare '*' address means in this output. */
  star: StarFamily;
  /** 1 when a Netid column comes before State, else 0: add it to every column index. */
  shift: number;
  /** Word bounds of the five columns before Process (plus Netid) of the line last read, reused across lines. */
  starts: Int32Array;
  ends: Int32Array;
  /** Recv-Q and Send-Q of the line last read; -1 when it lacks the columns or they are not numbers. */
  recvQ: number;
  sendQ: number;
}

export function readSsOutput(text: string, sink: RowSink): SsOutput {
  const lines = commandOutputLines(text, sink);
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  const header = lines[first] ?? '';
  const hasHeader = header.startsWith('State') || header.startsWith('Netid');
  if (hasHeader) sink.understoodSomething();
  const shift = header.startsWith('Netid') ? 1 : 0;
  return {
    lines,
    first: hasHeader ? first + 1 : first,
    star: starFamilyOf(hasHeader ? header : '', text),
    shift,
    starts: new Int32Array(5 + shift),
    ends: new Int32Array(5 + shift),
    recvQ: -1,
    sendQ: -1,
  };
}

/** Reads the columns of a socket line into `out`; false for a blank line. */
export function readSsLine(line: string, out: SsOutput): boolean {
  const count = wordBounds(line, out.starts, out.ends);
  if (count === 0) return false;
  const full = count === out.starts.length;
  out.recvQ = full ? ssQueue(line, out.starts[out.shift + 1]!, out.ends[out.shift + 1]!) : -1;
  out.sendQ = full ? ssQueue(line, out.starts[out.shift + 2]!, out.ends[out.shift + 2]!) : -1;
  return true;
}

/** Recv-Q/Send-Q in line[start, end): a non-negative decimal, or -1. */
function ssQueue(line: string, start: number, end: number): number {
  if (end === start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}
