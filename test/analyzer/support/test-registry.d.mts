import type { AnalyzerRegistry } from '../../../analyzer/load/registry.js';
import type { TableDef } from '../../../analyzer/schema/types.js';
export declare const tables: TableDef[];
export declare const registry: AnalyzerRegistry;
