/**
 * route/vxlan-mtu-mismatch: VXLAN adds 50 bytes (outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8;
 * 70 over IPv6), so a vxlan device must be at least that much smaller than its underlay, and
 * whatever feeds it (the CNI bridge cni0, its pod veths, FLANNEL_MTU that flannel hands to the
 * CNI bridge plugin) must not be larger than the vxlan device. Otherwise large packets are
 * dropped silently: ping works, TLS handshakes and big responses hang.
 */
import { ipFamily } from '../../analyzer/parsers/shared/cidr.js';
import { linkText, loadAddrs, loadLinks, loadRoutes, type LinkRow } from '../../analyzer/rules/lib/ip-text.js';
import { podNetworks } from '../../analyzer/rules/lib/pod-network.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'route/vxlan-mtu-mismatch',
  title: 'VXLAN overlay MTU does not fit the underlay, or pods use a larger MTU than the overlay',
  severity: 'high',
  category: 'route',
  description:
    'VXLAN wraps each pod packet in 50 more bytes (70 over IPv6), so flannel.1 must be at most the underlay MTU minus 50 (1450 on a ' +
    '1500 network), and cni0, the pod veths and FLANNEL_MTU (what flannel tells the CNI bridge plugin to give pods) must not exceed ' +
    "flannel.1's MTU. Otherwise full-size packets are dropped with no error: ping and small requests work, TLS handshakes, image pulls " +
    'and large responses between pods of different nodes hang. Jumbo-frame underlays, MTU 1450 clouds (OpenStack) and a cni0 created ' +
    'before flannel (MTU 1500) are the usual causes.',
  remediation:
    'Make every hop fit: flannel.1 = underlay MTU - 50, cni0 and pods <= flannel.1.\n' +
    '  ip -d link show flannel.1; ip link show cni0; cat /run/flannel/subnet.env\n' +
    'flannel derives its MTU from the interface it uses; when the underlay MTU changed, restart flanneld. For a cni0 with the wrong MTU, ' +
    'drain the node, then:\n' +
    '  ip link set cni0 down && ip link delete cni0\n' +
    '  systemctl restart kubelet   (the bridge plugin recreates cni0 with FLANNEL_MTU on the next pod)\n' +
    'and recreate the pods so their veths get the new MTU.',
  references: [
    'https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md#vxlan',
    'https://www.rfc-editor.org/rfc/rfc7348#section-4.3',
  ],
  sources: ['ip-link'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

/** The device that carries a vxlan device's packets: its `dev`, else the holder of its local address, else the default route's. */
function underlayOf(vx: LinkRow, links: Map<string, LinkRow>, localHolder: string | null, defaultDev: string | null): LinkRow | null {
  for (const name of [vx.vxlan_dev, localHolder, defaultDev]) {
    const l = name ? links.get(name) : undefined;
    if (l && l.name !== vx.name) return l;
  }
  return null;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const nets = podNetworks(db);
  const links = loadLinks(db);
  const addrs = loadAddrs(db, '1 = 1');
  const routes = loadRoutes(db, "rt_table = 'main' AND dst_prefixlen = 0");
  // external (collect-metadata) vxlan devices, e.g. cilium_vxlan, leave the MTU to per-route settings
  const external = new Set(
    (db.prepare(`SELECT node_id || '/' || name AS k FROM links WHERE kind = 'vxlan' AND (details LIKE '%external%' OR details LIKE '%collect_metadata%')`).all() as { k: string }[]).map((r) => r.k),
  );
  const findings: RuleFinding[] = [];

  for (const node of ctx.nodeIds) {
    const nodeLinks = links.get(node) ?? new Map<string, LinkRow>();
    const vxlans = [...nodeLinks.values()].filter((l) => l.kind === 'vxlan' && l.mtu !== null && !external.has(`${node}/${l.name}`));
    const defaultDev = (routes.get(node) ?? []).find((r) => r.family === 'inet' && r.dev)?.dev ?? null;

    for (const vx of vxlans) {
      const holder = vx.vxlan_local ? (addrs.get(node) ?? []).find((a) => a.address === vx.vxlan_local)?.ifname ?? null : null;
      const under = underlayOf(vx, nodeLinks, holder, defaultDev);
      if (!under || under.mtu === null) continue;
      const overhead = vx.vxlan_local && ipFamily(vx.vxlan_local) === 6 ? 70 : 50;
      if (vx.mtu! + overhead <= under.mtu) continue;
      findings.push({
        node_id: node,
        resource: vx.name,
        message: `${vx.name} has MTU ${vx.mtu}, but its underlay ${under.name} has MTU ${under.mtu}: encapsulated packets need ${vx.mtu! + overhead} bytes (${overhead} bytes of VXLAN overhead), so full-size pod packets are dropped`,
        evidence: [linkText(vx), `    vxlan id ${vx.vxlan_id ?? '?'}${vx.vxlan_local ? ` local ${vx.vxlan_local}` : ''}${vx.vxlan_dev ? ` dev ${vx.vxlan_dev}` : ''}`, linkText(under)].join('\n'),
      });
    }

    // what feeds the overlay must fit in it
    const overlay = vxlans.find((l) => l.name.startsWith('flannel.')) ?? (vxlans.length === 1 ? vxlans[0] : undefined);
    if (!overlay || overlay.mtu === null) continue;
    const net = nets.get(node);
    const bridge = nodeLinks.get(net?.bridge ?? 'cni0');
    if (bridge && bridge.mtu !== null) {
      const ports = [...nodeLinks.values()].filter((l) => l.master === bridge.name && l.mtu !== null && l.mtu > overlay.mtu!);
      if (bridge.mtu > overlay.mtu || ports.length) {
        const what = bridge.mtu > overlay.mtu ? `${bridge.name} has MTU ${bridge.mtu}` : `${ports.length} pod interfaces on ${bridge.name} have MTU ${ports[0]!.mtu}`;
        findings.push({
          node_id: node,
          resource: bridge.name,
          message: `${what}, larger than the overlay ${overlay.name} (MTU ${overlay.mtu}): pods send packets the overlay cannot carry, and cross-node traffic with full-size packets stalls`,
          evidence: [linkText(bridge), linkText(overlay), ...ports.slice(0, 5).map(linkText), ...(net?.mtuEvidence ? [net.mtuEvidence] : [])].join('\n'),
        });
      }
    }
    if (net?.mtu && net.mtu > overlay.mtu) {
      findings.push({
        node_id: node,
        resource: net.mtuEvidence?.replace(/^FLANNEL_MTU=\d+ \((.*)\)$/, '$1 FLANNEL_MTU') ?? 'FLANNEL_MTU',
        message: `FLANNEL_MTU is ${net.mtu}, larger than the overlay ${overlay.name} (MTU ${overlay.mtu}): the CNI bridge plugin gives new pods an MTU the overlay cannot carry`,
        evidence: [net.mtuEvidence ?? `FLANNEL_MTU=${net.mtu}`, linkText(overlay)].join('\n'),
      });
    }
  }
  return findings;
}
