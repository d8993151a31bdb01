/**
 * Rows of the links, addrs and routes tables written back the way `ip` prints them, so a
 * finding quotes the line an engineer would see on the node:
 *   10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink
 *   4: flannel.1: <BROADCAST,MULTICAST> mtu 1450 qdisc noqueue state DOWN
 *   inet 10.244.2.1/24 scope global cni0
 * and the loaders rules use to read them.
 */
import type { Database } from 'better-sqlite3';

export interface RouteRow {
  node_id: number;
  family: string;
  rt_table: string;
  type: string;
  dst: string;
  dst_cidr: string;
  dst_prefixlen: number;
  gateway: string | null;
  dev: string | null;
  protocol: string | null;
  scope: string | null;
  src: string | null;
  metric: number | null;
  onlink: number;
  linkdown: number;
  nexthops: string | null;
}

export interface LinkRow {
  node_id: number;
  ifindex: number | null;
  name: string;
  kind: string;
  operstate: string | null;
  up: number;
  lower_up: number;
  flags: string | null;
  mtu: number | null;
  qdisc: string | null;
  master: string | null;
  vxlan_id: number | null;
  vxlan_local: string | null;
  vxlan_dev: string | null;
}

export interface AddrRow {
  node_id: number;
  ifname: string;
  family: string;
  address: string;
  prefixlen: number;
  cidr: string;
  peer: string | null;
  scope: string | null;
}

/** A route as `ip route show` prints it (table shown when not main). */
export function routeText(r: RouteRow): string {
  const parts: string[] = [];
  if (r.type && r.type !== 'unicast') parts.push(r.type);
  parts.push(r.dst);
  if (r.gateway) parts.push('via', r.gateway);
  if (r.dev) parts.push('dev', r.dev);
  if (r.rt_table && r.rt_table !== 'main') parts.push('table', r.rt_table);
  if (r.protocol && r.protocol !== 'boot') parts.push('proto', r.protocol);
  if (r.scope && r.scope !== 'global' && r.scope !== 'universe') parts.push('scope', r.scope);
  if (r.src) parts.push('src', r.src);
  if (r.metric) parts.push('metric', String(r.metric));
  if (r.onlink) parts.push('onlink');
  if (r.linkdown) parts.push('linkdown');
  if (r.nexthops) parts.push(nexthopsText(r.nexthops));
  return parts.join(' ');
}

function nexthopsText(json: string): string {
  try {
    const hops = JSON.parse(json) as { gateway?: string; dev?: string; weight?: number }[];
    return hops.map((h) => `nexthop${h.gateway ? ` via ${h.gateway}` : ''}${h.dev ? ` dev ${h.dev}` : ''}${h.weight ? ` weight ${h.weight}` : ''}`).join(' ');
  } catch {
    return json;
  }
}

/** A device as the first line of `ip link show` prints it. */
export function linkText(l: LinkRow): string {
  const head = l.ifindex !== null ? `${l.ifindex}: ${l.name}:` : `${l.name}:`;
  const parts = [head, `<${l.flags ?? ''}>`];
  if (l.mtu !== null) parts.push('mtu', String(l.mtu));
  if (l.qdisc) parts.push('qdisc', l.qdisc);
  if (l.master) parts.push('master', l.master);
  if (l.operstate) parts.push('state', l.operstate);
  return parts.join(' ');
}

/** An address as `ip addr show` prints it: `inet 10.244.2.1/24 scope global cni0`. */
export function addrText(a: AddrRow): string {
  const local = a.peer ? `${a.address} peer ${a.peer}/${a.prefixlen}` : `${a.address}/${a.prefixlen}`;
  return `${a.family} ${local}${a.scope ? ` scope ${a.scope}` : ''} ${a.ifname}`;
}

/** Groups rows by node. */
export function byNode<T extends { node_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    let list = out.get(r.node_id);
    if (!list) out.set(r.node_id, (list = []));
    list.push(r);
  }
  return out;
}

export function loadRoutes(db: Database, where = "family = 'inet'"): Map<number, RouteRow[]> {
  return byNode(db.prepare(`SELECT node_id, family, rt_table, type, dst, dst_cidr, dst_prefixlen, gateway, dev, protocol, scope, src, metric, onlink, linkdown, nexthops FROM routes WHERE ${where}`).all() as RouteRow[]);
}

export function loadLinks(db: Database): Map<number, Map<string, LinkRow>> {
  const rows = db.prepare('SELECT node_id, ifindex, name, kind, operstate, up, lower_up, flags, mtu, qdisc, master, vxlan_id, vxlan_local, vxlan_dev FROM links').all() as LinkRow[];
  const out = new Map<number, Map<string, LinkRow>>();
  for (const r of rows) {
    let m = out.get(r.node_id);
    if (!m) out.set(r.node_id, (m = new Map()));
    m.set(r.name, r);
  }
  return out;
}

export function loadAddrs(db: Database, where = "family = 'inet'"): Map<number, AddrRow[]> {
  return byNode(db.prepare(`SELECT node_id, ifname, family, address, prefixlen, cidr, peer, scope FROM addrs WHERE ${where}`).all() as AddrRow[]);
}
