import type { Parser } from '../types.js';

/** Parsers of the network sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {};
