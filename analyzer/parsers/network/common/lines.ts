import { splitLines } from '../../shared/text.js';
import type { RowSink } from './row-sink.js';

export { splitLines };

/**
 * Lines of a command's output. The tools always end their output with a newline, so a last line
 * without one was cut by the collector's size cap: it is reported and left out rather than read
 * as a shorter, wrong value.
 */
export function commandOutputLines(text: string, sink: RowSink): string[] {
  const lines = splitLines(text);
  if (lines.length > 0 && text.length > 0 && text.charCodeAt(text.length - 1) !== 10 && lines[lines.length - 1]!.trim() !== '') {
    sink.error(lines.length, 'last line is cut off (no newline at the end of the output); it was not parsed');
    lines.pop();
  }
  return lines;
}

/** Whether a line starts with a space or tab (a continuation of the record above it). */
export function isIndented(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 32 || c === 9;
}

/** Whitespace-separated words of a line (spaces, tabs; runs collapse). */
export function words(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 32;
    const blank = c === 32 || c === 9 || c === 13;
    if (blank) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  return out;
}

/** Whether the first non-blank character of the text is '[': the JSON of `ip -j` / `bridge -j`. */
export function looksLikeJsonArray(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) continue;
    return c === 91;
  }
  return false;
}
