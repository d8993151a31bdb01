/**
 * `ipvsadm -Ln --stats --exact`. Verbatim sample (ipvsadm 1.31):
 *
 *   IP Virtual Server version 1.2.1 (size=4096)
 *   Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
 *     -> RemoteAddress:Port
 *   TCP  10.96.0.1:443                      14      871      653    95442   208531
 *     -> 192.168.3.113:6443                 14      871      653    95442   208531
 *
 * Without --exact ipvsadm scales big numbers ("2110M", "181747K": thousands, millions...);
 * those are read back multiplied out and the row's `exact` is 0.
 */
import type { ParseContext, Rows, TextParser } from '../types.js';
import { RowSink, excerpt, splitLines, words } from './common/text.js';
import { isDestLine, readAddressPort, readCommonLine, readServiceKey, serviceColumns, type ServiceKey } from './common/ipvs-lines.js';

const SCALE: Readonly<Record<string, bigint>> = { K: 1000n, M: 1000000n, G: 1000000000n, T: 1000000000000n };
const COUNTER_NAMES = ['conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes'] as const;

/** "1478" or "181747K" → [value, exact]; null when not a counter. */
function readCounter(text: string): [number | bigint, boolean] | null {
  const m = /^(\d+)([KMGT]?)$/.exec(text);
  if (!m) return null;
  const scale = m[2] === '' ? 1n : (SCALE[m[2] as string] as bigint);
  const value = BigInt(m[1] as string) * scale;
  const asNumber = Number(value);
  return [Number.isSafeInteger(asNumber) ? asNumber : value, m[2] === ''];
}

function readCounters(w: string[]): { values: (number | bigint)[]; exact: boolean } | null {
  if (w.length < 5) return null;
  const values: (number | bigint)[] = [];
  let exact = true;
  for (const text of w.slice(-5)) {
    const c = readCounter(text);
    if (c === null) return null;
    values.push(c[0]);
    exact &&= c[1];
  }
  return { values, exact };
}

export function parseIpvsadmStats(text: string, ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = splitLines(text);
  let service: ServiceKey | null = null;
  let recognised = 0;
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const trimmed = (lines[index] as string).trim();
    if (trimmed === '') continue;
    if (readCommonLine(trimmed, sink, ctx.source)) {
      recognised++;
      continue;
    }
    if (trimmed.startsWith('Prot ')) {
      recognised++;
      if (!/\bConns\b/.test(trimmed)) throw new Error(`not ipvsadm --stats output (header: ${excerpt(trimmed)})`);
      continue;
    }
    const w = words(trimmed);
    if (isDestLine(trimmed)) {
      const ap = w[1] === undefined ? null : readAddressPort(w[1]);
      const counters = w.length === 7 ? readCounters(w) : null;
      if (service === null || ap === null || counters === null) {
        sink.error(lineNo, `real server counters not understood: ${excerpt(trimmed)}`);
        continue;
      }
      recognised++;
      sink.add('ipvs_stats', {
        kind: 'dest',
        ...serviceColumns(service),
        dest_address: ap.address,
        dest_port: ap.port,
        ...counterColumns(counters.values),
        exact: counters.exact ? 1 : 0,
        line: lineNo,
      });
      continue;
    }
    const read = readServiceKey(w);
    const counters = read !== null && w.length === read.used + 5 ? readCounters(w) : null;
    if (read === null || counters === null) {
      service = null;
      sink.error(lineNo, `line not understood: ${excerpt(trimmed)}`);
      continue;
    }
    recognised++;
    service = read.key;
    sink.add('ipvs_stats', {
      kind: 'service',
      ...serviceColumns(read.key),
      dest_address: null,
      dest_port: null,
      ...counterColumns(counters.values),
      exact: counters.exact ? 1 : 0,
      line: lineNo,
    });
  }
  if (recognised === 0 && lines.some((l) => l.trim() !== '')) throw new Error('not ipvsadm --stats output');
  return sink.rows;
}

function counterColumns(values: (number | bigint)[]): Record<string, number | bigint> {
  const out: Record<string, number | bigint> = {};
  COUNTER_NAMES.forEach((name, i) => {
    out[name] = values[i] as number | bigint;
  });
  return out;
}

export const ipvsadmStatsParser: TextParser = { kind: 'text', parse: parseIpvsadmStats };
