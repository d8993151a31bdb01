/**
 * Lenient readers for JSON that the collector may have cut at its size cap or that a tool
 * prints as several documents in a row (`crictl inspect` once per container):
 *
 *   {"status": {...}, "info": {...}}
 *   {"status": {...}, "info": {...}}
 *
 * A complete value is kept even when a later one is broken, so a truncated 256 MiB
 * `docker inspect` array still yields every container before the cut.
 */
import { errorMessage } from './rows.js';

export interface JsonScanResult {
  values: { value: unknown; line: number }[];
  errors: { line: number; message: string }[];
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

/** Index just past the object or array starting at `start`, or -1 when the text ends first. */
function endOfCompound(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Index just past a scalar (number, true, null, "string") starting at `start`. */
function endOfScalar(text: string, start: number): number {
  if (text.charCodeAt(start) === QUOTE) {
    for (let i = start + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) return i + 1;
    }
    return -1;
  }
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET) break;
    i++;
  }
  return i;
}

class LineCounter {
  private pos = 0;
  private line = 1;
  constructor(private readonly text: string) {}
  /** 1-based line of `offset`; offsets must not go backwards. */
  at(offset: number): number {
    for (; this.pos < offset && this.pos < this.text.length; this.pos++) {
      if (this.text.charCodeAt(this.pos) === NEWLINE) this.line++;
    }
    return this.line;
  }
}

function scan(text: string, from: number, until: number, inArray: boolean, out: JsonScanResult): void {
  const lines = new LineCounter(text);
  let i = from;
  while (i < until) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || (inArray && c === COMMA)) {
      i++;
      continue;
    }
    if (inArray && c === CLOSE_BRACKET) return;
    const line = lines.at(i);
    const end = c === OPEN_BRACE || c === OPEN_BRACKET ? endOfCompound(text, i) : endOfScalar(text, i);
    if (end < 0 || end > until) {
      out.errors.push({ line, message: `truncated JSON value at line ${line} (${until - i} bytes left unread)` });
      return;
    }
    try {
      out.values.push({ value: JSON.parse(text.slice(i, end)), line });
    } catch (err) {
      out.errors.push({ line, message: `invalid JSON value at line ${line}: ${errorMessage(err)}` });
    }
    i = end;
  }
}

/** Every JSON value in a text holding zero or more of them back to back. */
export function readJsonValues(text: string): JsonScanResult {
  const out: JsonScanResult = { values: [], errors: [] };
  scan(text, 0, text.length, false, out);
  return out;
}

/**
 * The elements of a text holding one JSON array (`docker inspect`), reading past a cut or a
 * broken element. Text that does not start with '[' is read as back-to-back values instead.
 */
export function readJsonArrayElements(text: string): JsonScanResult {
  try {
    const whole: unknown = JSON.parse(text);
    if (Array.isArray(whole)) return { values: whole.map((value) => ({ value, line: 0 })), errors: [] };
    return { values: [{ value: whole, line: 1 }], errors: [] };
  } catch {
    // fall through to the element-by-element reading
  }
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  const out: JsonScanResult = { values: [], errors: [] };
  if (text.charCodeAt(start) !== OPEN_BRACKET) {
    scan(text, start, text.length, false, out);
    return out;
  }
  scan(text, start + 1, text.length, true, out);
  return out;
}
