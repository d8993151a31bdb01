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
import { logMemberRows } from './log-member.js';
import { readJournal } from './transport.js';

export function journalParser(unit: string): TextParser {
  return { kind: 'text', parse: (text, ctx) => logMemberRows(text, ctx, { origin: unit, reader: readJournal, payloadZone: 'node' }) };
}
