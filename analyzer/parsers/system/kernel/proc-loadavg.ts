/**
 * /proc/loadavg: 1, 5 and 15 minute load, running/total scheduling entities (threads), last pid.
 *
 *   0.09 0.09 0.06 2/108 10279
 */
import type { TextParser } from '../../types.js';
import { decimal, splitLines, words } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

export const procLoadavgParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    const line = splitLines(text).find((l) => l.trim() !== '');
    if (line === undefined) {
      out.error('empty input');
      return out.rows();
    }
    const [l1, l5, l15, tasks, last] = words(line);
    const load1 = decimal(l1);
    if (load1 === null) throw new Error(`/proc/loadavg does not start with a load figure: ${line.slice(0, 100)}`);
    const m = /^(\d+)\/(\d+)$/.exec(tasks ?? '');
    if (!m || last === undefined) out.error(`incomplete /proc/loadavg line: ${line.slice(0, 100)}`, 1);
    out.add('loadavg', {
      load1,
      load5: decimal(l5),
      load15: decimal(l15),
      running: m ? Number(m[1]) : null,
      total_tasks: m ? Number(m[2]) : null,
      last_pid: last !== undefined && /^\d+$/.test(last) ? Number(last) : null,
    });
    return out.rows();
  },
};
