/**
 * fleet/pod-cidr-overlap: two nodes of one cluster whose pod subnets overlap. A node's pod subnet
 * is FLANNEL_SUBNET (and FLANNEL_IPV6_SUBNET) of /run/flannel/subnet.env and the prefix of its
 * cni0 address; the two usually agree, and when they do not each is still handed out to pods.
 */
import { cidrOverlaps } from '../../analyzer/parsers/shared/cidr.js';
import { clashEvidence, findClashes, type Claim } from '../../analyzer/rules/lib/fleet-clashes.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'fleet/pod-cidr-overlap',
  title: 'Two nodes were given overlapping pod subnets',
  severity: 'critical',
  category: 'fleet',
  description:
    'Every node must own a pod subnet no other node of its cluster shares: the overlay routes each pod subnet to exactly one node. ' +
    'When two nodes hold overlapping subnets (the same flannel lease on a cloned VM, a stale /run/flannel/subnet.env after a node re-joined, or cni0 still carrying an old address), ' +
    'both hand out the same pod IPs and the other nodes route that range to only one of them: pods on the other node are unreachable or get replies meant for someone else. ' +
    "A node's pod subnet is read from FLANNEL_SUBNET in /run/flannel/subnet.env and from the address of its cni0 bridge. " +
    'Nodes of different clusters (their kubelets trust different cluster CAs) are not compared: every flannel cluster starts from 10.244.0.0/16.',
  remediation:
    'Find which node holds the lease the cluster agrees on:\n' +
    '  kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR\n' +
    'On the node whose local state disagrees, drain it, then reset its pod network so flannel writes the lease the API assigned:\n' +
    '  kubectl drain <node> --ignore-daemonsets --delete-emptydir-data\n' +
    '  systemctl stop kubelet\n' +
    '  ip link set cni0 down && ip link delete cni0\n' +
    '  ip link delete flannel.1\n' +
    '  rm -f /run/flannel/subnet.env /var/lib/cni/networks/cbr0/*\n' +
    "  systemctl start kubelet     # flannel's pod restarts and writes subnet.env again\n" +
    '  kubectl uncordon <node>\n' +
    'If two Node objects carry the same spec.podCIDR (a cloned node name), delete the stale Node object and re-join the clone under its own name.',
  references: ['https://github.com/flannel-io/flannel/blob/master/Documentation/troubleshooting.md', 'https://kubernetes.io/docs/concepts/cluster-administration/networking/'],
  sources: ['flannel-subnet-env|ip-addr'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const CLAIMS = `
  SELECT node_id, cidr_network(subnet) AS cidr,
         'FLANNEL_SUBNET=' || subnet || ' (' || COALESCE(path, '/run/flannel/subnet.env') || ')' AS line
    FROM flannel_env WHERE COALESCE(subnet, '') <> ''
  UNION ALL
  SELECT node_id, cidr_network(ipv6_subnet),
         'FLANNEL_IPV6_SUBNET=' || ipv6_subnet || ' (' || COALESCE(path, '/run/flannel/subnet.env') || ')'
    FROM flannel_env WHERE COALESCE(ipv6_subnet, '') <> ''
  UNION ALL
  -- link-local fe80::/64 is on every bridge and says nothing about the pod subnet
  SELECT node_id, cidr, 'cni0: ' || family || ' ' || address || '/' || prefixlen
    FROM addrs
   WHERE ifname = 'cni0' AND cidr IS NOT NULL AND COALESCE(scope, 'global') = 'global'
  ORDER BY 1, 3`;

export function run(ctx: RuleContext): RuleFinding[] {
  const rows = ctx.db.prepare(CLAIMS).all() as { node_id: number; cidr: string | null; line: string }[];
  const claims: Claim[] = rows.filter((r) => r.cidr).map((r) => ({ nodeId: r.node_id, key: r.cidr!, lines: [r.line] }));
  return findClashes(ctx.db, claims, ctx.nodeIds, cidrOverlaps).map((clash) => ({
    node_id: clash.claim.nodeId,
    resource: `pod subnet ${clash.claim.key}`,
    message:
      `Pod subnet ${clash.claim.key} overlaps the pod subnet of ${clash.others.map((o) => `${o.node} (${o.claim.key})`).join(', ')}: ` +
      'both nodes hand out the same pod IPs and the overlay routes them to only one node',
    evidence: clashEvidence(clash),
  }));
}
