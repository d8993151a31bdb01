import type { ColumnDef, TableDef } from '../schema/types.js';
import { BOOKKEEPING_TABLES, NODE_TABLE_NAME } from './bookkeeping-tables.js';

/** A table as `nodesnap schema` documents it: node_id included, as in the database. */
export interface TableDoc {
  name: string;
  description: string;
  /** 'loader' for the bookkeeping tables, 'parser' for tables parsers fill. */
  filledBy: 'loader' | 'parser';
  columns: ColumnDef[];
  indexes: string[][];
}

function nodeIdColumn(table: string): ColumnDef {
  return table === NODE_TABLE_NAME
    ? { name: 'node_id', type: 'INTEGER', description: 'The node (primary key); every other table\'s node_id refers to it' }
    : { name: 'node_id', type: 'INTEGER', description: 'The node this row belongs to (nodes.node_id)' };
}

/** Every table of the database, bookkeeping tables first, each with node_id as its first column. */
export function documentTables(parsedTables: readonly TableDef[]): TableDoc[] {
  const doc = (t: TableDef, filledBy: TableDoc['filledBy']): TableDoc => ({
    name: t.name,
    description: t.description,
    filledBy,
    columns: [nodeIdColumn(t.name), ...t.columns],
    indexes: [...(t.name === NODE_TABLE_NAME ? [] : [['node_id']]), ...(t.indexes ?? [])],
  });
  return [...BOOKKEEPING_TABLES.map((t) => doc(t, 'loader')), ...parsedTables.map((t) => doc(t, 'parser'))];
}

export function schemaAsJson(tables: readonly TableDoc[]): string {
  return `${JSON.stringify({ tables }, null, 2)}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function schemaAsMarkdown(tables: readonly TableDoc[]): string {
  const out: string[] = ['# nodesnap database schema', '', 'Every table has `node_id` (see `nodes`). Tables filled by the loader come first, then the parsers\' tables.', ''];
  for (const t of tables) {
    out.push(`## ${t.name}`, '', t.description, '', '| column | type | description |', '|---|---|---|');
    for (const c of t.columns) out.push(`| \`${c.name}\` | ${c.type} | ${cell(c.description)} |`);
    if (t.indexes.length > 0) out.push('', `Indexed: ${t.indexes.map((i) => `(${i.join(', ')})`).join(', ')}`);
    out.push('');
  }
  return out.join('\n');
}

/** Plain text for a terminal: one block per table, columns aligned. */
export function schemaAsText(tables: readonly TableDoc[]): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(`${t.name}  (${t.filledBy === 'loader' ? 'filled by the loader' : 'filled by parsers'})`, `  ${t.description}`);
    const width = Math.max(...t.columns.map((c) => c.name.length));
    for (const c of t.columns) out.push(`    ${c.name.padEnd(width)}  ${c.type.padEnd(7)}  ${c.description}`);
    out.push('');
  }
  return out.join('\n');
}
