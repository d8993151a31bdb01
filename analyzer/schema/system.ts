import type { TableDef } from './types.js';

/** Tables filled by the system parsers (analyzer/parsers/system/). */
export const TABLES: TableDef[] = [];
