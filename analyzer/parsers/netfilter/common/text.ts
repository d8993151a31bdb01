/**
 * Small text helpers shared by the netfilter parsers: exact integers, words, and the row collector
 * with its `parse_errors` side table (line splitting comes from ../../shared/text.ts).
 */
import type { Cell, Row, Rows } from '../../types.js';

// line splitting is the same for every parser group
export { splitLines } from '../../shared/text.js';

/** Whitespace-separated words of a line (spaces and tabs). */
export function words(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/[ \t]+/);
}

const DIGITS = /^\d+$/;

/** A non-negative decimal integer; values past 2^53 stay exact as bigint; null when not one. */
export function exactInteger(text: string | undefined): number | bigint | null {
  if (text === undefined) return null;
  if (text.length > 0 && text.length <= 15) {
    // the common case (every counter of every rule) read digit by digit: no regex, no Number()
    let value = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      value = value * 10 + c;
    }
    return value;
  }
  if (!DIGITS.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** A signed decimal integer (weights may be negative in odd builds), or null. */
export function signedInteger(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** Collects rows by table; `error` records a malformed line without stopping the parse. */
export class RowSink {
  readonly rows: Rows = {};

  add(table: string, row: Row): Row {
    let list = this.rows[table];
    if (list === undefined) {
      list = [];
      this.rows[table] = list;
    }
    list.push(row);
    return row;
  }

  error(line: number | null, message: string): void {
    this.add('parse_errors', { line, message });
  }

  fact(source: string, key: string, value: Cell): void {
    this.add('node_facts', { source, key, value: value === null ? null : String(value) });
  }

  count(table: string): number {
    return this.rows[table]?.length ?? 0;
  }
}

/** Shortens a line for an error message so one huge garbage line cannot bloat the database. */
export function excerpt(line: string, max = 200): string {
  return line.length <= max ? line : `${line.slice(0, max)}…`;
}
