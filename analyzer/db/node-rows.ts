import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { quoteIdent, type SchemaPlan, type TablePlan } from './schema-plan.js';

/** What SQLite stores; booleans are converted to 0/1 before they get here. */
export type SqlValue = string | number | bigint | null;

const statementCaches = new WeakMap<Db, Map<string, Statement>>();

/** Prepared INSERT of `rows` rows into a table, prepared once per connection. */
function insertStatement(db: Db, table: TablePlan, rows: number): Statement {
  let cache = statementCaches.get(db);
  if (!cache) statementCaches.set(db, (cache = new Map()));
  const key = `${table.name}\u0000${rows}`;
  let stmt = cache.get(key);
  if (!stmt) {
    const tuple = `(${new Array(table.columns.length + 1).fill('?').join(',')})`;
    const columns = ['node_id', ...table.columns].map(quoteIdent).join(', ');
    stmt = db.prepare(`INSERT INTO ${quoteIdent(table.name)} (${columns}) VALUES ${new Array(rows).fill(tuple).join(',')}`);
    cache.set(key, stmt);
  }
  return stmt;
}

/**
 * Rows of one table waiting for a batched INSERT. The parameter array is allocated once and
 * reused (better-sqlite3 binds synchronously): a large node passes millions of values through
 * here, and a fresh array per batch was a good part of the loader's garbage.
 */
export class TableBuffer {
  /** node_id and the columns of each buffered row, row after row (grown to one batch, then reused). */
  readonly params: SqlValue[] = [];
  private rows = 0;
  private readonly width: number;

  constructor(
    private readonly db: Db,
    private readonly table: TablePlan,
    private readonly nodeId: number,
  ) {
    this.width = table.columns.length + 1;
  }

  /**
   * Starts a row (node_id set, every column NULL) and returns the index in `params` of its first
   * column: the caller writes column i at that index + i, then calls `close()`.
   */
  open(): number {
    const base = this.rows * this.width;
    const end = base + this.width;
    const params = this.params;
    if (params.length < end) {
      while (params.length < end) params.push(null);
    } else {
      for (let i = base + 1; i < end; i++) params[i] = null;
    }
    params[base] = this.nodeId;
    return base + 1;
  }

  close(): void {
    if (++this.rows === this.table.batchRows) this.flush();
  }

  /** `values` are in the table's column order (node_id excluded), one per column. */
  add(values: readonly SqlValue[]): void {
    const at = this.open();
    for (let i = 0; i < values.length; i++) this.params[at + i] = values[i] as SqlValue;
    this.close();
  }

  /**
   * A full batch goes in one statement; a remainder in power-of-two pieces, so each table needs at
   * most seven cached statements instead of one per remainder size (preparing is the dearer part
   * for the many small tables of a node).
   */
  flush(): void {
    if (this.rows === 0) return;
    if (this.rows === this.table.batchRows) {
      insertStatement(this.db, this.table, this.rows).run(this.params);
    } else {
      const width = this.width;
      let offset = 0;
      for (let piece = highestPowerOfTwo(this.rows); offset < this.rows; piece >>= 1) {
        if (this.rows - offset < piece) continue;
        insertStatement(this.db, this.table, piece).run(this.params.slice(offset * width, (offset + piece) * width));
        offset += piece;
      }
    }
    this.rows = 0;
  }
}

function highestPowerOfTwo(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

/**
 * All rows of one node on their way into the database, batched per table. The caller owns the
 * transaction; `flush()` before reading the tables back or committing.
 */
export class NodeRows {
  private readonly buffers = new Map<string, TableBuffer>();

  constructor(
    private readonly db: Db,
    private readonly plan: SchemaPlan,
    readonly nodeId: number,
  ) {}

  /** The buffer of a table, for writing rows in place (see TableBuffer.open). */
  buffer(table: TablePlan): TableBuffer {
    let buffer = this.buffers.get(table.name);
    if (!buffer) this.buffers.set(table.name, (buffer = new TableBuffer(this.db, table, this.nodeId)));
    return buffer;
  }

  add(table: TablePlan, values: readonly SqlValue[]): void {
    this.buffer(table).add(values);
  }

  /** Adds a row given by column name (bookkeeping tables); unknown names are a programming error. */
  addRecord(tableName: string, record: Readonly<Record<string, SqlValue | undefined>>): void {
    const table = this.plan.byName.get(tableName);
    if (!table) throw new Error(`no table ${tableName}`);
    const values: SqlValue[] = new Array<SqlValue>(table.columns.length).fill(null);
    for (const [name, value] of Object.entries(record)) {
      const index = table.columnIndex.get(name);
      if (index === undefined) throw new Error(`no column ${tableName}.${name}`);
      values[index] = value ?? null;
    }
    this.add(table, values);
  }

  flush(): void {
    for (const buffer of this.buffers.values()) buffer.flush();
  }

  /** Tables that received at least one row from this node. */
  tablesWritten(): string[] {
    return [...this.buffers.keys()];
  }
}

/** Removes every row of the given nodes from every table (caller holds the transaction). */
export function deleteNodes(db: Db, plan: SchemaPlan, nodeIds: readonly number[]): void {
  if (nodeIds.length === 0) return;
  for (const table of plan.tables) {
    const stmt = db.prepare(`DELETE FROM main.${quoteIdent(table.name)} WHERE node_id = ?`);
    for (const id of nodeIds) stmt.run(id);
  }
}
