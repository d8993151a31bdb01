import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PARSERS } from '../../../analyzer/parsers/network/index.js';
import type { ParseContext, Row, Rows, TextParser } from '../../../analyzer/parsers/types.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/network/', import.meta.url));

export function fixture(path: string): string {
  return readFileSync(FIXTURES + path, 'utf8');
}

export function ctx(source: string, member = `${source}/${source}.txt`): ParseContext {
  return { source, member, collectedAt: '2024-05-01T10:00:00Z', utcOffset: '+0800' };
}

/** Runs the registered parser of `source` on text. */
export function parse(source: string, text: string, member?: string): Rows {
  const parser = PARSERS[source];
  if (!parser || parser.kind !== 'text') throw new Error(`no text parser for ${source}`);
  return (parser as TextParser).parse(text, ctx(source, member));
}

export function rowsOf(rows: Rows, table: string): Row[] {
  return rows[table] ?? [];
}

export function errorsOf(rows: Rows): Row[] {
  return rows['parse_errors'] ?? [];
}

/** Rows without the named columns, for comparing two formats of one output. */
export function without(rows: Row[], ...columns: string[]): Row[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !columns.includes(k))));
}

export function toCrlf(text: string): string {
  return text.replace(/\n/g, '\r\n');
}

/** The text cut in the middle of its line number `line` (1-based), as the size cap does. */
export function cutInLine(text: string, line: number): string {
  const lines = text.split('\n');
  const kept = lines.slice(0, line - 1).join('\n');
  const partial = lines[line - 1]!;
  return `${kept}\n${partial.slice(0, Math.max(1, Math.floor(partial.length / 2)))}`;
}

export function byKey(rows: Row[], key: string): Map<unknown, Row> {
  return new Map(rows.map((r) => [r[key], r]));
}
