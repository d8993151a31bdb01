/**
 * A node's place in the flannel pod network, gathered from everything that tells it:
 *   /run/flannel/subnet.env     FLANNEL_NETWORK=10.244.0.0/16, FLANNEL_SUBNET=10.244.2.1/24, FLANNEL_MTU=1450
 *   net-conf.json               Network, SubnetLen, Backend.Type
 *   cni0's address              10.244.2.1/24 (the bridge plugin gives it the subnet's gateway)
 *   flanneld's log              Backend type: vxlan, Using interface ... and address 192.168.10.22
 *   the CNI config, flannel.N devices and flannel containers (is this node meant to run flannel?)
 * Route and CIDR rules read this once instead of each re-deriving it.
 */
import type { Database } from 'better-sqlite3';
import { cidrContains, normalizeCidr, parseCidr } from '../../parsers/shared/cidr.js';
import { flannelLogs, quoteLogLine, type FlannelLog } from './flannel-log.js';
import type { RouteRow } from './ip-text.js';

export interface PodNetwork {
  nodeId: number;
  /** The cluster pod network (FLANNEL_NETWORK, else net-conf Network), normalised; null when unknown. */
  network: string | null;
  networkEvidence: string | null;
  /** This node's pod subnet in network form ('10.244.2.0/24'); null when the node has none. */
  subnet: string | null;
  /** The line that gives the subnet: 'FLANNEL_SUBNET=10.244.2.1/24 (/run/flannel/subnet.env)' or cni0's address. */
  subnetEvidence: string | null;
  /** FLANNEL_MTU and its line. */
  mtu: number | null;
  mtuEvidence: string | null;
  /** Backend type (vxlan, host-gw, udp, ipip, wireguard) from net-conf.json or flanneld's log. */
  backend: string | null;
  backendEvidence: string | null;
  /** The bridge the CNI bridge plugin puts pods on (cni0 unless the config names another). */
  bridge: string;
  /** Why this node is meant to run flannel, one reason per line; empty when nothing says so. */
  flannelSigns: string[];
  /** The address flannel uses to reach this node (its "public IP"). */
  publicIp: string | null;
  log: FlannelLog;
}

interface EnvRow {
  node_id: number;
  path: string;
  network: string | null;
  subnet: string | null;
  mtu: number | null;
}

interface NetConfRow {
  node_id: number;
  path: string;
  config_map: string | null;
  network: string | null;
  backend_type: string | null;
}

function firstByNode<T extends { node_id: number }>(rows: readonly T[]): Map<number, T> {
  const out = new Map<number, T>();
  for (const r of rows) if (!out.has(r.node_id)) out.set(r.node_id, r);
  return out;
}

function pushTo(map: Map<number, string[]>, node: number, value: string): void {
  let list = map.get(node);
  if (!list) map.set(node, (list = []));
  if (!list.includes(value)) list.push(value);
}

export function podNetworks(db: Database): Map<number, PodNetwork> {
  const nodes = (db.prepare('SELECT node_id FROM nodes ORDER BY node_id').all() as { node_id: number }[]).map((r) => r.node_id);
  const env = firstByNode(db.prepare('SELECT node_id, path, network, subnet, mtu FROM flannel_env ORDER BY node_id, path').all() as EnvRow[]);
  const netConf = firstByNode(
    db.prepare('SELECT node_id, path, config_map, network, backend_type FROM flannel_net_conf ORDER BY node_id, config_map IS NOT NULL, path').all() as NetConfRow[],
  );
  const logs = flannelLogs(db);

  const bridges = new Map<number, string>();
  const bridgeRows = db
    .prepare(
      `SELECT p.node_id, COALESCE(p.bridge, json_extract(p.delegate, '$.bridge')) AS bridge
         FROM cni_plugins p JOIN cni_configs c ON c.node_id = p.node_id AND c.path = p.path
        WHERE c.is_candidate = 1 AND c.valid = 1 AND p.type IN ('bridge', 'flannel')
        ORDER BY p.node_id, c.file_name, p.position`,
    )
    .all() as { node_id: number; bridge: string | null }[];
  for (const r of bridgeRows) if (r.bridge && !bridges.has(r.node_id)) bridges.set(r.node_id, r.bridge);

  const signs = new Map<number, string[]>();
  for (const [node, e] of env) pushTo(signs, node, `${e.path}: FLANNEL_SUBNET=${e.subnet ?? ''}`);
  for (const r of db.prepare(`SELECT node_id, path, plugin_types FROM cni_configs WHERE ',' || plugin_types || ',' LIKE '%,flannel,%' ORDER BY node_id, file_name`).all() as {
    node_id: number;
    path: string;
    plugin_types: string;
  }[]) {
    pushTo(signs, r.node_id, `${r.path}: plugins ${r.plugin_types}`);
  }
  for (const r of db.prepare(`SELECT node_id, name, kind FROM links WHERE name LIKE 'flannel.%' OR name IN ('flannel0', 'flannel-wg') ORDER BY node_id, name`).all() as {
    node_id: number;
    name: string;
    kind: string;
  }[]) {
    pushTo(signs, r.node_id, `device ${r.name}${r.kind ? ` (${r.kind})` : ''}`);
  }
  for (const [node, c] of netConf) pushTo(signs, node, `${c.config_map ? `${c.config_map} in ` : ''}${c.path}: Backend ${c.backend_type ?? '?'}`);
  for (const r of db
    .prepare(`SELECT node_id, name, image, status FROM containers WHERE image LIKE '%flannel%' AND COALESCE(k8s_type, '') <> 'podsandbox' ORDER BY node_id, running DESC, name`)
    .all() as { node_id: number; name: string; image: string; status: string | null }[]) {
    pushTo(signs, r.node_id, `container ${r.name} (${r.image}, ${r.status ?? 'unknown'})`);
  }
  for (const r of db.prepare(`SELECT DISTINCT node_id, origin FROM kube_components WHERE component = 'flanneld'`).all() as { node_id: number; origin: string }[]) {
    pushTo(signs, r.node_id, `flanneld (${r.origin})`);
  }

  const bridgeAddr = db.prepare(`SELECT address, prefixlen, cidr, scope FROM addrs WHERE node_id = ? AND ifname = ? AND family = 'inet' AND COALESCE(scope, 'global') = 'global' ORDER BY secondary, address LIMIT 1`);

  const out = new Map<number, PodNetwork>();
  for (const node of nodes) {
    const e = env.get(node);
    const c = netConf.get(node);
    const log = logs.get(node) ?? { backend: null, publicIp: null, routes: [], lastError: null };
    const bridge = bridges.get(node) ?? 'cni0';
    let subnet: string | null = null;
    let subnetEvidence: string | null = null;
    if (e?.subnet && normalizeCidr(e.subnet)) {
      subnet = normalizeCidr(e.subnet);
      subnetEvidence = `FLANNEL_SUBNET=${e.subnet} (${e.path})`;
    } else {
      const a = bridgeAddr.get(node, bridge) as { address: string; prefixlen: number; cidr: string; scope: string | null } | undefined;
      if (a) {
        subnet = normalizeCidr(a.cidr);
        subnetEvidence = `inet ${a.address}/${a.prefixlen} scope ${a.scope ?? 'global'} ${bridge}`;
      }
    }
    const network = (e?.network && normalizeCidr(e.network)) || (c?.network && normalizeCidr(c.network)) || null;
    const networkEvidence = e?.network ? `FLANNEL_NETWORK=${e.network} (${e.path})` : c?.network ? `"Network": "${c.network}" (${c.path})` : null;
    const backend = c?.backend_type ? c.backend_type.toLowerCase() : log.backend?.type ?? null;
    const backendEvidence = c?.backend_type ? `"Backend": {"Type": "${c.backend_type}"} (${c.config_map ? `${c.config_map} in ` : ''}${c.path})` : log.backend ? quoteLogLine(log.backend.line) : null;
    out.set(node, {
      nodeId: node,
      network,
      networkEvidence,
      subnet,
      subnetEvidence,
      mtu: e?.mtu ?? null,
      mtuEvidence: e?.mtu != null ? `FLANNEL_MTU=${e.mtu} (${e.path})` : null,
      backend,
      backendEvidence,
      bridge,
      flannelSigns: signs.get(node) ?? [],
      publicIp: log.publicIp?.address ?? null,
      log,
    });
  }
  return out;
}

/**
 * Whether two nodes' pod networks can be the same cluster network: unknown on either side is
 * compatible; known networks must overlap.
 */
export function sameNetwork(a: PodNetwork, b: PodNetwork): boolean {
  if (!a.network || !b.network) return true;
  return cidrContains(a.network, b.network) || cidrContains(b.network, a.network);
}

/**
 * The route the kernel would pick for a whole prefix: the longest main-table route whose
 * destination contains it. The default route is left out (a pod subnet reached only through
 * the default gateway is not routed into the pod network).
 */
export function routeCovering(routes: readonly RouteRow[], prefix: string): RouteRow | null {
  let best: RouteRow | null = null;
  for (const r of routes) {
    if (r.rt_table !== 'main' || r.dst_prefixlen === 0 || !r.dst_cidr) continue;
    if (!cidrContains(r.dst_cidr, prefix)) continue;
    if (!best || r.dst_prefixlen > best.dst_prefixlen || (r.dst_prefixlen === best.dst_prefixlen && (r.metric ?? 0) < (best.metric ?? 0))) best = r;
  }
  return best;
}

/**
 * routeCovering() for many lookups on one node: flannel's routes match pod subnets exactly, so an
 * exact-destination map answers nearly every lookup without scanning the table.
 */
export function routeLookup(routes: readonly RouteRow[]): (prefix: string) => RouteRow | null {
  const exact = new Map<string, RouteRow>();
  for (const r of routes) {
    if (r.rt_table !== 'main' || r.dst_prefixlen === 0 || !r.dst_cidr) continue;
    const seen = exact.get(r.dst_cidr);
    if (!seen || (r.metric ?? 0) < (seen.metric ?? 0)) exact.set(r.dst_cidr, r);
  }
  return (prefix) => exact.get(normalizeCidr(prefix) ?? prefix) ?? routeCovering(routes, prefix);
}

/** The per-node subnet length of the pod network (the node's own prefix, else flannel's default 24). */
export function subnetLength(net: PodNetwork): number {
  return (net.subnet && parseCidr(net.subnet)?.prefix) || 24;
}
