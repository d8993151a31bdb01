import type { Row } from '../types.js';
import { parseCidr, formatCidr } from '../shared/cidr.js';
import { bit, listOrNull } from './common/flags.js';

export interface Nexthop {
  gateway: string | null;
  dev: string | null;
  weight: number | null;
  flags: string[];
}

/** One route (the columns of the routes table), with what ip leaves out still unset (null). */
export interface RouteRecord {
  family: 'inet' | 'inet6' | null;
  table: string | null;
  type: string | null;
  dst: string;
  tos: string | null;
  gateway: string | null;
  dev: string | null;
  protocol: string | null;
  scope: string | null;
  src: string | null;
  metric: number | null;
  flags: string[];
  nexthops: Nexthop[];
  mtu: number | null;
  pref: string | null;
}

export function newRoute(dst: string): RouteRecord {
  return {
    family: null,
    table: null,
    type: null,
    dst,
    tos: null,
    gateway: null,
    dev: null,
    protocol: null,
    scope: null,
    src: null,
    metric: null,
    flags: [],
    nexthops: [],
    mtu: null,
    pref: null,
  };
}

/** Route types ip prints first on a line (`ip -d` prints unicast too). */
export const ROUTE_TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'anycast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'unspec', 'xresolve']);

const WELL_KNOWN_TABLES: Record<string, string> = { '253': 'default', '254': 'main', '255': 'local' };

/** 'main', 'local', 'default', or the custom table's name/number; the numbers of the three well-known tables are named. */
export function tableName(table: string | null): string {
  if (table === null || table === '') return 'main';
  return WELL_KNOWN_TABLES[table] ?? table;
}

/**
 * The family of a route from its addresses; `hint` (which item the member came from) decides
 * when it names none (`unreachable default dev lo`). `ip route show table all` of recent iproute2
 * lists IPv6 routes too, so the IPv4 item's member holds both.
 */
export function routeFamily(r: RouteRecord, hint: 'inet' | 'inet6' | null): 'inet' | 'inet6' {
  if (r.family !== null) return r.family;
  const seen = (s: string | null) => s !== null && s.includes(':');
  if (seen(r.dst) || seen(r.gateway) || seen(r.src) || r.pref !== null) return 'inet6';
  for (const nh of r.nexthops) if (seen(nh.gateway)) return 'inet6';
  if (r.dst !== 'default' && /^\d/.test(r.dst)) return 'inet';
  if (r.gateway !== null || r.src !== null) return 'inet';
  for (const nh of r.nexthops) if (nh.gateway !== null) return 'inet';
  return hint ?? 'inet';
}

/** dst as a normalised prefix and its length; null when dst is not an address. */
export function dstCidr(dst: string, family: 'inet' | 'inet6'): { cidr: string; prefixlen: number } | null {
  if (dst === 'default') return family === 'inet6' ? { cidr: '::/0', prefixlen: 0 } : { cidr: '0.0.0.0/0', prefixlen: 0 };
  const c = parseCidr(dst);
  return c === null ? null : { cidr: formatCidr(c), prefixlen: c.prefix };
}

/** The member's item says which family it asked for: ip-route/ipv6.txt -> inet6. */
export function familyHintOf(member: string): 'inet' | 'inet6' | null {
  const base = member.slice(member.lastIndexOf('/') + 1);
  if (base.startsWith('ipv6')) return 'inet6';
  if (base.startsWith('ipv4')) return 'inet';
  return null;
}

/** The columns of a route that the routes and pod_routes tables share, with ip's defaults for what it leaves out. */
export function routeColumns(r: RouteRecord, family: 'inet' | 'inet6', dst: { cidr: string }): Row {
  return {
    family,
    type: r.type ?? 'unicast',
    dst: r.dst,
    dst_cidr: dst.cidr,
    gateway: r.gateway,
    dev: r.dev,
    protocol: r.protocol ?? 'boot',
    scope: r.scope ?? 'global',
    src: r.src,
    metric: r.metric ?? 0,
    onlink: bit(r.flags.includes('onlink')),
    linkdown: bit(r.flags.includes('linkdown')),
  };
}

/** A row of the routes table. */
export function routeRow(r: RouteRecord, family: 'inet' | 'inet6', dst: { cidr: string; prefixlen: number }): Row {
  return {
    ...routeColumns(r, family, dst),
    rt_table: tableName(r.table),
    dst_prefixlen: dst.prefixlen,
    tos: r.tos,
    flags: listOrNull(r.flags),
    nexthops: r.nexthops.length === 0 ? null : JSON.stringify(r.nexthops),
    mtu: r.mtu,
    pref: r.pref,
  };
}
