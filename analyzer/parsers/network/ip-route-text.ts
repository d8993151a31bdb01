/**
 * `ip -d route show table all` / `ip -6 -d route show table all` text (iproute 3.10 on CentOS 7, or
 * any iproute2 without -j). Verbatim (6.1 with -d):
 *
 *   unicast default via 192.168.80.2 dev eth0 table main proto static scope global metric 100
 *   unicast 10.50.0.0/16 table main proto static scope global
 *   	nexthop via 192.168.80.2 dev eth0 weight 1
 *   	nexthop via 192.168.80.3 dev eth0 weight 2
 *   unicast 10.244.0.0/24 via 10.244.0.0 dev flannel.1 table main proto boot scope global onlink
 *   blackhole 10.244.99.0/24 table main proto boot scope global
 *   local 10.96.0.1 dev kube-ipvs0 table local proto kernel scope host src 10.96.0.1
 *
 * iproute 3.10 (CentOS 7) leaves defaults out and pads with two spaces:
 *
 *   default via 192.168.1.1 dev eth0
 *   10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink
 *   local 10.96.0.1 dev kube-ipvs0  table local  proto kernel  scope host  src 10.96.0.1
 */
import type { ParseContext, Rows } from '../types.js';
import { commandOutputLines, isIndented, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';
import { dstCidr, familyHintOf, routeFamily, routeRow, type RouteRecord } from './route-record.js';
import { applyContinuationWords, routeFromWords } from './route-words.js';

export function parseIpRouteText(text: string, ctx: ParseContext): Rows {
  const sink = new RowSink();
  const hint = familyHintOf(ctx.member);
  let current: RouteRecord | null = null;
  let currentLine = 0;
  const flush = () => {
    const r = current;
    current = null;
    if (r === null) return;
    const family = routeFamily(r, hint);
    sink.understoodSomething();
    if (hint !== null && family !== hint) return; // listed by the other family's item
    const dst = dstCidr(r.dst, family);
    if (dst === null) {
      sink.error(currentLine, `route destination is not an address: ${JSON.stringify(r.dst)}`);
      return;
    }
    sink.add('routes', routeRow(r, family, dst));
  };
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const w = words(line);
    if (isIndented(line)) {
      if (current === null || !applyContinuationWords(current, w)) {
        sink.error(n + 1, `unexpected continuation line: ${JSON.stringify(line.trim().slice(0, 120))}`);
      }
      continue;
    }
    flush();
    current = routeFromWords(w);
    currentLine = n + 1;
    if (current === null) sink.error(n + 1, `not a route: ${JSON.stringify(line.slice(0, 120))}`);
  }
  flush();
  return sink.finish();
}
