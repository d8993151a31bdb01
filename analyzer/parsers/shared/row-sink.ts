/**
 * Collects the rows of one parser call (the runtime and system parsers). `parse_errors` is where
 * unreadable input goes, so a bad line costs one row of explanation, never the rest of the member.
 */
import type { Cell, Row, Rows } from '../types.js';

export class RowSink {
  private readonly tables: Rows = {};

  add(table: string, row: Row): void {
    (this.tables[table] ??= []).push(row);
  }

  /** A malformed part of the input; `line` is 1-based when the input has lines. */
  error(message: string, line?: number): void {
    this.add('parse_errors', line === undefined ? { message } : { line, message });
  }

  /** One node_facts row; empty values are not facts. */
  fact(source: string, key: string, value: Cell): void {
    if (value === null || value === '') return;
    this.add('node_facts', { source, key, value: String(value) });
  }

  count(table: string): number {
    return this.tables[table]?.length ?? 0;
  }

  rows(): Rows {
    return this.tables;
  }
}
