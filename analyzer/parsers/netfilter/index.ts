import type { Parser } from '../types.js';

/** Parsers of the netfilter sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {};
