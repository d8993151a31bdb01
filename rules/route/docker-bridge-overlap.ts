/**
 * route/docker-bridge-overlap: a docker network (docker0 with its default 172.17.0.0/16, a bip
 * from daemon.json, a compose or user network, an address pool) overlaps an address or route of
 * the host, the cluster's pod network or its service range. The host then sends traffic meant
 * for the office LAN, a VPN, pods or Services into the docker bridge instead.
 */
import { cidrOverlaps, normalizeCidr } from '../../analyzer/parsers/shared/cidr.js';
import { clusterMembership } from '../../analyzer/rules/lib/cluster-membership.js';
import { clusterRanges } from '../../analyzer/rules/lib/cluster-ranges.js';
import { addrText, loadAddrs, loadRoutes, routeText } from '../../analyzer/rules/lib/ip-text.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'route/docker-bridge-overlap',
  title: "A docker network's subnet overlaps a host network, the pod network or the service range",
  severity: 'high',
  category: 'route',
  description:
    'Docker puts docker0 on 172.17.0.0/16 unless told otherwise (bip), and carves user and compose networks out of 172.18-31.0.0/16 and ' +
    '192.168.0.0/16. When such a subnet overlaps a network the host must reach (the office LAN, a VPN route, a database subnet), the pod ' +
    'network or the Service range, the connected route of the docker bridge captures that traffic: the host and its containers can no ' +
    'longer reach those addresses, or reach the wrong ones. The rule compares every docker subnet (docker network inspect, daemon.json ' +
    'bip and default-address-pools) with the addresses and routes of the host and the pod and service ranges of the cluster.',
  remediation:
    'Move docker off the conflicting range in /etc/docker/daemon.json, e.g.\n' +
    '  { "bip": "192.168.200.1/24", "default-address-pools": [{ "base": "192.168.201.0/24", "size": 28 }] }\n' +
    'then `systemctl restart docker` (containers of the default bridge restart on the new subnet). User networks keep their subnet: ' +
    'recreate them (docker network rm NAME; docker network create --subnet ... NAME, or `docker compose down && docker compose up -d`).',
  references: [
    'https://docs.docker.com/engine/network/drivers/bridge/#configure-the-default-bridge-network',
    'https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file',
  ],
  sources: ['ip-addr', 'ip-route'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface DockerSubnet {
  node_id: number;
  cidr: string;
  /** The bridge device carrying it (docker0, br-<id>), null for overlay or unknown. */
  bridge: string | null;
  label: string;
  evidence: string;
  /** macvlan/ipvlan networks share their parent's subnet by design. */
  sharesParent: boolean;
}

function dockerSubnets(ctx: RuleContext): DockerSubnet[] {
  const { db } = ctx;
  const out: DockerSubnet[] = [];
  const nets = db
    .prepare(
      `SELECT s.node_id, s.network, s.subnet, s.gateway, n.bridge_name, n.driver
         FROM docker_network_subnets s LEFT JOIN docker_networks n ON n.node_id = s.node_id AND n.id = s.network_id
        WHERE s.subnet NOT LIKE '%:%'`,
    )
    .all() as { node_id: number; network: string; subnet: string; gateway: string | null; bridge_name: string | null; driver: string | null }[];
  for (const n of nets) {
    const cidr = normalizeCidr(n.subnet);
    if (!cidr) continue;
    out.push({
      node_id: n.node_id,
      cidr,
      bridge: n.bridge_name,
      label: `docker network ${n.network}${n.bridge_name ? ` (${n.bridge_name})` : ''} ${cidr}`,
      evidence: `docker network inspect ${n.network}: driver ${n.driver ?? '?'}, Subnet ${n.subnet}${n.gateway ? `, Gateway ${n.gateway}` : ''}`,
      sharesParent: n.driver === 'macvlan' || n.driver === 'ipvlan',
    });
  }
  const settings = db
    .prepare(`SELECT node_id, path, key, value_text FROM daemon_config WHERE value_text IS NOT NULL AND (key = 'bip' OR key LIKE 'default-address-pools[%].base')`)
    .all() as { node_id: number; path: string; key: string; value_text: string }[];
  for (const s of settings) {
    const cidr = normalizeCidr(s.value_text);
    if (!cidr) continue;
    const bip = s.key === 'bip';
    out.push({
      node_id: s.node_id,
      cidr,
      bridge: bip ? 'docker0' : null,
      label: bip ? `docker0 bip ${s.value_text}` : `${s.key} ${cidr}`,
      evidence: `"${s.key}": "${s.value_text}" (${s.path})`,
      sharesParent: false,
    });
  }
  // docker0's own address when the daemon could not be asked
  const docker0 = db.prepare(`SELECT node_id, ifname, family, address, prefixlen, cidr, peer, scope FROM addrs WHERE ifname = 'docker0' AND family = 'inet'`).all() as Parameters<typeof addrText>[0][];
  for (const a of docker0) {
    out.push({ node_id: a.node_id, cidr: a.cidr, bridge: 'docker0', label: `docker0 ${a.cidr}`, evidence: addrText(a), sharesParent: false });
  }
  // one entry per node and subnet: the docker network first, then bip, then the address
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.node_id} ${d.cidr}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const wanted = new Set(ctx.nodeIds);
  const subnets = dockerSubnets(ctx).filter((d) => wanted.has(d.node_id));
  if (subnets.length === 0) return [];
  const addrs = loadAddrs(db);
  const routes = loadRoutes(db, "family = 'inet' AND rt_table <> 'local' AND dst_prefixlen > 0 AND COALESCE(protocol, '') <> 'kernel'");
  const ranges = clusterRanges(db, clusterMembership(db));
  const dockerBridges = new Set((db.prepare(`SELECT node_id || '/' || bridge_name AS k FROM docker_networks WHERE bridge_name IS NOT NULL`).all() as { k: string }[]).map((r) => r.k));
  const isDockerDevice = (node: number, dev: string | null) => !!dev && (dev === 'docker0' || dockerBridges.has(`${node}/${dev}`) || /^(br-[0-9a-f]{12}|veth)/.test(dev));
  const findings: RuleFinding[] = [];

  for (const d of subnets) {
    const conflicts: string[] = [];
    if (!d.sharesParent) {
      for (const a of addrs.get(d.node_id) ?? []) {
        if (a.ifname === 'lo' || a.ifname === d.bridge || isDockerDevice(d.node_id, a.ifname)) continue;
        if (cidrOverlaps(d.cidr, a.cidr)) conflicts.push(`host address ${addrText(a)}`);
      }
      for (const r of routes.get(d.node_id) ?? []) {
        if (r.dev === d.bridge || isDockerDevice(d.node_id, r.dev)) continue;
        if (cidrOverlaps(d.cidr, r.dst_cidr)) conflicts.push(`route ${routeText(r)}`);
      }
    }
    for (const range of ranges.get(d.node_id) ?? []) {
      if (cidrOverlaps(d.cidr, range.cidr)) conflicts.push(`${range.kind === 'pod' ? 'pod network' : 'service range'} ${range.cidr}: ${range.evidence}`);
    }
    if (conflicts.length === 0) continue;
    findings.push({
      node_id: d.node_id,
      resource: d.label,
      message: `${d.label} overlaps ${conflicts[0]!.replace(/:.*$/, '')}${conflicts.length > 1 ? ` and ${conflicts.length - 1} more` : ''}: traffic for those addresses is captured by the docker bridge`,
      evidence: [d.evidence, ...conflicts.slice(0, 12), ...(conflicts.length > 12 ? [`... ${conflicts.length - 12} more`] : [])].join('\n'),
    });
  }
  return findings;
}
