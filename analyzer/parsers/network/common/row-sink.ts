import type { Row, Rows } from '../../types.js';

/** The reserved table parsers report malformed input in. */
export const PARSE_ERRORS = 'parse_errors';

/**
 * Collects a parser's rows by table, and its complaints about the input as `parse_errors` rows.
 * `finish()` enforces the one rule about giving up: throw only when nothing at all was parsed.
 */
export class RowSink {
  private readonly tables: Rows = {};
  private dataRows = 0;
  private understood = 0;
  private errors = 0;
  private firstError = '';

  add(table: string, row: Row): void {
    const list = this.tables[table];
    if (list) list.push(row);
    else this.tables[table] = [row];
    this.dataRows++;
  }

  /** `line` is 1-based; null when the complaint is not about one line (e.g. a JSON element). */
  error(line: number | null, message: string): void {
    const row: Row = { line, message };
    const list = this.tables[PARSE_ERRORS];
    if (list) list.push(row);
    else this.tables[PARSE_ERRORS] = [row];
    if (this.errors++ === 0) this.firstError = line === null ? message : `line ${line}: ${message}`;
  }

  /** Records that part of the input was understood even though it yields no row (a device without addresses). */
  understoodSomething(): void {
    this.understood++;
  }

  get rowCount(): number {
    return this.dataRows;
  }

  /** The rows; throws when the input held something but every part of it was malformed. */
  finish(): Rows {
    if (this.dataRows === 0 && this.understood === 0 && this.errors > 0) throw new Error(`nothing could be parsed: ${this.firstError}`);
    return this.tables;
  }
}
