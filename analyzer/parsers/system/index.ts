import type { Parser } from '../types.js';

/** Parsers of the system sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {};
