/**
 * `ip neigh show` text (iproute 3.10 on CentOS 7, or any iproute2 without -j). Verbatim (6.1):
 *
 *   10.244.1.5 dev cni0 lladdr 0a:58:0a:f4:01:05 PROBE
 *   192.168.80.3 dev eth0 INCOMPLETE
 *   10.244.0.0 dev flannel.1 lladdr 6e:1c:9a:3e:11:02 PERMANENT
 *   fd00:80::1 dev eth0 lladdr 00:50:56:e2:3a:91 router REACHABLE
 *   192.168.80.77 dev eth0 proxy
 *
 * The NUD state(s) are the upper-case words at the end.
 */
import type { ParseContext, Rows } from '../types.js';
import { parseIp } from '../shared/cidr.js';
import { bit, listOrNull } from './common/flags.js';
import { commandOutputLines, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';

const VALUED = new Set(['dev', 'lladdr', 'used', 'probes', 'protocol', 'nud']);
const NUD = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'INCOMPLETE', 'FAILED', 'PERMANENT', 'NOARP', 'NONE']);

export function parseIpNeighText(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const w = words(line);
    const dst = w[0]!;
    if (parseIp(dst) === null) {
      sink.error(n + 1, `not a neighbour line: ${JSON.stringify(line.slice(0, 120))}`);
      continue;
    }
    let dev: string | null = null;
    let lladdr: string | null = null;
    let router = false;
    let proxy = false;
    const states: string[] = [];
    const flags: string[] = [];
    for (let i = 1; i < w.length; i++) {
      const word = w[i]!;
      if (VALUED.has(word)) {
        const value = w[++i] ?? null;
        if (word === 'dev') dev = value;
        else if (word === 'lladdr') lladdr = value;
      } else if (word === 'router') router = true;
      else if (word === 'proxy') proxy = true;
      else if (NUD.has(word)) states.push(word);
      else flags.push(word);
    }
    sink.add('neighbours', {
      family: dst.includes(':') ? 'inet6' : 'inet',
      dst,
      dev,
      lladdr,
      state: listOrNull(states),
      router: bit(router),
      proxy: bit(proxy),
      flags: listOrNull(flags),
    });
  }
  return sink.finish();
}
