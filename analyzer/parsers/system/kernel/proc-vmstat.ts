/**
 * /proc/vmstat: one "name value" counter a line.
 *
 *   nr_free_pages 1068362
 *   nr_kernel_stack 8432
 *   pgpgin 2294612
 */
import type { TextParser } from '../../types.js';
import { integer, splitLines, words } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

export const procVmstatParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    splitLines(text).forEach((line, i) => {
      const w = words(line);
      if (w.length === 0) return;
      const value = integer(w[1]);
      if (w.length !== 2 || value === null) {
        out.error(`not a "name value" line: ${line.slice(0, 200)}`, i + 1);
        return;
      }
      out.add('vmstat', { key: w[0] as string, value });
    });
    return out.rows();
  },
};
