import type { TableDef } from './types.js';

/** Tables filled by the runtime parsers (analyzer/parsers/runtime/). */
export const TABLES: TableDef[] = [];
