import type { Parser } from '../types.js';

/** Parsers of the runtime sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {};
