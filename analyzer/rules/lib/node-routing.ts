/**
 * How a node forwards a packet, from its snapshot tables, as far as following a flow across
 * captured interfaces needs it: the main-table route of an address (longest prefix), whether an
 * address is the node's own, the interfaces a packet crosses towards an address (the route's
 * device; for a VXLAN device also its underlay, where the packet appears encapsulated; for a
 * bridge also the pod's veth port), and the destinations NAT may rewrite (service VIPs and
 * other DNAT targets), where the 5-tuple seen before the node is not the one seen after it.
 *
 *   10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink   -> flannel.1, then eth0 (VXLAN 1)
 *   10.244.1.0/24 dev cni0 + pod 10.244.1.7 (eth0 iflink 6 = vethaff63609) -> cni0, then vethaff63609
 */
import type { Database } from 'better-sqlite3';
import { parseCidr, parseIp, prefixMask, formatIp, type IpFamily } from '../../parsers/shared/cidr.js';
import { loadAddrs, loadLinks, loadRoutes, routeText, type LinkRow, type RouteRow } from './ip-text.js';

/** One interface a packet crosses. */
export interface Hop {
  iface: string;
  /** The packet is inside VXLAN there (the underlay of a vxlan device). */
  encapsulated: boolean;
  /** VNI of that VXLAN device, when known. */
  vni: number | null;
  /** Why the packet crosses it: the route (as `ip route` prints it), the VXLAN device, or the pod's port. */
  why: string;
  whyKind: 'route' | 'vxlan' | 'pod-port';
  /** On the way in (the reverse of the route back to the source) or out (the route to the destination); set by forwardingPath. */
  side?: 'in' | 'out';
}

interface ParsedRoute {
  route: RouteRow;
  family: IpFamily;
  network: bigint;
  prefix: number;
}

interface NatTarget {
  family: IpFamily;
  network: bigint;
  prefix: number;
}

export interface NodeRouting {
  nodeId: number;
  links: Map<string, LinkRow>;
  linkByIndex: Map<number, LinkRow>;
  /** Why routes cannot be followed on this node (policy routing the rule cannot evaluate), else null. */
  unsupported: string | null;
  route(addr: string): RouteRow | null;
  isLocal(addr: string): boolean;
  /** Multicast, broadcast, link-local or unspecified: not forwarded by route. */
  isSpecial(addr: string): boolean;
  /** A destination NAT may rewrite (service VIP, DNAT rule), so its flow changes its 5-tuple inside the node. */
  mayBeRewritten(addr: string, proto: string, port: number | null): boolean;
  /** Packets towards `addr` leave through these interfaces, in order; null when the route is unknown or ambiguous. */
  egress(addr: string): Hop[] | null;
}

const SPECIAL: readonly string[] = ['224.0.0.0/4', '255.255.255.255/32', '0.0.0.0/32', '169.254.0.0/16', 'ff00::/8', 'fe80::/10', '::/128'];
const SPECIAL_PARSED = SPECIAL.map((c) => parseCidr(c)!);

function inCidr(ip: { family: IpFamily; value: bigint }, c: { family: IpFamily; network: bigint; prefix: number }): boolean {
  return ip.family === c.family && (ip.value & prefixMask(c.family, c.prefix)) === c.network;
}

interface PodPortRow {
  node_id: number;
  address: string;
  port: string;
  evidence: string;
}

/** Pod address -> host-side veth: from the pod's eth0 iflink, else from the neighbour and bridge fdb entries. */
function podPorts(db: Database): Map<number, Map<string, { dev: string; evidence: string }>> {
  const rows = db
    .prepare(
      `SELECT p.node_id, p.address, l.name AS port,
              'pod ' || p.address || ' (' || p.name || '): eth0 iflink ' || p.eth0_iflink || ' = ' || l.name AS evidence
         FROM pod_netns p JOIN links l ON l.node_id = p.node_id AND l.ifindex = p.eth0_iflink
        WHERE p.address IS NOT NULL AND p.ifname = 'eth0' AND l.master IS NOT NULL
       UNION ALL
       SELECT n.node_id, n.dst, f.dev,
              'neighbour ' || n.dst || ' lladdr ' || n.lladdr || ' dev ' || n.dev || '; bridge fdb ' || f.mac || ' dev ' || f.dev || ' master ' || f.master
         FROM neighbours n JOIN bridge_fdb f ON f.node_id = n.node_id AND lower(f.mac) = lower(n.lladdr) AND f.master = n.dev
        WHERE n.lladdr IS NOT NULL AND f.dev <> n.dev`,
    )
    .all() as PodPortRow[];
  const out = new Map<number, Map<string, { dev: string; evidence: string }>>();
  for (const r of rows) {
    let m = out.get(r.node_id);
    if (!m) out.set(r.node_id, (m = new Map()));
    const key = parseIp(r.address) ? formatIp(parseIp(r.address)!) : r.address;
    if (!m.has(key)) m.set(key, { dev: r.port, evidence: r.evidence }); // the pod's own iflink first
  }
  return out;
}

interface NatRuleRow {
  node_id: number;
  chain: string;
  target: string | null;
  protocol: string | null;
  dst: string | null;
  dst_negated: number;
  dport: string | null;
  matches: string | null;
}

/** Single ports, lists and ranges of a --dport value; null when it cannot be read. */
function portSet(dport: string): ((port: number) => boolean) | null {
  const parts = dport.split(',').map((p) => p.split(':').map(Number));
  if (parts.some((p) => p.some((n) => !Number.isInteger(n)))) return null;
  return (port) => parts.some((p) => (p.length === 1 ? p[0] === port : port >= p[0]! && port <= p[1]!));
}

interface NatTargets {
  cidrs: NatTarget[];
  ports: { proto: string | null; match: (port: number) => boolean }[];
  /** DNAT rules that match any destination: every flow may be rewritten. */
  everything: boolean;
  /** The node's iptables rules are unknown: destinations only the default route reaches may be service VIPs. */
  unknown: boolean;
}

const SERVICE_CHAIN = /^KUBE-(SVC|SVL|EXT|FW|XLB)-/;

function natTargets(db: Database): Map<number, NatTargets> {
  const out = new Map<number, NatTargets>();
  const of = (node: number) => {
    let t = out.get(node);
    if (!t) out.set(node, (t = { cidrs: [], ports: [], everything: false, unknown: false }));
    return t;
  };
  const rows = db
    .prepare(`SELECT node_id, chain, target, protocol, dst, dst_negated, dport, matches FROM iptables_rules WHERE table_name = 'nat'`)
    .all() as NatRuleRow[];
  for (const r of rows) {
    const t = of(r.node_id);
    const rewrites = r.target === 'DNAT' || r.target === 'REDIRECT';
    if (r.dst && !r.dst_negated) {
      // kube-proxy's service entries (-d VIP -j KUBE-SVC-..., KUBE-MARK-MASQ) and any DNAT by destination
      if (!(rewrites || SERVICE_CHAIN.test(r.target ?? '') || SERVICE_CHAIN.test(r.chain) || r.chain === 'KUBE-SERVICES')) continue;
      const c = parseCidr(r.dst);
      if (c && c.prefix > 0) t.cidrs.push({ family: c.family, network: c.network, prefix: c.prefix });
      continue;
    }
    // a hand-made DNAT by port in a built-in chain (kube-proxy's and CNI's sit behind -d VIP or dst-type LOCAL)
    if (!rewrites || r.dst || !['PREROUTING', 'OUTPUT'].includes(r.chain) || /\baddrtype\b/.test(r.matches ?? '')) continue;
    const match = r.dport ? portSet(r.dport) : null;
    if (match) t.ports.push({ proto: r.protocol, match });
    else t.everything = true;
  }
  for (const r of db.prepare(`SELECT node_id, address FROM ipvs_services WHERE address IS NOT NULL`).all() as { node_id: number; address: string }[]) {
    const c = parseCidr(r.address);
    if (c) of(r.node_id).cidrs.push({ family: c.family, network: c.network, prefix: c.prefix });
  }
  const withRules = new Set((db.prepare('SELECT DISTINCT node_id FROM iptables_rules').all() as { node_id: number }[]).map((r) => r.node_id));
  for (const r of db.prepare('SELECT node_id FROM nodes').all() as { node_id: number }[]) if (!withRules.has(r.node_id)) of(r.node_id).unknown = true;
  return out;
}

interface PolicyRuleRow {
  node_id: number;
  raw: string;
  src: string | null;
  dst: string | null;
  tos: string | null;
  fwmark: string | null;
  iif: string | null;
  oif: string | null;
  ipproto: string | null;
  sport: string | null;
  dport: string | null;
  uidrange: string | null;
}

/** Policy routing that sends some packets to another table: what the main table cannot tell. */
function policyRouting(db: Database): Map<number, { unsupported: string | null; prefixes: NatTarget[] }> {
  const out = new Map<number, { unsupported: string | null; prefixes: NatTarget[] }>();
  const rows = db
    .prepare(
      `SELECT node_id, raw, src, dst, tos, fwmark, iif, oif, ipproto, sport, dport, uidrange FROM ip_rules
        WHERE action = 'lookup' AND rt_table NOT IN ('local', 'main', 'default') AND negate = 0`,
    )
    .all() as PolicyRuleRow[];
  for (const r of rows) {
    let p = out.get(r.node_id);
    if (!p) out.set(r.node_id, (p = { unsupported: null, prefixes: [] }));
    if (r.fwmark || r.iif || r.oif || r.ipproto || r.sport || r.dport || r.uidrange || r.tos) {
      p.unsupported ??= `policy routing the rule cannot follow: ${r.raw}`;
      continue;
    }
    for (const sel of [r.src, r.dst]) {
      if (!sel || sel === 'all') continue;
      const c = parseCidr(sel);
      if (c) p.prefixes.push({ family: c.family, network: c.network, prefix: c.prefix });
    }
  }
  return out;
}

/** The device that carries a VXLAN device's packets: its `dev`, else the holder of its local address, else the default route's. */
function underlayOf(vx: LinkRow, links: Map<string, LinkRow>, holderOf: (addr: string) => string | null, defaultDev: string | null): string | null {
  for (const name of [vx.vxlan_dev, vx.vxlan_local ? holderOf(vx.vxlan_local) : null, defaultDev]) {
    if (name && name !== vx.name && links.has(name)) return name;
  }
  return null;
}

/** The routing of every node of the database that has routes. */
export function nodeRoutings(db: Database, nodeIds: readonly number[]): Map<number, NodeRouting> {
  const routes = loadRoutes(db, "rt_table IN ('main', 'local')");
  const links = loadLinks(db);
  const addrs = loadAddrs(db, '1 = 1');
  const ports = podPorts(db);
  const nat = natTargets(db);
  const policy = policyRouting(db);
  const out = new Map<number, NodeRouting>();

  for (const nodeId of nodeIds) {
    const nodeLinks = links.get(nodeId) ?? new Map<string, LinkRow>();
    const linkByIndex = new Map<number, LinkRow>();
    for (const l of nodeLinks.values()) if (l.ifindex !== null) linkByIndex.set(l.ifindex, l);
    const main: ParsedRoute[] = [];
    const localRanges: NatTarget[] = [];
    const special: NatTarget[] = [...SPECIAL_PARSED];
    for (const r of routes.get(nodeId) ?? []) {
      const c = parseCidr(r.dst_cidr);
      if (!c) continue;
      if (r.rt_table === 'local') {
        if (r.type === 'local') localRanges.push(c);
        else if (r.type === 'broadcast' || r.type === 'multicast') special.push(c);
        continue;
      }
      if (r.type !== 'unicast') continue;
      main.push({ route: r, family: c.family, network: c.network, prefix: c.prefix });
    }
    // longest prefix first, then the lowest metric: the first containing route wins
    main.sort((a, b) => b.prefix - a.prefix || (a.route.metric ?? 0) - (b.route.metric ?? 0));
    const local = new Set<string>();
    const holder = new Map<string, string>();
    for (const a of addrs.get(nodeId) ?? []) {
      const ip = parseIp(a.address);
      if (!ip) continue;
      local.add(formatIp(ip));
      holder.set(formatIp(ip), a.ifname);
    }
    const targets = nat.get(nodeId) ?? { cidrs: [], ports: [], everything: false, unknown: true };
    const pol = policy.get(nodeId) ?? { unsupported: null, prefixes: [] };
    const podPort = ports.get(nodeId) ?? new Map<string, { dev: string; evidence: string }>();
    const routeCache = new Map<string, RouteRow | null>();
    const defaultDev = main.find((r) => r.prefix === 0 && r.route.dev)?.route.dev ?? null;

    const route = (addr: string): RouteRow | null => {
      const cached = routeCache.get(addr);
      if (cached !== undefined) return cached;
      const ip = parseIp(addr);
      const found = ip ? (main.find((r) => inCidr(ip, r))?.route ?? null) : null;
      routeCache.set(addr, found);
      return found;
    };
    // a capture repeats the same few addresses thousands of times: answer each once
    const cached = (test: (addr: string) => boolean): ((addr: string) => boolean) => {
      const answers = new Map<string, boolean>();
      return (addr) => {
        let answer = answers.get(addr);
        if (answer === undefined) answers.set(addr, (answer = test(addr)));
        return answer;
      };
    };
    const isLocal = cached((addr) => {
      const ip = parseIp(addr);
      if (!ip) return false;
      return local.has(formatIp(ip)) || localRanges.some((c) => inCidr(ip, c));
    });
    const isSpecial = cached((addr) => {
      const ip = parseIp(addr);
      return !ip || special.some((c) => inCidr(ip, c));
    });
    const addressRewritten = cached((addr) => {
      const ip = parseIp(addr);
      if (!ip || targets.everything || targets.cidrs.some((c) => inCidr(ip, c))) return true;
      if (pol.prefixes.some((c) => inCidr(ip, c))) return true; // routed by another table: not followed
      return targets.unknown && (route(addr)?.dst_prefixlen ?? 0) === 0;
    });
    const mayBeRewritten = (addr: string, proto: string, port: number | null): boolean =>
      addressRewritten(addr) || (port !== null && targets.ports.some((p) => (p.proto === null || p.proto === proto) && p.match(port)));
    const egress = (addr: string): Hop[] | null => {
      const r = route(addr);
      if (!r || !r.dev) return null; // unreachable, blackhole, or multipath: no single path
      const hops: Hop[] = [{ iface: r.dev, encapsulated: false, vni: null, why: routeText(r), whyKind: 'route' }];
      const link = nodeLinks.get(r.dev);
      if (link?.kind === 'vxlan') {
        const under = underlayOf(link, nodeLinks, (a) => holder.get(a) ?? null, defaultDev);
        if (under) hops.push({ iface: under, encapsulated: true, vni: link.vxlan_id, why: `${link.name} (vxlan id ${link.vxlan_id ?? '?'}) carries it inside VXLAN over ${under}`, whyKind: 'vxlan' });
      } else if (link?.kind === 'bridge') {
        const ip = parseIp(addr);
        const port = ip ? podPort.get(formatIp(ip)) : undefined;
        if (port && nodeLinks.get(port.dev)?.master === link.name) hops.push({ iface: port.dev, encapsulated: false, vni: null, why: port.evidence, whyKind: 'pod-port' });
      }
      return hops;
    };
    out.set(nodeId, { nodeId, links: nodeLinks, linkByIndex, unsupported: pol.unsupported, route, isLocal, isSpecial, mayBeRewritten, egress });
  }
  return out;
}

/**
 * The interfaces a packet from `src` to `dst` crosses on the node, in order: where it comes in
 * (the reverse of the way back to `src`) and where it goes out. Null when the node only sends or
 * only receives it, when in and out are the same device (bridged between two ports of one bridge,
 * or sent back where it came from: nothing to follow at layer 3), or when a route is unknown.
 */
export function forwardingPath(net: NodeRouting, src: string, dst: string): Hop[] | null {
  const srcLocal = net.isLocal(src);
  const dstLocal = net.isLocal(dst);
  if (srcLocal && dstLocal) return null;
  const comingIn = srcLocal ? [] : net.egress(src);
  const goingOut = dstLocal ? [] : net.egress(dst);
  if (comingIn === null || goingOut === null) return null;
  const inbound = [...comingIn].reverse().map((h): Hop => ({ ...h, side: 'in' }));
  if (inbound.length && goingOut.length && inbound[inbound.length - 1]!.iface === goingOut[0]!.iface) return null;
  const path = [...inbound, ...goingOut.map((h): Hop => ({ ...h, side: 'out' }))];
  return path.length >= 2 ? path : null;
}
