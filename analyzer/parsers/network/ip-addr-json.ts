/**
 * `ip -j addr show` (iproute2 >= 4.14). One object per device with its addr_info list:
 *
 *   [{"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"pfifo_fast",
 *     "operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"02:42:c0:a8:50:f0",
 *     "broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[{"family":"inet","local":"192.168.80.240","prefixlen":24,
 *     "broadcast":"192.168.80.255","scope":"global","label":"eth0","valid_life_time":4294967295,
 *     "preferred_life_time":4294967295},{"family":"inet","local":"192.168.81.7","prefixlen":24,"scope":"global",
 *     "dynamic":true,"label":"eth0","valid_life_time":3596,"preferred_life_time":1796},{"family":"inet6",
 *     "local":"fd00:80::240","prefixlen":64,"scope":"global","nodad":true,"valid_life_time":4294967295,
 *     "preferred_life_time":4294967295}]}]
 *
 * Address flags are keys set to true (secondary, dynamic, nodad, noprefixroute, tentative...).
 */
import type { ParseContext, Rows } from '../types.js';
import { readJsonArray } from './common/json-array.js';
import { int, isObject, str, type JsonObject } from './common/json-value.js';
import { RowSink } from './common/row-sink.js';
import { addrRow, INFINITY_LIFETIME, type AddrRecord } from './addr-record.js';

function lifetime(o: JsonObject, key: string): number | null {
  const v = int(o, key);
  return v === null || v === INFINITY_LIFETIME ? null : v;
}

function addrFrom(ifname: string, ifindex: number | null, a: JsonObject): AddrRecord | null {
  const address = str(a, 'local');
  const family = str(a, 'family');
  if (address === null || family === null) return null;
  const flags: string[] = [];
  for (const [key, value] of Object.entries(a)) if (value === true) flags.push(key);
  // "address" is the peer of a point-to-point address (inet A peer B/len)
  const peer = str(a, 'address');
  return {
    ifname,
    ifindex,
    family,
    address,
    prefixlen: int(a, 'prefixlen'),
    peer: peer !== null && peer !== address ? peer : null,
    scope: str(a, 'scope'),
    label: family === 'inet' ? str(a, 'label') : null,
    broadcast: str(a, 'broadcast'),
    flags,
    validLft: lifetime(a, 'valid_life_time'),
    preferredLft: lifetime(a, 'preferred_life_time'),
  };
}

export function parseIpAddrJson(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  for (const item of readJsonArray(text, sink)) {
    const ifname = isObject(item) ? str(item, 'ifname') : null;
    if (!isObject(item) || ifname === null) {
      sink.error(null, 'JSON element is not a device object with an ifname');
      continue;
    }
    sink.understoodSomething();
    const ifindex = int(item, 'ifindex');
    const infos = item['addr_info'];
    if (!Array.isArray(infos)) continue;
    for (const info of infos) {
      const a = isObject(info) ? addrFrom(ifname, ifindex, info) : null;
      // `ip -j addr` prints an empty object for a device whose addresses were filtered out
      if (a === null) {
        if (isObject(info) && Object.keys(info).length === 0) continue;
        sink.error(null, `${ifname}: address entry without family/local: ${JSON.stringify(info).slice(0, 120)}`);
        continue;
      }
      sink.add('addrs', addrRow(a));
    }
  }
  return sink.finish();
}
