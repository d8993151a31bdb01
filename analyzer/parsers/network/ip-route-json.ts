/**
 * `ip -d -j route show table all` and `ip -6 -d -j route show table all` (iproute2 >= 4.15):
 *
 *   [{"type":"unicast","dst":"default","gateway":"192.168.80.2","dev":"eth0","table":"main","protocol":"static",
 *     "scope":"global","metric":100,"flags":[]},
 *    {"type":"unicast","dst":"10.50.0.0/16","table":"main","protocol":"static","scope":"global","flags":[],
 *     "nexthops":[{"gateway":"192.168.80.2","dev":"eth0","weight":1,"flags":[]},{"gateway":"192.168.80.3","dev":"eth0","weight":2,"flags":[]}]},
 *    {"type":"unicast","dst":"10.60.0.0/16","gateway":"192.168.80.2","dev":"eth0","table":"main","protocol":"boot",
 *     "scope":"global","flags":[],"metrics":[{"mtu":1400,"advmss":1360}]},
 *    {"type":"unicast","dst":"10.244.0.0/24","gateway":"10.244.0.0","dev":"flannel.1","table":"main","protocol":"boot",
 *     "scope":"global","flags":["onlink"]},
 *    {"type":"local","dst":"10.96.0.1","dev":"kube-ipvs0","table":"local","protocol":"kernel","scope":"host",
 *     "prefsrc":"10.96.0.1","flags":[]},
 *    {"type":"unicast","dst":"fd00:244:2::/64","gateway":"fd00:80::241","dev":"eth0","table":"main","protocol":"boot",
 *     "scope":"global","metric":1024,"flags":[],"pref":"medium"}]
 *
 * Recent iproute2 prints IPv6 routes in the IPv4 item as well; each member keeps its own family.
 */
import type { ParseContext, Rows } from '../types.js';
import { readJsonArray } from './common/json-array.js';
import { int, isObject, obj, str, strList, type Json, type JsonObject } from './common/json-value.js';
import { RowSink } from './common/row-sink.js';
import { dstCidr, familyHintOf, newRoute, routeFamily, routeRow, type Nexthop, type RouteRecord } from './route-record.js';

/** A gateway is "gateway": "addr", or "via": {"family": "inet6", "host": "fe80::1"} for a gateway of the other family. */
function gatewayOf(o: JsonObject): string | null {
  const gw = str(o, 'gateway');
  if (gw !== null) return gw;
  const via = obj(o, 'via');
  return via === null ? null : str(via, 'host');
}

/** "metrics": [{"mtu": 1400}] or, when locked, [{"mtu": {"lock": true, "value": 1300}}] in some versions. */
function mtuOf(o: JsonObject): number | null {
  const metrics = o['metrics'];
  const list: Json[] = Array.isArray(metrics) ? metrics : isObject(metrics) ? [metrics] : [];
  for (const m of list) {
    if (!isObject(m)) continue;
    const direct = int(m, 'mtu');
    if (direct !== null) return direct;
    const locked = obj(m, 'mtu');
    if (locked !== null) return int(locked, 'value');
  }
  return null;
}

function routeFrom(o: JsonObject): RouteRecord | null {
  const dst = str(o, 'dst');
  if (dst === null) return null;
  const r = newRoute(dst);
  r.table = str(o, 'table');
  r.type = str(o, 'type');
  r.tos = str(o, 'tos') ?? str(o, 'dsfield');
  r.gateway = gatewayOf(o);
  r.dev = str(o, 'dev');
  r.protocol = str(o, 'protocol');
  r.scope = str(o, 'scope');
  r.src = str(o, 'prefsrc');
  r.metric = int(o, 'metric');
  r.flags = strList(o, 'flags');
  r.mtu = mtuOf(o);
  r.pref = str(o, 'pref');
  const hops = o['nexthops'];
  if (Array.isArray(hops)) {
    for (const h of hops) {
      if (!isObject(h)) continue;
      const nh: Nexthop = { gateway: gatewayOf(h), dev: str(h, 'dev'), weight: int(h, 'weight'), flags: strList(h, 'flags') };
      r.nexthops.push(nh);
    }
  }
  return r;
}

export function parseIpRouteJson(text: string, ctx: ParseContext): Rows {
  const sink = new RowSink();
  const hint = familyHintOf(ctx.member);
  for (const item of readJsonArray(text, sink)) {
    const r = isObject(item) ? routeFrom(item) : null;
    if (r === null) {
      sink.error(null, `JSON element is not a route with a dst: ${JSON.stringify(item).slice(0, 120)}`);
      continue;
    }
    const family = routeFamily(r, hint);
    sink.understoodSomething();
    if (hint !== null && family !== hint) continue; // listed by the other family's item
    const dst = dstCidr(r.dst, family);
    if (dst === null) sink.error(null, `route destination is not an address: ${JSON.stringify(r.dst)}`);
    else sink.add('routes', routeRow(r, family, dst));
  }
  return sink.finish();
}
