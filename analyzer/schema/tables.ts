import type { TableDef } from './types.js';
import { CORE_TABLES } from './core.js';
import { TABLES as NETFILTER } from './netfilter.js';
import { TABLES as NETWORK } from './network.js';
import { TABLES as SYSTEM } from './system.js';
import { TABLES as RUNTIME } from './runtime.js';
import { TABLES as CAPTURE } from './capture.js';

/** Every table parsers may fill, by name (the loader's own bookkeeping tables live in analyzer/db). */
export const PARSED_TABLES: readonly TableDef[] = [...CORE_TABLES, ...NETFILTER, ...NETWORK, ...SYSTEM, ...RUNTIME, ...CAPTURE];
