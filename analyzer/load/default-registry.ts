import { SOURCE_NAMES } from '../../collector/registry/sources.js';
import { parserFor } from '../parsers/registry.js';
import { PARSED_TABLES } from '../schema/tables.js';
import type { AnalyzerRegistry } from './registry.js';

/** The real parsers and tables. Worker threads import this module by URL (see worker-pool.ts). */
export const registry: AnalyzerRegistry = { parserFor, tables: PARSED_TABLES, sources: SOURCE_NAMES };
