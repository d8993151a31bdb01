/**
 * Streaming redaction of a member's bytes. Lines are handled as latin1 strings (one char per
 * byte), so any byte sequence — invalid UTF-8, NULs — round-trips unchanged, exactly as
 * `LC_ALL=C sed` treats it; the patterns themselves are ASCII. A chunk whose lines all pass
 * untouched is returned as is (no copy).
 */
import type { RedactionRecord } from '../registry/manifest.js';
import { LineRedactor } from './line-redactor.js';
import { REDACTION_RULES } from './rules.js';

export interface Redactor {
  /** Redacts the complete lines in what has arrived so far; an unfinished last line waits for the next chunk or end(). */
  push(chunk: Buffer): Buffer;
  /** Redacts the unfinished last line (a member without a final newline stays without one). */
  end(): Buffer;
  /** One record per rule that matched: count of lines and their first line numbers, never values. */
  records(): RedactionRecord[];
}

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

class StreamRedactor implements Redactor {
  private readonly lines: LineRedactor;
  private pending: Buffer[] = [];
  private ended = false;

  constructor(member: string) {
    this.lines = new LineRedactor(REDACTION_RULES, member);
  }

  push(chunk: Buffer): Buffer {
    if (this.ended) throw new Error('redactor: push after end');
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      if (chunk.length > 0) this.pending.push(Buffer.from(chunk));
      return EMPTY;
    }
    const head = lastNewline + 1 === chunk.length ? chunk : chunk.subarray(0, lastNewline + 1);
    const complete = this.pending.length > 0 ? Buffer.concat([...this.pending, head]) : head;
    this.pending = lastNewline + 1 < chunk.length ? [Buffer.from(chunk.subarray(lastNewline + 1))] : [];
    return this.redactLines(complete, true);
  }

  end(): Buffer {
    if (this.ended) return EMPTY;
    this.ended = true;
    if (this.pending.length === 0) return EMPTY;
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    return this.redactLines(rest, false);
  }

  records(): RedactionRecord[] {
    return this.lines.records();
  }

  /** `data` holds whole lines; when `terminated` is false its last line has no `\n`. */
  private redactLines(data: Buffer, terminated: boolean): Buffer {
    const text = data.toString('latin1');
    const parts: Buffer[] = [];
    let keptFrom = 0; // start of the run of unchanged bytes not yet copied into parts
    let changed = false;
    let start = 0;
    while (start < text.length) {
      let newline = text.indexOf('\n', start);
      if (newline < 0) {
        if (terminated) break; // cannot happen: complete data ends with '\n'
        newline = text.length;
      }
      const line = text.slice(start, newline);
      const out = this.lines.redactLine(line);
      const next = newline + 1;
      if (out !== line) {
        changed = true;
        if (keptFrom < start) parts.push(data.subarray(keptFrom, start));
        if (out !== null) parts.push(Buffer.from(newline < text.length ? `${out}\n` : out, 'latin1'));
        keptFrom = Math.min(next, data.length);
      }
      start = next;
    }
    if (!changed) return data;
    if (keptFrom < data.length) parts.push(data.subarray(keptFrom));
    return Buffer.concat(parts);
  }
}

export function createRedactor(member: string): Redactor {
  return new StreamRedactor(member);
}

/** Redacts a whole text (a member already in memory); same rules and output as the streaming redactor. */
export function redactText(text: string, member: string): { text: string; records: RedactionRecord[] } {
  const lines = new LineRedactor(REDACTION_RULES, member);
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let newline = text.indexOf('\n', start);
    const terminated = newline >= 0;
    if (!terminated) newline = text.length;
    const line = text.slice(start, newline);
    const redacted = lines.redactLine(line);
    if (redacted !== null) out.push(terminated ? `${redacted}\n` : redacted);
    start = newline + 1;
  }
  return { text: out.join(''), records: lines.records() };
}
