/**
 * `chronyc -n tracking`:
 *
 *   Reference ID    : A9FEA97B (169.254.169.123)
 *   Stratum         : 4
 *   Ref time (UTC)  : Sat Nov 21 15:40:12 2026
 *   System time     : 0.000012345 seconds slow of NTP time
 *   Last offset     : -0.000004501 seconds
 *   ...
 *   Leap status     : Normal
 *
 * Before the first sync: "Reference ID : 00000000 ()", "Stratum : 0", "Leap status : Not synchronised".
 * "seconds fast of NTP time" means the system clock is ahead: offset_seconds is positive then.
 */
import { FACT, type TextParser } from '../../types.js';
import { SYSTEM_FACT } from '../common/fact-keys.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

const SYSTEM_TIME = /^([0-9.]+) seconds (fast|slow) of NTP time$/;

export const chronycParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const fields = new Map<string, string>();
    const lines = splitLines(text);
    lines.forEach((line) => {
      const colon = line.indexOf(' : ');
      if (colon <= 0) return;
      fields.set(line.slice(0, colon).trim(), line.slice(colon + 3).trim());
    });
    if (fields.size === 0) {
      const first = lines.find((l) => l.trim() !== '');
      if (first === undefined) {
        out.error('empty input');
        return out.rows();
      }
      // "506 Cannot talk to daemon" and the like
      throw new Error(`no tracking fields in chronyc output: ${first.slice(0, 200)}`);
    }
    const leap = fields.get('Leap status') ?? null;
    const referenceField = fields.get('Reference ID') ?? '';
    const reference = /\(([^)]*)\)/.exec(referenceField)?.[1] ?? referenceField;
    const stratumText = fields.get('Stratum');
    const stratum = stratumText !== undefined && /^\d+$/.test(stratumText) ? Number(stratumText) : null;

    let offset: number | null = null;
    const systemTime = fields.get('System time');
    if (systemTime !== undefined) {
      const m = SYSTEM_TIME.exec(systemTime);
      if (m) offset = (m[2] === 'fast' ? 1 : -1) * Number(m[1]);
      else out.error(`unreadable System time: ${systemTime}`);
    }
    // chrony spells it "Not synchronised"; a leap status at all means chronyd has a source
    const synchronized = leap === null ? null : /^not synchroni[sz]ed$/i.test(leap) ? 0 : 1;

    out.add('clock_sync', {
      source: ctx.source,
      synchronized,
      ntp_service: 'active',
      leap_status: leap,
      offset_seconds: offset,
      stratum,
      reference: reference === '' ? null : reference,
      timezone: null,
    });
    if (synchronized !== null) out.fact(ctx.source, FACT.clockSynchronized, synchronized === 1 ? 'yes' : 'no');
    if (offset !== null) out.fact(ctx.source, SYSTEM_FACT.clockOffsetSeconds, String(offset));
    return out.rows();
  },
};
