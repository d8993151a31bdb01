/**
 * /proc/meminfo: sizes in kB, and a few plain counts (huge pages):
 *
 *   MemTotal:       24684096 kB
 *   SwapTotal:             0 kB
 *   HugePages_Total:       0
 *   Hugepagesize:       2048 kB
 */
import type { TextParser } from '../../types.js';
import { integer, splitLines, words } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

export const procMeminfoParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    splitLines(text).forEach((line, i) => {
      if (line.trim() === '') return;
      const colon = line.indexOf(':');
      const w = words(line.slice(colon + 1));
      const value = integer(w[0]);
      if (colon <= 0 || value === null || w.length > 2 || (w.length === 2 && w[1] !== 'kB')) {
        out.error(`not a "Key: value [kB]" line: ${line.slice(0, 200)}`, i + 1);
        return;
      }
      const inKb = w[1] === 'kB';
      out.add('meminfo', { key: line.slice(0, colon).trim(), kb: inKb ? value : null, value });
    });
    return out.rows();
  },
};
