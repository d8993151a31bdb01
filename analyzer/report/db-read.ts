/**
 * Defensive reads for the report: it draws from whatever tables the database holds (a database
 * from an older nodesnap, or a build without the capture parsers, lacks some), never failing the
 * whole report because one picture's table is absent.
 */
import type { Database } from 'better-sqlite3';

export function hasTable(db: Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?").get(name) !== undefined;
}

export function tableColumns(db: Database, name: string): Set<string> {
  if (!hasTable(db, name)) return new Set();
  return new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).map((c) => c.name));
}

export function hasColumns(db: Database, table: string, columns: readonly string[]): boolean {
  const have = tableColumns(db, table);
  return columns.every((c) => have.has(c));
}

/** Groups rows by node_id, keeping their order. */
export function byNode<T extends { node_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const list = out.get(row.node_id);
    if (list) list.push(row);
    else out.set(row.node_id, [row]);
  }
  return out;
}
