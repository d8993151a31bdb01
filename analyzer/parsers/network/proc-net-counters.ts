/**
 * /proc/net/netstat and /proc/net/snmp: per group, a line of names and a line of values.
 * Verbatim (/proc/net/netstat, shortened only where marked):
 *
 *   TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled ... ListenOverflows ListenDrops ...
 *   TcpExt: 0 0 0 0 0 ... 2 2 ...
 *   IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets ...
 *   IpExt: 0 0 0 4 0 0 2428 2648 ...
 *
 * and /proc/net/snmp:
 *
 *   Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
 *   Tcp: 1 200 120000 -1 13 10 0 0 15 46 43 4 0 0 0
 *
 * Counters are unsigned 64-bit: values beyond 2^53 stay exact as bigint (SQLite INTEGER holds up
 * to 2^63-1; beyond that a REAL approximation is stored).
 */
import type { Cell, ParseContext, Rows } from '../types.js';
import { commandOutputLines, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';

const INT64_MAX = 9223372036854775807n;

function counterValue(word: string): Cell | undefined {
  if (!/^-?\d+$/.test(word)) return undefined;
  const n = Number(word);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(word);
  return big > INT64_MAX ? n : big;
}

function fileOf(ctx: ParseContext): string {
  if (ctx.source === 'proc-net-snmp' || ctx.member.endsWith('/snmp')) return 'snmp';
  return 'netstat';
}

export function parseProcNetCounters(text: string, ctx: ParseContext): Rows {
  const sink = new RowSink();
  const file = fileOf(ctx);
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const header = lines[n]!;
    if (header.trim() === '') continue;
    const names = words(header);
    const mib = names[0]!;
    if (!mib.endsWith(':')) {
      sink.error(n + 1, `not a counter header line: ${JSON.stringify(header.slice(0, 120))}`);
      continue;
    }
    const valueLine = lines[n + 1];
    const values = valueLine === undefined ? [] : words(valueLine);
    if (values[0] !== mib) {
      sink.error(n + 1, `${mib} names have no value line after them`);
      continue;
    }
    n++;
    const group = mib.slice(0, -1);
    if (names.length !== values.length) {
      sink.error(n + 1, `${group}: ${names.length - 1} names but ${values.length - 1} values; the first ${Math.min(names.length, values.length) - 1} are kept`);
    }
    const count = Math.min(names.length, values.length);
    for (let i = 1; i < count; i++) {
      const value = counterValue(values[i]!);
      if (value === undefined) {
        sink.error(n + 1, `${group} ${names[i]!}: not a number: ${JSON.stringify(values[i])}`);
        continue;
      }
      sink.add('netstat_counters', { file, mib: group, name: names[i]!, value });
    }
  }
  return sink.finish();
}
