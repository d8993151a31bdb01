import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ParseContext, Row, Rows, StreamParser, TextParser } from '../../../analyzer/parsers/types.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/runtime/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(FIXTURES + name);
}

/** A context for a command item's output, or for a file item when `path` is given. */
export function ctx(source: string, path?: string): ParseContext {
  return {
    source,
    member: path ? `${source}${path}` : `${source}/${source}.txt`,
    ...(path ? { path } : {}),
    collectedAt: '2024-09-05T08:00:00.000Z',
    utcOffset: '+0800',
  };
}

export function parseText(parser: TextParser, text: string, context: ParseContext): Rows {
  return parser.parse(text, context);
}

/** Runs a stream parser over the given bytes in small chunks and groups its rows by table. */
export async function parseStream(parser: StreamParser, bytes: Buffer, context: ParseContext, chunkSize = 512): Promise<Rows> {
  async function* chunks(): AsyncIterable<Buffer> {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const rows: Rows = {};
  for await (const [table, row] of parser.parse(chunks(), context)) (rows[table] ??= []).push(row);
  return rows;
}

export function table(rows: Rows, name: string): Row[] {
  return rows[name] ?? [];
}

export function one(rows: Rows, name: string, where: (r: Row) => boolean): Row {
  const found = table(rows, name).filter(where);
  if (found.length !== 1) throw new Error(`expected one ${name} row, found ${found.length}`);
  return found[0] as Row;
}
