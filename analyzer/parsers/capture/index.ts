import type { Parser } from '../types.js';

/** Parsers of the capture sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {};
