/**
 * /proc/pressure/{cpu,memory,io}, each file its own member (proc-pressure/proc/pressure/cpu):
 * share of time some / all (full) non-idle tasks stalled, over 10 s, 60 s, 300 s, and the total
 * stall time in microseconds. cpu has a "full" line since Linux 5.13.
 *
 *   some avg10=0.58 avg60=0.53 avg300=0.50 total=5478040
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 */
import type { TextParser } from '../../types.js';
import { baseName, decimal, integer, nodePathOf, splitLines, words } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

export const procPressureParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const resource = baseName(nodePathOf(ctx));
    splitLines(text).forEach((line, i) => {
      const w = words(line);
      if (w.length === 0) return;
      const kind = w[0];
      const fields = new Map<string, string>();
      for (const word of w.slice(1)) {
        const eq = word.indexOf('=');
        if (eq > 0) fields.set(word.slice(0, eq), word.slice(eq + 1));
      }
      const avg10 = decimal(fields.get('avg10'));
      if ((kind !== 'some' && kind !== 'full') || avg10 === null) {
        out.error(`not a pressure line: ${line.slice(0, 200)}`, i + 1);
        return;
      }
      const total = integer(fields.get('total'));
      if (total === null) out.error(`pressure line without total: ${line.slice(0, 200)}`, i + 1);
      out.add('pressure', { resource, kind, avg10, avg60: decimal(fields.get('avg60')), avg300: decimal(fields.get('avg300')), total_us: total });
    });
    return out.rows();
  },
};
