/**
 * `hostname` (or /proc/sys/kernel/hostname as its fallback):
 *
 *   node-1.example.internal
 */
import { FACT, type TextParser } from '../../types.js';
import { isBlank, splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

export const hostnameParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const lines = splitLines(text).filter((l) => !isBlank(l));
    const name = lines[0]?.trim();
    if (name === undefined) {
      out.error('empty input');
      return out.rows();
    }
    if (/\s/.test(name)) out.error(`host name contains blanks: ${name.slice(0, 200)}`, 1);
    if (lines.length > 1) out.error(`${lines.length - 1} unexpected extra line(s) after the host name`, 2);
    out.fact(ctx.source, FACT.hostname, name);
    return out.rows();
  },
};
