/**
 * One route line of `ip route` text, from iproute 3.10 (two spaces between fields, proto/scope/table
 * left out at their defaults) to 6.x with -d (every field, type first):
 *
 *   10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink
 *   192.168.1.0/24 dev eth0  proto kernel  scope link  src 192.168.1.10
 *   broadcast 127.0.0.0 dev lo  table local  proto kernel  scope link  src 127.0.0.1
 *   unicast 10.60.0.0/16 via 192.168.80.2 dev eth0 table main proto boot scope global mtu 1400 advmss 1360
 *   unicast 2001:db8:100::/48 via fd00:80::1 dev eth0 table 100 proto boot scope global metric 1024 pref medium
 *   unreachable ::/96 dev lo  metric 1024  error -101
 *   unicast 10.50.0.0/16 table main proto static scope global
 *   	nexthop via 192.168.80.2 dev eth0 weight 1
 */
import { intOrNull } from './common/flags.js';
import { newRoute, ROUTE_TYPES, type Nexthop, type RouteRecord } from './route-record.js';

const ROUTE_FLAGS = new Set(['onlink', 'pervasive', 'linkdown', 'dead', 'notify', 'offload', 'trap', 'offload_failed', 'rt_offload', 'rt_trap', 'rt_offload_failed', 'unresolved']);

/** Route attributes with one value word (metrics may put 'lock' before it). */
const ONE_VALUE = new Set([
  'from',
  'tos',
  'dsfield',
  'table',
  'dev',
  'proto',
  'scope',
  'src',
  'metric',
  'pref',
  'expires',
  'error',
  'nhid',
  'weight',
  'uid',
  'realms',
  'realm',
  'ttl-propagate',
  'mtu',
  'advmss',
  'rtt',
  'rttvar',
  'reordering',
  'window',
  'cwnd',
  'ssthresh',
  'initcwnd',
  'initrwnd',
  'quickack',
  'features',
  'hoplimit',
  'congctl',
  'rto_min',
  'fastopen_no_cookie',
  'ipid',
  'used',
  'age',
  'users',
]);

/** Index after a value, skipping the 'lock' of a locked metric. */
function valueIndex(w: readonly string[], i: number): number {
  return w[i] === 'lock' ? i + 1 : i;
}

/** Reads a gateway after 'via' (possibly with a family word: "via inet6 fe80::1"); returns [gateway, next index]. */
function readVia(w: readonly string[], i: number): [string | null, number] {
  let j = i;
  if (w[j] === 'inet' || w[j] === 'inet6') j++;
  return [w[j] ?? null, j + 1];
}

/** Builds a route from the words of its first line, or null when they hold no destination. */
export function routeFromWords(w: readonly string[]): RouteRecord | null {
  let i = 0;
  let type: string | null = null;
  if (w[0] !== undefined && ROUTE_TYPES.has(w[0]) && w.length > 1) {
    type = w[0];
    i = 1;
  }
  const dst = w[i];
  if (dst === undefined) return null;
  const r = newRoute(dst);
  r.type = type;
  for (i = i + 1; i < w.length; i++) {
    const word = w[i]!;
    if (word === 'via') {
      const [gw, next] = readVia(w, i + 1);
      r.gateway = gw;
      i = next - 1;
      continue;
    }
    if (ROUTE_FLAGS.has(word)) {
      r.flags.push(word);
      continue;
    }
    if (word === 'encap') {
      // "encap mpls 100 ..." / "encap ip id 5 dst ...": runs to the next known attribute
      while (i + 1 < w.length && w[i + 1] !== 'via' && w[i + 1] !== 'dev' && !ROUTE_FLAGS.has(w[i + 1]!)) i++;
      continue;
    }
    if (!ONE_VALUE.has(word)) continue; // "cache", "linkdown"-like words of tools we do not know
    const at = valueIndex(w, i + 1);
    const value = w[at];
    i = at;
    if (value === undefined) break;
    switch (word) {
      case 'table':
        r.table = value;
        break;
      case 'dev':
        r.dev = value;
        break;
      case 'proto':
        r.protocol = value;
        break;
      case 'scope':
        r.scope = value;
        break;
      case 'src':
        r.src = value;
        break;
      case 'metric':
        r.metric = intOrNull(value);
        break;
      case 'pref':
        r.pref = value;
        break;
      case 'tos':
      case 'dsfield':
        r.tos = value;
        break;
      case 'mtu':
        r.mtu = intOrNull(value);
        break;
      default:
        break;
    }
  }
  return r;
}

/** Applies a continuation line: "nexthop via GW dev D weight N [onlink]", or old kernels' "cache ... mtu N". */
export function applyContinuationWords(r: RouteRecord, w: readonly string[]): boolean {
  if (w[0] === 'nexthop') {
    const nh: Nexthop = { gateway: null, dev: null, weight: null, flags: [] };
    for (let i = 1; i < w.length; i++) {
      const word = w[i]!;
      if (word === 'via') {
        const [gw, next] = readVia(w, i + 1);
        nh.gateway = gw;
        i = next - 1;
      } else if (word === 'dev') nh.dev = w[++i] ?? null;
      else if (word === 'weight') nh.weight = intOrNull(w[++i]);
      else if (ROUTE_FLAGS.has(word)) nh.flags.push(word);
    }
    if (nh.gateway === null && nh.dev === null) return false;
    r.nexthops.push(nh);
    return true;
  }
  const mtuAt = w.indexOf('mtu');
  if (mtuAt >= 0 && r.mtu === null) r.mtu = intOrNull(w[valueIndex(w, mtuAt + 1)]);
  return mtuAt >= 0 || w[0] === 'cache';
}
