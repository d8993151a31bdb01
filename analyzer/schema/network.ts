import type { TableDef } from './types.js';

/** Tables filled by the network parsers (analyzer/parsers/network/). */
export const TABLES: TableDef[] = [];
