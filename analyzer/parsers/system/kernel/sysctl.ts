/**
 * `sysctl -a`: one "key = value" line per parameter. Values may hold tabs (vectors), may be
 * empty, and a multi-line value repeats its key on every line:
 *
 *   net.ipv4.ip_forward = 1
 *   net.ipv4.ip_local_port_range = 32768	60999
 *   kernel.domainname = (none)
 *   net.ipv4.ip_local_reserved_ports = 
 *   kernel.core_modes = file
 *   kernel.core_modes = pipe
 *
 * "sysctl: permission denied on key ..." goes to stderr; if it shows up here it is skipped.
 */
import type { TextParser } from '../../types.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** The value as an integer when it is exactly one (fits SQLite's 64-bit INTEGER), else null. */
export function sysctlInteger(value: string): number | bigint | null {
  if (!/^-?\d+$/.test(value)) return null;
  const n = Number(value);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(value);
  return big <= INT64_MAX && big >= INT64_MIN ? big : null;
}

export const sysctlParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    let lastKey = '';
    let lastRow: { key: string; value: string; int_value: number | bigint | null } | null = null;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line === '' || line.startsWith('sysctl: ')) continue;
      let sep = line.indexOf(' = ');
      let value: string;
      if (sep > 0) value = line.slice(sep + 3);
      else if (line.endsWith(' =')) {
        sep = line.length - 2;
        value = '';
      } else {
        out.error(`not a "key = value" line: ${line.slice(0, 200)}`, i + 1);
        continue;
      }
      const key = line.slice(0, sep).trim();
      if (key === lastKey && lastRow !== null) {
        lastRow.value += `\n${value}`;
        lastRow.int_value = null;
        continue;
      }
      lastRow = { key, value, int_value: sysctlInteger(value) };
      lastKey = key;
      out.add('sysctls', lastRow);
    }
    if (out.count('sysctls') === 0 && out.count('parse_errors') > 0) throw new Error('no "key = value" line in sysctl output');
    return out.rows();
  },
};
