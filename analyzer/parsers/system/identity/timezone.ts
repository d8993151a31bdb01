/**
 * The timezone shell item: key=value lines from `date` and the /etc/localtime link.
 *
 *   offset=+0800
 *   abbreviation=CST
 *   epoch=1795305649
 *   localtime=../usr/share/zoneinfo/Asia/Shanghai
 *   timezone=Asia/Shanghai
 *
 * The zone name comes from /etc/timezone (Debian) or else from the link target (RHEL has no
 * /etc/timezone); an empty value means the file or link is absent.
 */
import { FACT, type TextParser } from '../../types.js';
import { SYSTEM_FACT } from '../common/fact-keys.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { offsetMinutes } from '../common/clock.js';

/** "Asia/Shanghai" from "../usr/share/zoneinfo/Asia/Shanghai" or "/usr/share/zoneinfo/posix/Asia/Shanghai". */
export function zoneOfLink(target: string): string {
  const at = target.indexOf('zoneinfo/');
  if (at < 0) return '';
  return target.slice(at + 'zoneinfo/'.length).replace(/^(posix|right)\//, '');
}

export const timezoneParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const values = new Map<string, string>();
    splitLines(text).forEach((line, i) => {
      if (line.trim() === '') return;
      const eq = line.indexOf('=');
      if (eq <= 0) {
        out.error(`not a key=value line: ${line.slice(0, 200)}`, i + 1);
        return;
      }
      values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    });
    if (values.size === 0) {
      if (out.count('parse_errors') === 0) out.error('empty input');
      return out.rows();
    }
    const offset = values.get('offset') ?? '';
    if (offset !== '' && offsetMinutes(offset) === null) out.error(`unreadable UTC offset: ${offset}`);
    else out.fact(ctx.source, FACT.utcOffset, offset);
    const link = values.get('localtime') ?? '';
    const zone = values.get('timezone') || zoneOfLink(link);
    out.fact(ctx.source, FACT.timezone, zone);
    out.fact(ctx.source, SYSTEM_FACT.clockAbbreviation, values.get('abbreviation') ?? '');
    out.fact(ctx.source, SYSTEM_FACT.clockLocaltime, link);
    const epoch = values.get('epoch') ?? '';
    if (epoch !== '' && !/^\d+$/.test(epoch)) out.error(`epoch is not a number: ${epoch}`);
    else out.fact(ctx.source, SYSTEM_FACT.clockEpoch, epoch);
    return out.rows();
  },
};
