/**
 * `bridge -j link show` (iproute2 >= 4.14). Verbatim:
 *
 *   [{"ifindex":3,"ifname":"tap1a2b3c","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,"master":"cni0",
 *     "state":"forwarding","priority":32,"cost":2},
 *    {"ifindex":5,"ifname":"tap-nocarrier","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1450,
 *     "master":"cni0","state":"disabled","priority":32,"cost":2}]
 */
import type { ParseContext, Rows } from '../types.js';
import { readJsonArray } from './common/json-array.js';
import { int, isObject, str, strList } from './common/json-value.js';
import { RowSink } from './common/row-sink.js';

export function parseBridgeLinkJson(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  for (const item of readJsonArray(text, sink)) {
    const dev = isObject(item) ? str(item, 'ifname') : null;
    if (!isObject(item) || dev === null) {
      sink.error(null, `JSON element is not a bridge port with an ifname: ${JSON.stringify(item).slice(0, 120)}`);
      continue;
    }
    sink.add('bridge_ports', {
      ifindex: int(item, 'ifindex'),
      dev,
      master: str(item, 'master'),
      state: str(item, 'state'),
      priority: int(item, 'priority'),
      cost: int(item, 'cost'),
      mtu: int(item, 'mtu'),
      flags: strList(item, 'flags').join(','),
    });
  }
  return sink.finish();
}
