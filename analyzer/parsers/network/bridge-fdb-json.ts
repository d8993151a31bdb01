/**
 * `bridge -j fdb show` (iproute2 >= 4.14). Verbatim:
 *
 *   [{"mac":"0a:58:0a:f4:01:05","ifname":"tap1a2b3c","flags":[],"master":"cni0","state":"static"},
 *    {"mac":"33:33:00:00:00:01","ifname":"eth0","flags":["self"],"state":"permanent"},
 *    {"mac":"6e:1c:9a:3e:11:02","ifname":"flannel.1","dst":"192.168.80.241","flags":["self"],"state":"permanent"},
 *    {"mac":"00:00:00:00:00:00","ifname":"vxlan.calico","dst":"192.168.80.243","flags":["self"],"state":"permanent"}]
 *
 * A learned (dynamic) entry has an empty state.
 */
import type { ParseContext, Rows } from '../types.js';
import { bit, listOrNull } from './common/flags.js';
import { readJsonArray } from './common/json-array.js';
import { int, isObject, str, strList } from './common/json-value.js';
import { RowSink } from './common/row-sink.js';

export function parseBridgeFdbJson(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  for (const item of readJsonArray(text, sink)) {
    const mac = isObject(item) ? str(item, 'mac') : null;
    if (!isObject(item) || mac === null) {
      sink.error(null, `JSON element is not an fdb entry with a mac: ${JSON.stringify(item).slice(0, 120)}`);
      continue;
    }
    const flags = strList(item, 'flags');
    const master = str(item, 'master');
    if (master !== null && !flags.includes('master')) flags.push('master');
    const state = str(item, 'state');
    sink.add('bridge_fdb', {
      mac,
      dev: str(item, 'ifname') ?? str(item, 'dev'),
      dst: str(item, 'dst'),
      vlan: int(item, 'vlan'),
      vni: int(item, 'vni') ?? int(item, 'src_vni'),
      port: int(item, 'port'),
      via: str(item, 'via'),
      master,
      self: bit(flags.includes('self')),
      state: state === null || state === '' ? 'dynamic' : state,
      flags: listOrNull(flags),
    });
  }
  return sink.finish();
}
