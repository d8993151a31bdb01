/**
 * route/pod-subnet-route-missing: a pod subnet of another node has no route on this node, or
 * its route leads to a device that is down or gone.
 *
 * flannel gives every node a subnet of the pod network and installs, on every other node, a
 * route to it (vxlan: `10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink`; host-gw:
 * `10.244.3.0/24 via 192.168.10.23 dev eth0`). When the route is missing, packets to those pods
 * follow the default route and vanish; when flannel.1 goes down the kernel drops every route
 * through it at once. The subnets a node should route come from:
 *   - the batch: every other node of the same cluster (its subnet.env, else its cni0 address);
 *   - the node itself: subnets flanneld logged (Subnet added / failed to add vxlanRoute) and the
 *     PERMANENT neighbour entries flannel keeps on its vxlan device for each remote subnet;
 *   - and any route into the pod network whose device is down or missing.
 */
import { cidrContains, cidrOverlaps, normalizeCidr } from '../../analyzer/parsers/shared/cidr.js';
import { clusterMembership, nodeNames } from '../../analyzer/rules/lib/cluster-membership.js';
import { quoteLogLine } from '../../analyzer/rules/lib/flannel-log.js';
import { linkText, loadLinks, loadRoutes, routeText, type LinkRow, type RouteRow } from '../../analyzer/rules/lib/ip-text.js';
import { podNetworks, routeLookup, sameNetwork, subnetLength, type PodNetwork } from '../../analyzer/rules/lib/pod-network.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'route/pod-subnet-route-missing',
  title: "Another node's pod subnet has no working route on this node",
  severity: 'high',
  category: 'route',
  description:
    "flannel gives each node a slice of the pod network (FLANNEL_SUBNET) and puts a route to that slice on every other node: with the vxlan backend " +
    "`10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink`, with host-gw `10.244.3.0/24 via <node IP> dev eth0`. Without that route, or when it leads " +
    'to a device that is down or gone, pods here cannot reach the pods of that node (and Services whose endpoints live there time out), while ' +
    'everything node-local keeps working. The usual causes: flannel.1 was set down or recreated and the kernel dropped every route through it, ' +
    'flanneld lost its lease or crashed before programming routes, or the node never got a subnet at all. The rule compares each node with the ' +
    'other nodes of the same cluster in the batch, and on a single node uses what flanneld itself logged and the neighbour entries it left.',
  remediation:
    'Check the overlay device and flanneld on this node:\n' +
    '  ip -d link show flannel.1; ip route | grep -E "flannel|cni0"; cat /run/flannel/subnet.env\n' +
    '  kubectl -n kube-flannel logs -l app=flannel --tail=50   (or kube-system, or journalctl -u flanneld)\n' +
    'Bring the device up and let flanneld re-program every route by restarting its pod on this node:\n' +
    '  ip link set flannel.1 up\n' +
    '  kubectl -n kube-flannel delete pod --field-selector spec.nodeName=<node> -l app=flannel\n' +
    'If flanneld has no lease (no /run/flannel/subnet.env), fix what stops it first (its log says why, e.g. the API server VIP is unreachable).',
  references: [
    'https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md',
    'https://github.com/flannel-io/flannel/blob/master/Documentation/troubleshooting.md',
  ],
  sources: ['ip-route', 'ip-link'],
  parameters: {
    max_findings_per_node: {
      default: 20,
      description: 'findings per node before the remaining subnets are reported together in one finding',
    },
  },
} satisfies Omit<RuleMeta, 'file'>;

/** A subnet this node should route, and what says so. */
interface Wanted {
  subnet: string;
  owner: string | null;
  why: string[];
}

const NOT_FORWARDING = new Set(['blackhole', 'unreachable', 'prohibit', 'throw']);

function addWanted(wanted: Map<string, Wanted>, subnet: string, owner: string | null, why: string): void {
  let w = wanted.get(subnet);
  if (!w) wanted.set(subnet, (w = { subnet, owner, why: [] }));
  if (!w.owner && owner) w.owner = owner;
  if (!w.why.includes(why)) w.why.push(why);
}

/** Why a route does not deliver: null when it does. */
function routeFault(r: RouteRow, links: Map<string, LinkRow>): string | null {
  if (NOT_FORWARDING.has(r.type)) return `the route is of type ${r.type}`;
  if (!r.dev) return null; // multipath: each hop has its own device
  const link = links.get(r.dev);
  if (!link) return `its device ${r.dev} does not exist`;
  if (!link.up) return `its device ${r.dev} is DOWN`;
  if (r.linkdown) return `its device ${r.dev} has no carrier (linkdown)`;
  return null;
}

function routesEvidence(routes: readonly RouteRow[], net: PodNetwork): string[] {
  const main = routes.filter((r) => r.rt_table === 'main' && (r.dst_prefixlen === 0 || !net.network || cidrOverlaps(net.network, r.dst_cidr)));
  const lines = main.slice(0, 15).map((r) => `  ${routeText(r)}`);
  if (main.length > 15) lines.push(`  ... ${main.length - 15} more`);
  const scope = net.network ? `routes into ${net.network} and the default route` : 'main table';
  return [`ip route (${scope}) on this node:`, ...(lines.length ? lines : ['  (none)'])];
}

function overlayEvidence(links: Map<string, LinkRow>): string[] {
  const out: string[] = [];
  for (const l of links.values()) if (l.name.startsWith('flannel') || l.kind === 'vxlan') out.push(linkText(l));
  return out;
}

/** What most likely removed the routes: a down overlay device, or no lease at all. */
function likelyCause(net: PodNetwork, links: Map<string, LinkRow>): { text: string; evidence: string[] } | null {
  for (const l of links.values()) {
    if ((l.name.startsWith('flannel') || l.kind === 'vxlan') && !l.up) return { text: `${l.name} is DOWN, and the kernel drops every route through a device that goes down`, evidence: [] };
  }
  if (!net.subnet) {
    const error = net.log.lastError;
    return {
      text: 'this node has no pod subnet of its own (no /run/flannel/subnet.env): flanneld never got a lease, so it programmed no routes',
      evidence: error ? [`flanneld: ${quoteLogLine(error)}`] : [],
    };
  }
  return null;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const limit = Number(ctx.params.max_findings_per_node ?? 20);
  const nets = podNetworks(db);
  const cluster = clusterMembership(db);
  const names = nodeNames(db);
  const routes = loadRoutes(db);
  const links = loadLinks(db);
  const neighbours = db
    .prepare(
      `SELECT n.node_id, n.dst, n.dev, n.lladdr FROM neighbours n JOIN links l ON l.node_id = n.node_id AND l.name = n.dev
        WHERE n.family = 'inet' AND l.kind = 'vxlan' AND n.state LIKE '%PERMANENT%'`,
    )
    .all() as { node_id: number; dst: string; dev: string; lladdr: string | null }[];
  const findings: RuleFinding[] = [];

  for (const node of ctx.nodeIds) {
    const net = nets.get(node);
    if (!net || net.flannelSigns.length === 0) continue;
    const nodeRoutes = routes.get(node) ?? [];
    const nodeLinks = links.get(node) ?? new Map<string, LinkRow>();
    const own = net.subnet;
    const isForeign = (subnet: string) => !(own && cidrOverlaps(own, subnet)) && (!net.network || cidrContains(net.network, subnet));
    const wanted = new Map<string, Wanted>();

    for (const peer of nets.values()) {
      if (peer.nodeId === node || !peer.subnet || !peer.subnetEvidence) continue;
      if (!cluster.sameCluster(node, peer.nodeId) || !sameNetwork(net, peer) || !isForeign(peer.subnet)) continue;
      const peerName = names.get(peer.nodeId) ?? String(peer.nodeId);
      addWanted(wanted, peer.subnet, peerName, `${peerName}: ${peer.subnetEvidence}`);
    }
    const logged = new Map<string, string>();
    for (const ev of net.log.routes) {
      const subnet = normalizeCidr(ev.subnet);
      if (!subnet) continue;
      if (ev.kind === 'removed') logged.delete(subnet);
      else logged.set(subnet, `flanneld: ${quoteLogLine(ev.line)}`);
    }
    for (const [subnet, why] of logged) if (isForeign(subnet)) addWanted(wanted, subnet, null, why);
    const len = subnetLength(net);
    for (const n of neighbours) {
      if (n.node_id !== node) continue;
      const subnet = normalizeCidr(`${n.dst}/${len}`);
      if (subnet && isForeign(subnet)) addWanted(wanted, subnet, null, `ip neigh: ${n.dst} dev ${n.dev} lladdr ${n.lladdr ?? '?'} PERMANENT (flannel's entry for the remote subnet)`);
    }

    const nodeFindings: RuleFinding[] = [];
    const reportedRoutes = new Set<string>();
    const overlay = overlayEvidence(nodeLinks);
    const cause = likelyCause(net, nodeLinks);
    const lookup = routeLookup(nodeRoutes);
    for (const w of [...wanted.values()].sort((a, b) => a.subnet.localeCompare(b.subnet, 'en', { numeric: true }))) {
      const route = lookup(w.subnet);
      const whose = w.owner ? `${w.owner}'s pod subnet ${w.subnet}` : `pod subnet ${w.subnet}`;
      if (!route) {
        const fallback = nodeRoutes.find((r) => r.rt_table === 'main' && r.dst_prefixlen === 0);
        nodeFindings.push({
          node_id: node,
          resource: w.subnet,
          message:
            `No route to ${whose}: pods on this node cannot reach the pods there` +
            (fallback ? ` (packets follow \`${routeText(fallback)}\` out of the pod network)` : '') +
            (cause ? `; ${cause.text}` : ''),
          evidence: [...w.why, ...routesEvidence(nodeRoutes, net), ...overlay, ...(cause?.evidence ?? [])].join('\n'),
        });
        continue;
      }
      const fault = routeFault(route, nodeLinks);
      if (!fault) continue;
      const line = routeText(route);
      reportedRoutes.add(line);
      const link = route.dev ? nodeLinks.get(route.dev) : undefined;
      nodeFindings.push({
        node_id: node,
        resource: line,
        message: `The route to ${whose} does not deliver: ${fault}`,
        evidence: [...w.why, `ip route: ${line}`, ...(link ? [linkText(link)] : [])].join('\n'),
      });
    }

    // routes into the pod network (or through an overlay device) that lead nowhere, whoever owns them
    for (const r of nodeRoutes) {
      if (r.rt_table !== 'main' || r.dst_prefixlen === 0) continue;
      const viaOverlay = !!r.dev && (r.dev.startsWith('flannel') || nodeLinks.get(r.dev)?.kind === 'vxlan');
      const intoPods = !!net.network && cidrContains(net.network, r.dst_cidr) && !(own && cidrOverlaps(own, r.dst_cidr));
      if (!viaOverlay && !intoPods) continue;
      const fault = routeFault(r, nodeLinks);
      const line = routeText(r);
      if (!fault || reportedRoutes.has(line)) continue;
      reportedRoutes.add(line);
      const link = r.dev ? nodeLinks.get(r.dev) : undefined;
      nodeFindings.push({
        node_id: node,
        resource: line,
        message: `The pod network route ${r.dst} does not deliver: ${fault}`,
        evidence: [`ip route: ${line}`, ...(link ? [linkText(link)] : []), ...(net.networkEvidence ? [net.networkEvidence] : [])].join('\n'),
      });
    }

    if (nodeFindings.length > limit && limit > 0) {
      const kept = nodeFindings.slice(0, limit - 1);
      const rest = nodeFindings.slice(limit - 1);
      kept.push({
        node_id: node,
        resource: `${rest.length} more pod subnets`,
        message: `${rest.length} more pod subnets have no working route on this node: ${rest.map((f) => f.resource).join(', ')}`,
        evidence: rest.map((f) => `${f.resource}: ${f.message}`).join('\n'),
      });
      findings.push(...kept);
    } else {
      findings.push(...nodeFindings);
    }
  }
  return findings;
}
