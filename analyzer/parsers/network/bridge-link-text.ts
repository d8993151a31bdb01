/**
 * `bridge link show` text. Verbatim (iproute2 6.1):
 *
 *   3: tap1a2b3c: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 master cni0 state forwarding priority 32 cost 2
 *   5: tap-nocarrier: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1450 master cni0 state disabled priority 32 cost 2
 *
 * iproute 3.10 (CentOS 7) puts the operstate before the flags:
 *
 *   6: veth1b8ba9b state UP : <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master docker0 state forwarding priority 32 cost 2
 */
import type { ParseContext, Rows } from '../types.js';
import { intOrNull } from './common/flags.js';
import { parseLinkHeader } from './common/link-header.js';
import { commandOutputLines, isIndented } from './common/lines.js';
import { RowSink } from './common/row-sink.js';

export function parseBridgeLinkText(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    // `bridge -d link` adds indented option lines (hairpin, guard...): not columns of this table
    if (line.trim() === '' || isIndented(line)) continue;
    const h = parseLinkHeader(line);
    if (h === null) {
      sink.error(n + 1, `not a bridge port line: ${JSON.stringify(line.slice(0, 120))}`);
      continue;
    }
    sink.add('bridge_ports', {
      ifindex: h.ifindex,
      dev: h.name,
      master: h.attrs.get('master') ?? null,
      state: h.attrs.get('state') ?? null,
      priority: intOrNull(h.attrs.get('priority')),
      cost: intOrNull(h.attrs.get('cost')),
      mtu: intOrNull(h.attrs.get('mtu')),
      flags: h.flags.join(','),
    });
  }
  return sink.finish();
}
