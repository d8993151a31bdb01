import { readFileSync } from 'node:fs';
import type { ParseContext, Parser, Row, Rows } from '../../../analyzer/parsers/types.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/netfilter/${name}`, import.meta.url), 'utf8');
}

export function ctx(source: string, member = `${source}/${source}.txt`): ParseContext {
  return { source, member, collectedAt: '2026-11-21T23:59:32.000Z', utcOffset: '+0000' };
}

export function rowsOf(rows: Rows, table: string): Row[] {
  return rows[table] ?? [];
}

/** Runs a text parser, failing the test for a stream parser. */
export function parseText(parser: Parser, text: string, source: string): Rows {
  if (parser.kind !== 'text') throw new Error(`${source} is not a text parser`);
  return parser.parse(text, ctx(source));
}

/** Feeds `text` to a stream parser in chunks of `size` bytes and collects rows by table. */
export async function parseStream(parser: Parser, text: string | Buffer, source: string, size = 4096): Promise<Rows> {
  if (parser.kind !== 'stream') throw new Error(`${source} is not a stream parser`);
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  async function* chunks(): AsyncIterable<Buffer> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  const out: Rows = {};
  for await (const [table, row] of parser.parse(chunks(), ctx(source))) (out[table] ??= []).push(row);
  return out;
}
