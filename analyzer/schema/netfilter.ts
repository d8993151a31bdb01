import type { TableDef } from './types.js';

/** Tables filled by the netfilter parsers (analyzer/parsers/netfilter/). */
export const TABLES: TableDef[] = [];
