/**
 * `ip -j neigh show` (iproute2 >= 4.14). Verbatim:
 *
 *   [{"dst":"10.244.1.5","dev":"cni0","lladdr":"0a:58:0a:f4:01:05","state":["PROBE"]},
 *    {"dst":"192.168.80.3","dev":"eth0","state":["INCOMPLETE"]},
 *    {"dst":"10.244.0.0","dev":"flannel.1","lladdr":"6e:1c:9a:3e:11:02","state":["PERMANENT"]},
 *    {"dst":"fd00:80::1","dev":"eth0","lladdr":"00:50:56:e2:3a:91","router":null,"state":["REACHABLE"]}]
 *
 * Flags are keys with a null value ("router": null, "proxy": null).
 */
import type { ParseContext, Rows } from '../types.js';
import { bit, listOrNull } from './common/flags.js';
import { readJsonArray } from './common/json-array.js';
import { hasKey, isObject, str, strList } from './common/json-value.js';
import { RowSink } from './common/row-sink.js';

const OTHER_FLAGS = ['extern_learn', 'offload', 'managed', 'externally_learned'];

export function parseIpNeighJson(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  for (const item of readJsonArray(text, sink)) {
    const dst = isObject(item) ? str(item, 'dst') : null;
    if (!isObject(item) || dst === null) {
      sink.error(null, `JSON element is not a neighbour with a dst: ${JSON.stringify(item).slice(0, 120)}`);
      continue;
    }
    const state = item['state'];
    const states = Array.isArray(state) ? strList(item, 'state') : typeof state === 'string' ? [state] : [];
    sink.add('neighbours', {
      family: dst.includes(':') ? 'inet6' : 'inet',
      dst,
      dev: str(item, 'dev'),
      lladdr: str(item, 'lladdr'),
      state: listOrNull(states),
      router: bit(hasKey(item, 'router')),
      proxy: bit(hasKey(item, 'proxy')),
      flags: listOrNull(OTHER_FLAGS.filter((f) => hasKey(item, f))),
    });
  }
  return sink.finish();
}
