import type { TableDef } from './types.js';

/** Tables filled by the capture parsers (analyzer/parsers/capture/). */
export const TABLES: TableDef[] = [];
