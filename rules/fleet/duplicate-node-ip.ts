/**
 * fleet/duplicate-node-ip: two nodes of one cluster with the same primary IP. A node's primary IPs
 * are its default route's source (`src`, else the primary address of the route's device whose
 * prefix holds the gateway, else every primary address of that device) and kubelet's --node-ip.
 */
import { normalizeIp } from '../../analyzer/parsers/shared/cidr.js';
import { clashEvidence, findClashes, type Claim } from '../../analyzer/rules/lib/fleet-clashes.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'fleet/duplicate-node-ip',
  title: 'Two nodes use the same primary IP address',
  severity: 'critical',
  category: 'fleet',
  description:
    "Each node's primary IP (the address its kubelet registers, and the one its default route leaves from) must be unique. " +
    'Two nodes with the same address (a cloned VM keeping its static IP, a copied DHCP reservation, a kubelet --node-ip pasted from another node) fight over ARP: ' +
    "traffic for that address flips between the two machines, the API server reaches the wrong kubelet, and flannel's VTEP for that address points at one of them only. " +
    "A node's primary IP is the default route's source (its `src`, else the primary address of the route's device that has the gateway on-link) and the value of kubelet's --node-ip. " +
    'Nodes of different clusters (their kubelets trust different cluster CAs) are not compared: separate networks reuse private addresses.',
  remediation:
    'Decide which node keeps the address, then give the other one its own:\n' +
    '  ip -4 addr show dev <iface>          # on both nodes\n' +
    '  arping -D -I <iface> <address>       # from a third machine: two MACs answering is a clash\n' +
    'Fix the static configuration (netplan /etc/netplan/*.yaml, /etc/sysconfig/network-scripts/ifcfg-*, or the DHCP reservation), and the kubelet flag if it is set:\n' +
    '  grep node-ip /var/lib/kubelet/kubeadm-flags.env /etc/default/kubelet /etc/sysconfig/kubelet\n' +
    '  systemctl restart kubelet\n' +
    'A cloned VM also needs its own machine-id and hostname (see fleet/duplicate-machine-id, fleet/duplicate-hostname).',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/',
    'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/install-kubeadm/#verify-the-mac-address-and-product-uuid-are-unique-for-every-node',
  ],
  sources: ['ip-addr|ps|kube-configs'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const CANDIDATES = `
  WITH defaults AS (
    SELECT node_id, family, dev, gateway, src,
           'default' || COALESCE(' via ' || gateway, '') || ' dev ' || dev || COALESCE(' src ' || src, '') AS route
      FROM routes
     WHERE dst = 'default' AND COALESCE(rt_table, 'main') = 'main' AND dev IS NOT NULL
       AND COALESCE(type, 'unicast') = 'unicast'
  ),
  device_addrs AS (
    SELECT d.node_id, d.route, d.dev, a.address, a.prefixlen,
           CASE WHEN d.gateway IS NOT NULL AND cidr_contains(a.cidr, d.gateway) = 1 THEN 1 ELSE 0 END AS has_gateway
      FROM defaults d
      JOIN addrs a ON a.node_id = d.node_id AND a.ifname = d.dev AND a.family = d.family
     WHERE d.src IS NULL AND COALESCE(a.secondary, 0) = 0 AND COALESCE(a.scope, 'global') = 'global'
  )
  SELECT node_id, src AS ip, 'route: ' || route AS line FROM defaults WHERE src IS NOT NULL
  UNION ALL
  -- an address whose prefix holds the gateway wins over extra ones (a /32 VIP on the same device)
  SELECT node_id, address, 'route: ' || route || char(10) || dev || ': ' || address || '/' || prefixlen
    FROM device_addrs d
   WHERE has_gateway = 1
      OR NOT EXISTS (SELECT 1 FROM device_addrs o WHERE o.node_id = d.node_id AND o.dev = d.dev AND o.has_gateway = 1)
  UNION ALL
  SELECT node_id, value, 'kubelet --node-ip=' || value || ' (' || origin || COALESCE(' ' || path, '') || ')'
    FROM component_flags WHERE component = 'kubelet' AND flag = 'node-ip'
  ORDER BY 1, 3`;

/** Addresses that say nothing about which machine this is. */
function meaningless(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('fe80:') || ip === '0.0.0.0' || ip === '::';
}

export function run(ctx: RuleContext): RuleFinding[] {
  const rows = ctx.db.prepare(CANDIDATES).all() as { node_id: number; ip: string | null; line: string }[];
  const claims: Claim[] = [];
  for (const r of rows) {
    // --node-ip takes one address, or two comma-separated ones on a dual-stack node
    for (const part of (r.ip ?? '').split(',')) {
      const ip = normalizeIp(part.trim());
      if (ip && !meaningless(ip)) claims.push({ nodeId: r.node_id, key: ip, lines: r.line.split('\n') });
    }
  }
  return findClashes(ctx.db, claims, ctx.nodeIds).map((clash) => ({
    node_id: clash.claim.nodeId,
    resource: `address ${clash.claim.key}`,
    message: `Primary IP ${clash.claim.key} is also the primary IP of ${clash.others.map((o) => o.node).join(', ')}: the nodes answer ARP for the same address and traffic reaches either one`,
    evidence: clashEvidence(clash),
  }));
}
