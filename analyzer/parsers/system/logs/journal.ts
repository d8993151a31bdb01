/**
 * A unit's journal tail, `journalctl --no-pager -o short-iso -u <unit> -n 5000`:
 *
 *   -- Logs begin at Thu 2026-11-19 08:00:01 CST, end at Sat 2026-11-21 23:49:01 CST. --
 *   2026-11-21T23:49:01+0800 node-1 kubelet[1234]: E1121 23:49:01.889617    1234 reflector.go:178] ... x509: certificate has expired or is not yet valid
 *   2026-11-21T23:49:02+0800 node-1 dockerd[987]: time="2026-11-21T23:49:02.123456789+08:00" level=error msg="..."
 *   -- Reboot --
 *
 * origin is the unit; process/pid are the syslog identifier the line came from.
 */
import type { TextParser } from '../../types.js';
import { collectedAtMs, offsetMinutes } from '../common/clock.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { emitSection } from './emit.js';
import { boundSection, MAX_LINES_PER_ORIGIN } from './sections.js';
import { readJournal } from './transport.js';

export function journalParser(unit: string): TextParser {
  return {
    kind: 'text',
    parse(text, ctx) {
      const out = new RowSink();
      const lines = splitLines(text);
      const offset = offsetMinutes(ctx.utcOffset);
      const time = { collected: collectedAtMs(ctx.collectedAt), offset };
      const section = boundSection({ origin: unit, first: 0, end: lines.length }, MAX_LINES_PER_ORIGIN, out);
      emitSection(out, lines, section, { source: ctx.source, reader: readJournal, time, payloadOffset: offset });
      return out.rows();
    },
  };
}
