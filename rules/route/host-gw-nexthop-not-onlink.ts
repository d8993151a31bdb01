/**
 * route/host-gw-nexthop-not-onlink: flannel's host-gw backend routes each remote pod subnet
 * straight to the owning node (`10.244.1.0/24 via 192.168.3.119 dev eth0`), which only works
 * when that node is on a directly connected subnet (same L2 segment): the kernel must ARP for
 * the next hop. A next hop outside every connected subnet is refused ("network is unreachable")
 * or, when forced with onlink, ARPed for in vain.
 *
 * Three ways to see it: a pod-subnet route via a physical device whose gateway is outside the
 * device's connected prefixes; (fleet) a host-gw node whose peer's node IP is on no connected
 * subnet; flanneld logging that it could not add such a route.
 */
import { cidrContains, normalizeCidr } from '../../analyzer/parsers/shared/cidr.js';
import { clusterMembership, nodeNames } from '../../analyzer/rules/lib/cluster-membership.js';
import { quoteLogLine } from '../../analyzer/rules/lib/flannel-log.js';
import { addrText, loadAddrs, loadLinks, loadRoutes, routeText, type AddrRow, type LinkRow, type RouteRow } from '../../analyzer/rules/lib/ip-text.js';
import { podNetworks, routeCovering, sameNetwork, type PodNetwork } from '../../analyzer/rules/lib/pod-network.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'route/host-gw-nexthop-not-onlink',
  title: 'A host-gw pod route points at a node that is not on a directly connected network',
  severity: 'high',
  category: 'route',
  description:
    "flannel's host-gw backend needs every node on one L2 network: it routes each node's pod subnet via that node's IP " +
    '(`10.244.1.0/24 via 192.168.3.119 dev eth0`), and the kernel must reach the next hop by ARP. When a node sits in another subnet ' +
    '(behind a router), the route cannot be installed ("network is unreachable" in flanneld\'s log) or, forced with onlink, its ARP is never ' +
    'answered: pods of the two nodes cannot talk. The rule names the route or the node whose next hop is off-link.',
  remediation:
    'Either put all nodes on one L2 segment, or switch flannel to a backend that crosses routers: vxlan, or vxlan with DirectRouting ' +
    '(host-gw routes where possible, vxlan elsewhere):\n' +
    '  kubectl -n kube-flannel edit cm kube-flannel-cfg   # "Backend": {"Type": "vxlan", "DirectRouting": true}\n' +
    '  kubectl -n kube-flannel rollout restart ds kube-flannel-ds\n' +
    'Check the next hop from the node: ip route get <gateway>; ip neigh show <gateway>.',
  references: ['https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md#host-gw'],
  sources: ['ip-route', 'ip-addr'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface Connected {
  prefix: string;
  dev: string;
  line: string;
}

function connectedPrefixes(addrs: readonly AddrRow[], routes: readonly RouteRow[]): Connected[] {
  const out: Connected[] = [];
  for (const a of addrs) {
    if (a.family !== 'inet' || (a.prefixlen >= 32 && !a.peer)) continue;
    out.push({ prefix: a.cidr, dev: a.ifname, line: addrText(a) });
  }
  for (const r of routes) {
    if (r.rt_table === 'main' && !r.gateway && r.dev && r.scope === 'link' && r.type === 'unicast') out.push({ prefix: r.dst_cidr, dev: r.dev, line: routeText(r) });
  }
  return out;
}

function isOverlay(dev: string | null, links: Map<string, LinkRow>): boolean {
  if (!dev) return true;
  const kind = links.get(dev)?.kind ?? '';
  return dev.startsWith('flannel') || ['vxlan', 'ipip', 'wireguard', 'gre', 'tun'].includes(kind);
}

/** The address other nodes route to: what flannel logged, else the address on the default route's device. */
function nodeIp(net: PodNetwork, addrs: readonly AddrRow[], routes: readonly RouteRow[]): string | null {
  if (net.publicIp) return net.publicIp;
  const dev = routes.find((r) => r.rt_table === 'main' && r.dst_prefixlen === 0 && r.dev)?.dev;
  return addrs.find((a) => a.ifname === dev && a.family === 'inet' && a.scope === 'global')?.address ?? null;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const nets = podNetworks(db);
  const cluster = clusterMembership(db);
  const names = nodeNames(db);
  const routes = loadRoutes(db);
  const addrs = loadAddrs(db);
  const links = loadLinks(db);
  const findings: RuleFinding[] = [];

  for (const node of ctx.nodeIds) {
    const net = nets.get(node);
    if (!net || net.flannelSigns.length === 0) continue;
    const nodeRoutes = routes.get(node) ?? [];
    const nodeAddrs = addrs.get(node) ?? [];
    const nodeLinks = links.get(node) ?? new Map<string, LinkRow>();
    const connected = connectedPrefixes(nodeAddrs, nodeRoutes);
    const onLink = (ip: string, dev?: string | null) => connected.some((c) => (!dev || c.dev === dev) && cidrContains(c.prefix, ip));
    const connectedText = (dev?: string | null) => {
      const lines = connected.filter((c) => !dev || c.dev === dev).map((c) => `  ${c.line}`);
      return [`directly connected${dev ? ` on ${dev}` : ''}:`, ...(lines.length ? lines : ['  (nothing)'])];
    };
    const peers = [...nets.values()].filter((p) => p.nodeId !== node && p.subnet && cluster.sameCluster(node, p.nodeId) && sameNetwork(net, p));
    const peerSubnets = new Set(peers.map((p) => p.subnet!));
    const isPodSubnet = (cidr: string) =>
      !(net.subnet && cidrContains(net.subnet, cidr)) && ((!!net.network && cidrContains(net.network, cidr)) || peerSubnets.has(cidr));
    const reported = new Set<string>();

    // 1. host-gw style routes whose next hop is off-link
    for (const r of nodeRoutes) {
      if (r.rt_table !== 'main' || !r.gateway || r.dst_prefixlen === 0 || isOverlay(r.dev, nodeLinks) || !isPodSubnet(r.dst_cidr)) continue;
      if (onLink(r.gateway, r.dev)) continue;
      reported.add(r.dst_cidr);
      const line = routeText(r);
      findings.push({
        node_id: node,
        resource: line,
        message: `The pod subnet route ${line} has a next hop ${r.gateway} that is not on any subnet directly connected to ${r.dev}${r.onlink ? ' (the onlink flag forces it, but nothing answers ARP for it there)' : ''}`,
        evidence: [`ip route: ${line}`, ...connectedText(r.dev), ...(net.backendEvidence ? [net.backendEvidence] : [])].join('\n'),
      });
    }

    // 2. flanneld could not install a route because the next hop is off-link
    for (const ev of net.log.routes) {
      if (ev.kind !== 'failed') continue;
      const subnet = normalizeCidr(ev.subnet);
      if (!subnet || reported.has(subnet) || (net.network && cidrContains(net.network, ev.gateway))) continue; // vxlan routes go via the subnet's own address
      if (onLink(ev.gateway) || routeCovering(nodeRoutes, subnet)) continue;
      reported.add(subnet);
      findings.push({
        node_id: node,
        resource: `${subnet} via ${ev.gateway}`,
        message: `flanneld could not add the route ${subnet} via ${ev.gateway}: the next hop is not on a directly connected subnet`,
        evidence: [`flanneld: ${quoteLogLine(ev.line)}`, ...connectedText(), ...(net.backendEvidence ? [net.backendEvidence] : [])].join('\n'),
      });
    }

    // 3. host-gw and a node of the cluster that cannot be a next hop
    if (net.backend !== 'host-gw') continue;
    for (const peer of peers) {
      const subnet = peer.subnet!;
      if (reported.has(subnet) || !isPodSubnet(subnet)) continue;
      const ip = nodeIp(peer, addrs.get(peer.nodeId) ?? [], routes.get(peer.nodeId) ?? []);
      if (!ip || onLink(ip)) continue;
      const existing = routeCovering(nodeRoutes, subnet);
      if (existing && existing.gateway && onLink(existing.gateway, existing.dev)) continue;
      reported.add(subnet);
      const peerName = names.get(peer.nodeId) ?? String(peer.nodeId);
      findings.push({
        node_id: node,
        resource: `${subnet} via ${ip}`,
        message: `flannel host-gw must route ${peerName}'s pod subnet ${subnet} via ${peerName}'s address ${ip}, which is not on any directly connected subnet of this node`,
        evidence: [
          `${peerName}: ${peer.subnetEvidence}`,
          `${peerName} node address: ${ip}`,
          ...(existing ? [`ip route: ${routeText(existing)}`] : [`no route to ${subnet} on this node`]),
          ...connectedText(),
          ...(net.backendEvidence ? [net.backendEvidence] : []),
        ].join('\n'),
      });
    }
  }
  return findings;
}
