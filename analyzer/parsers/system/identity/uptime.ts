/**
 * /proc/uptime: seconds since boot and the summed idle seconds of all CPUs.
 *
 *   350735.47 234388.90
 */
import { FACT, type TextParser } from '../../types.js';
import { SYSTEM_FACT } from '../common/fact-keys.js';
import { decimal, isBlank, splitLines, words } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

export const uptimeParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const line = splitLines(text).find((l) => !isBlank(l));
    if (line === undefined) {
      out.error('empty input');
      return out.rows();
    }
    const [up, idle] = words(line);
    const seconds = decimal(up);
    if (seconds === null) throw new Error(`/proc/uptime does not start with a number: ${line.slice(0, 100)}`);
    out.fact(ctx.source, FACT.uptimeSeconds, String(seconds));
    const idleSeconds = decimal(idle);
    if (idleSeconds !== null) out.fact(ctx.source, SYSTEM_FACT.uptimeIdleSeconds, String(idleSeconds));
    else out.error('idle seconds missing', 1);
    return out.rows();
  },
};
