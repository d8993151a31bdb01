import type { ParseContext, Rows, TextParser } from '../../types.js';
import { looksLikeJsonArray } from './lines.js';

/**
 * One parser for a source whose collector tries `ip -j ...` and falls back to plain text on an
 * iproute2 too old for JSON: the manifest (which says which argv ran) arrives after the member,
 * so the content decides.
 */
export function jsonOrText(json: (text: string, ctx: ParseContext) => Rows, text: (text: string, ctx: ParseContext) => Rows): TextParser {
  return {
    kind: 'text',
    parse(input: string, ctx: ParseContext): Rows {
      return looksLikeJsonArray(input) ? json(input, ctx) : text(input, ctx);
    },
  };
}
