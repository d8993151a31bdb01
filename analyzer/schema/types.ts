/**
 * Table definitions. Every table also gets `node_id INTEGER NOT NULL` (added by the database
 * layer, never declared here). `nodesnap schema` prints these descriptions: write them for an
 * engineer querying the database with sqlite3.
 */
export type ColumnType = 'TEXT' | 'INTEGER' | 'REAL';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  description: string;
}

export interface TableDef {
  name: string;
  description: string;
  columns: ColumnDef[];
  /** Extra indexes, each a list of columns (node_id is always indexed). */
  indexes?: string[][];
}

export function col(name: string, type: ColumnType, description: string): ColumnDef {
  return { name, type, description };
}
