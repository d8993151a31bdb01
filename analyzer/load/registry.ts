import type { Parser } from '../parsers/types.js';
import type { TableDef } from '../schema/types.js';

/**
 * What the loader needs from the parser side: a parser per source, the tables parsers fill, and
 * every source name the collector knows (so `source_status` has a row for each, collected or not).
 * Injectable, so the loader is tested with small test parsers and works whatever parsers exist.
 */
export interface AnalyzerRegistry {
  parserFor(source: string): Parser | undefined;
  readonly tables: readonly TableDef[];
  readonly sources: readonly string[];
}
