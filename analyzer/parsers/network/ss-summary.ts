/**
 * `ss -s`. Verbatim (iproute2 6.1):
 *
 *   Total: 30
 *   TCP:   28 (estab 15, closed 4, orphaned 0, timewait 3)
 *
 *   Transport Total     IP        IPv6
 *   RAW	  0         0         0
 *   UDP	  1         1         0
 *   TCP	  24        19        5
 *   INET	  25        20        5
 *   FRAG	  0         0         0
 *
 * iproute 3.10 (CentOS 7) adds the slab counts:
 *
 *   Total: 194 (kernel 229)
 *   TCP:   12 (estab 4, closed 1, orphaned 0, synrecv 0, timewait 1/0), ports 0
 *   ...
 *   *	  229       -         -
 */
import type { ParseContext, Rows } from '../types.js';
import { intOrNull } from './common/flags.js';
import { commandOutputLines, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';

/** "estab 15, closed 4, timewait 1/0" -> pairs; for "a/b" the first number counts. */
function pairs(inner: string, prefix: string, out: Map<string, number>): void {
  for (const part of inner.split(',')) {
    const w = words(part);
    if (w.length !== 2) continue;
    const value = intOrNull(w[1]!.split('/')[0]);
    if (value !== null) out.set(`${prefix}_${w[0]!}`, value);
  }
}

export function parseSsSummary(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const values = new Map<string, number>();
  const lines = commandOutputLines(text, sink);
  let inTransportTable = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const w = words(line);
    const first = w[0]!;
    if (first === 'Transport') {
      inTransportTable = true;
      continue;
    }
    if (!inTransportTable && first.endsWith(':')) {
      // "Total: 30 (kernel 229)" / "TCP:   28 (estab 15, ...), ports 0"
      const name = first.slice(0, -1).toLowerCase();
      const total = intOrNull(w[1]);
      if (total === null) {
        sink.error(n + 1, `no count in ${JSON.stringify(line)}`);
        continue;
      }
      values.set(name, total);
      const open = line.indexOf('(');
      const close = line.indexOf(')', open);
      if (open >= 0 && close > open) {
        pairs(line.slice(open + 1, close), name, values);
        pairs(line.slice(close + 1), name, values);
      }
      continue;
    }
    if (inTransportTable && w.length === 4) {
      const name = first === '*' ? 'slab' : first.toLowerCase();
      const [total, ip, ipv6] = [intOrNull(w[1]), intOrNull(w[2]), intOrNull(w[3])];
      if (total === null) {
        sink.error(n + 1, `malformed transport row ${JSON.stringify(line)}`);
        continue;
      }
      values.set(`${name}_total`, total);
      if (ip !== null) values.set(`${name}_ip`, ip);
      if (ipv6 !== null) values.set(`${name}_ipv6`, ipv6);
      continue;
    }
    sink.error(n + 1, `unexpected line ${JSON.stringify(line.slice(0, 120))}`);
  }
  for (const [key, value] of values) sink.add('socket_summary', { key, value });
  return sink.finish();
}
