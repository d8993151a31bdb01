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

/** Rows of one table waiting for a batched INSERT. */
class TableBuffer {
  private params: SqlValue[] = [];
  private rows = 0;

  constructor(
    private readonly db: Db,
    private readonly table: TablePlan,
    private readonly nodeId: number,
  ) {}

  /** `values` are in the table's column order (node_id excluded), one per column. */
  add(values: readonly SqlValue[]): void {
    this.params.push(this.nodeId);
    for (let i = 0; i < values.length; i++) this.params.push(values[i] as SqlValue);
    if (++this.rows === this.table.batchRows) this.flush();
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
      const width = this.table.columns.length + 1;
      let offset = 0;
      for (let piece = highestPowerOfTwo(this.rows); offset < this.rows; piece >>= 1) {
        if (this.rows - offset < piece) continue;
        insertStatement(this.db, this.table, piece).run(this.params.slice(offset * width, (offset + piece) * width));
        offset += piece;
      }
    }
    this.params = [];
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

  add(table: TablePlan, values: readonly SqlValue[]): void {
    let buffer = this.buffers.get(table.name);
    if (!buffer) this.buffers.set(table.name, (buffer = new TableBuffer(this.db, table, this.nodeId)));
    buffer.add(values);
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
