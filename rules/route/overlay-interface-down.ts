/**
 * route/overlay-interface-down: a pod network device (flannel.1, cni0, a vxlan device, tunl0,
 * a cali* veth) is administratively DOWN, or missing, while the node's routes, addresses,
 * forwarding entries, flannel lease or CNI state show it is meant to carry pod traffic.
 *
 * "Meant to" matters: tunl0 exists DOWN on every host with the ipip module loaded and means
 * nothing there, and cni0 has no carrier (state DOWN, flag UP) until the first pod is attached.
 * Only the UP flag counts as "up"; a missing device is reported when flannel's backend (its
 * net-conf, its log, or the other nodes of the cluster) says it should exist.
 */
import { clusterMembership, nodeNames } from '../../analyzer/rules/lib/cluster-membership.js';
import { quoteLogLine } from '../../analyzer/rules/lib/flannel-log.js';
import { addrText, linkText, loadAddrs, loadLinks, loadRoutes, routeText, type LinkRow } from '../../analyzer/rules/lib/ip-text.js';
import { podNetworks, sameNetwork, type PodNetwork } from '../../analyzer/rules/lib/pod-network.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'route/overlay-interface-down',
  title: 'A pod network device (flannel.1, cni0, vxlan, tunl0, cali*) is down or missing',
  severity: 'high',
  category: 'route',
  description:
    'Pod traffic between nodes crosses the overlay device (flannel.1 for the vxlan backend, tunl0 for Calico IPIP) and reaches local pods ' +
    'through the CNI bridge (cni0) or per-pod devices (cali*). When one of them is set DOWN the kernel drops every route through it and ' +
    'pods lose their cross-node traffic, while the node itself looks healthy; when flannel.1 is missing flanneld never set up the backend. ' +
    'Incident write-ups end with "restarting flannel.1 and cni0 fixed it": this rule names the device and what shows it should be up ' +
    '(its addresses, routes, vxlan forwarding entries, the flannel lease, pods attached to the bridge).',
  remediation:
    'Bring the device up and let the network agent re-program it:\n' +
    '  ip link set flannel.1 up        (or cni0 / tunl0)\n' +
    '  kubectl -n kube-flannel delete pod --field-selector spec.nodeName=<node> -l app=flannel\n' +
    'flanneld recreates flannel.1 and its routes, neighbour and fdb entries when it starts. Find who set it down (NetworkManager managing ' +
    'flannel.1/cni0 is a classic: add them to unmanaged-devices) and check `ip -d link show flannel.1` and flanneld\'s log afterwards.',
  references: [
    'https://github.com/flannel-io/flannel/blob/master/Documentation/troubleshooting.md',
    'https://docs.tigera.io/calico/latest/operations/troubleshoot/troubleshooting#configure-networkmanager',
  ],
  sources: ['ip-link'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const POD_DEVICE = /^(flannel\.\d+|flannel0|flannel-wg|cni0|tunl0|vxlan[\w.-]*|cali[0-9a-f]{6,}|cilium_(?:host|net|vxlan)|weave|kube-bridge)$/;

function isPodDevice(l: LinkRow, net: PodNetwork | undefined): boolean {
  return POD_DEVICE.test(l.name) || l.kind === 'vxlan' || l.kind === 'ipip' || l.name === net?.bridge;
}

function limited(lines: string[], max: number): string[] {
  return lines.length > max ? [...lines.slice(0, max), `... ${lines.length - max} more`] : lines;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const nets = podNetworks(db);
  const cluster = clusterMembership(db);
  const names = nodeNames(db);
  const links = loadLinks(db);
  const routes = loadRoutes(db, "rt_table <> 'local' AND family = 'inet'");
  const addrs = loadAddrs(db, "COALESCE(scope, 'global') = 'global'");
  const fdb = db.prepare(`SELECT node_id, dev, mac, dst FROM bridge_fdb WHERE dst IS NOT NULL`).all() as { node_id: number; dev: string; mac: string; dst: string }[];
  const reservations = new Map(
    (db.prepare('SELECT node_id, COUNT(*) AS n FROM ipam_reservations GROUP BY node_id').all() as { node_id: number; n: number }[]).map((r) => [r.node_id, r.n] as const),
  );
  const cniState = new Map(
    (db.prepare('SELECT node_id, COUNT(*) AS n FROM flannel_cni_state GROUP BY node_id').all() as { node_id: number; n: number }[]).map((r) => [r.node_id, r.n] as const),
  );
  const findings: RuleFinding[] = [];

  for (const node of ctx.nodeIds) {
    const net = nets.get(node);
    const nodeLinks = links.get(node) ?? new Map<string, LinkRow>();
    const nodeRoutes = routes.get(node) ?? [];
    const nodeAddrs = addrs.get(node) ?? [];

    // devices present but DOWN
    for (const link of nodeLinks.values()) {
      if (link.up || !isPodDevice(link, net)) continue;
      // strongest signs first: the message quotes the first one
      const why: string[] = [];
      if (link.name.startsWith('flannel') && net?.subnetEvidence) why.push(`flannel lease ${net.subnetEvidence}`);
      const remotes = fdb.filter((f) => f.node_id === node && f.dev === link.name);
      if (remotes.length) why.push(`remote VTEPs in its forwarding table (${remotes.length}), e.g. bridge fdb: ${remotes[0]!.mac} dev ${link.name} dst ${remotes[0]!.dst} self permanent`);
      const ports = [...nodeLinks.values()].filter((l) => l.master === link.name);
      if (ports.length) why.push(`pod interfaces attached (${ports.length}): ${ports.slice(0, 5).map((p) => p.name).join(', ')}`);
      if (link.name === net?.bridge && (reservations.get(node) ?? 0) > 0) why.push(`pod IPs reserved in /var/lib/cni/networks: ${reservations.get(node)}`);
      for (const r of nodeRoutes) if (r.dev === link.name) why.push(`route ${routeText(r)}`);
      for (const a of nodeAddrs) if (a.ifname === link.name) why.push(`address ${addrText(a)}`);
      if (why.length === 0) continue;
      const logError = link.name.startsWith('flannel') && net?.log.lastError ? [`flanneld: ${quoteLogLine(net.log.lastError)}`] : [];
      findings.push({
        node_id: node,
        resource: link.name,
        message: `${link.name} is DOWN (state ${link.operstate ?? '?'}) although it carries pod traffic: ${why[0]}${why.length > 1 ? ` (and ${why.length - 1} more sign${why.length > 2 ? 's' : ''} in the evidence)` : ''}`,
        evidence: [linkText(link), ...limited(why, 8), ...logError].join('\n'),
      });
    }

    if (!net || net.flannelSigns.length === 0) continue;

    // flannel's vxlan device missing
    const hasFlannelDevice = [...nodeLinks.values()].some((l) => l.name.startsWith('flannel'));
    if (!hasFlannelDevice) {
      let expected: { name: string; reason: string; evidence: string } | null = null;
      if (net.backend === 'vxlan' && net.backendEvidence) expected = { name: 'flannel.1', reason: 'its flannel backend is vxlan', evidence: net.backendEvidence };
      else if (!net.backend) {
        const peers: string[] = [];
        let name = 'flannel.1';
        for (const peer of nets.values()) {
          if (peer.nodeId === node || !cluster.sameCluster(node, peer.nodeId) || !sameNetwork(net, peer)) continue;
          const vx = [...(links.get(peer.nodeId)?.values() ?? [])].find((l) => l.name.startsWith('flannel.') && l.kind === 'vxlan');
          if (!vx) continue;
          name = vx.name;
          peers.push(names.get(peer.nodeId) ?? String(peer.nodeId));
        }
        if (peers.length) {
          expected = { name, reason: `the other nodes of the cluster run flannel's vxlan backend on ${name}`, evidence: `${name} (vxlan) on ${limited(peers, 5).join(', ')}` };
        }
      }
      if (expected) {
        const noLease = net.subnet ? [] : ['no /run/flannel/subnet.env: flanneld has no lease'];
        const logError = net.log.lastError ? [`flanneld: ${quoteLogLine(net.log.lastError)}`] : [];
        findings.push({
          node_id: node,
          resource: expected.name,
          message: `${expected.name} does not exist although this node is set up for flannel (${net.flannelSigns[0]}) and ${expected.reason}${net.subnet ? '' : '; flanneld never got a lease here'}`,
          evidence: [...net.flannelSigns, expected.evidence, ...noLease, ...logError].join('\n'),
        });
      }
    }

    // the CNI bridge missing while pods were wired to it
    if (!nodeLinks.has(net.bridge)) {
      const wired = (reservations.get(node) ?? 0) + (cniState.get(node) ?? 0);
      if (wired > 0) {
        findings.push({
          node_id: node,
          resource: net.bridge,
          message: `${net.bridge} does not exist although ${reservations.get(node) ?? 0} pod IPs are reserved and ${cniState.get(node) ?? 0} pods were attached to it by the CNI plugin`,
          evidence: [...net.flannelSigns, `${reservations.get(node) ?? 0} files in /var/lib/cni/networks, ${cniState.get(node) ?? 0} in /var/lib/cni/flannel`].join('\n'),
        });
      }
    }
  }
  return findings;
}
