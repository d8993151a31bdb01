/**
 * `bridge fdb show` text (iproute 3.10 on CentOS 7, or any iproute2 without -j). Verbatim (6.1):
 *
 *   33:33:00:00:00:01 dev eth0 self permanent
 *   0a:58:0a:f4:01:05 dev tap1a2b3c master cni0 static
 *   66:41:73:e8:24:7f dev tap1a2b3c master cni0 permanent
 *   6e:1c:9a:3e:11:02 dev flannel.1 dst 192.168.80.241 self permanent
 *   00:00:00:00:00:00 dev vxlan.calico dst 192.168.80.243 self permanent
 *
 * A learned entry prints no state word ("dynamic"); `vlan N`, `port N`, `vni N`, `via DEV` may appear.
 */
import type { ParseContext, Rows } from '../types.js';
import { bit, intOrNull, listOrNull } from './common/flags.js';
import { commandOutputLines, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';

const STATES = new Set(['permanent', 'static', 'stale', 'dynamic']);
const VALUED = new Set(['dev', 'dst', 'vlan', 'port', 'vni', 'src_vni', 'via', 'master', 'nhid', 'used', 'updated']);

function isMac(word: string): boolean {
  return word.length === 17 && word.charCodeAt(2) === 58 && word.charCodeAt(14) === 58;
}

export function parseBridgeFdbText(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const w = words(line);
    const mac = w[0]!;
    if (!isMac(mac)) {
      sink.error(n + 1, `not an fdb line: ${JSON.stringify(line.slice(0, 120))}`);
      continue;
    }
    const values = new Map<string, string>();
    const flags: string[] = [];
    let state = 'dynamic';
    for (let i = 1; i < w.length; i++) {
      const word = w[i]!;
      if (VALUED.has(word) && i + 1 < w.length) {
        values.set(word, w[++i]!);
        if (word === 'master') flags.push('master');
      } else if (STATES.has(word)) state = word;
      else flags.push(word);
    }
    sink.add('bridge_fdb', {
      mac,
      dev: values.get('dev') ?? null,
      dst: values.get('dst') ?? null,
      vlan: intOrNull(values.get('vlan')),
      vni: intOrNull(values.get('vni') ?? values.get('src_vni')),
      port: intOrNull(values.get('port')),
      via: values.get('via') ?? null,
      master: values.get('master') ?? null,
      self: bit(flags.includes('self')),
      state,
      flags: listOrNull(flags),
    });
  }
  return sink.finish();
}
