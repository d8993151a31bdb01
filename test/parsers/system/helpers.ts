import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { PARSERS } from '../../../analyzer/parsers/system/index.js';
import type { ParseContext, Row, Rows } from '../../../analyzer/parsers/types.js';
import { CORE_TABLES } from '../../../analyzer/schema/core.js';
import { TABLES } from '../../../analyzer/schema/system.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/system/', import.meta.url));

export function fixture(relativePath: string): string {
  return readFileSync(FIXTURES + relativePath, 'utf8');
}

/** Collected in Shanghai at 23:49:01 local time. */
export const COLLECTED_AT = '2026-11-21T15:49:01.000Z';

export function context(source: string, overrides: Partial<ParseContext> = {}): ParseContext {
  return { source, member: `${source}/${source}.txt`, collectedAt: COLLECTED_AT, utcOffset: '+0800', ...overrides };
}

/** Runs the registered parser of `source` on text and checks every row against the declared tables. */
export function parse(source: string, text: string, overrides: Partial<ParseContext> = {}): Rows {
  const parser = PARSERS[source];
  if (!parser) throw new Error(`no system parser for ${source}`);
  if (parser.kind !== 'text') throw new Error(`${source} is not a text parser`);
  const rows = parser.parse(text, context(source, overrides));
  expectDeclared(rows);
  return rows;
}

const DECLARED = new Map([...CORE_TABLES, ...TABLES].map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));

/** Every table a parser fills is declared, and every cell belongs to a declared column. */
export function expectDeclared(rows: Rows): void {
  // collected first: one expect per cell would dominate the run time of 20,000-row tests
  const problems = new Set<string>();
  for (const [table, list] of Object.entries(rows)) {
    if (table === 'parse_errors') {
      for (const row of list) if (typeof row.message !== 'string') problems.add('parse_errors row without a message');
      continue;
    }
    const columns = DECLARED.get(table);
    if (!columns) {
      problems.add(`table ${table} is not declared`);
      continue;
    }
    for (const row of list) for (const key in row) if (!columns.has(key)) problems.add(`${table}.${key} is not declared`);
  }
  expect([...problems]).toEqual([]);
}

export function table(rows: Rows, name: string): Row[] {
  return rows[name] ?? [];
}

/** node_facts as key -> value. */
export function facts(rows: Rows): Record<string, string> {
  return Object.fromEntries(table(rows, 'node_facts').map((r) => [r.key as string, r.value as string]));
}

export function errors(rows: Rows): string[] {
  return table(rows, 'parse_errors').map((r) => String(r.message));
}

export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** The text cut in the middle of its last line (what a size cap or a killed command leaves). */
export function truncateLastLine(text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lastBreak = body.lastIndexOf('\n');
  const last = body.slice(lastBreak + 1);
  return body.slice(0, lastBreak + 1) + last.slice(0, Math.max(1, Math.floor(last.length / 2)));
}
