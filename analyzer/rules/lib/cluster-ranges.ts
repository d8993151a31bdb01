/**
 * The pod and service address ranges of a node's cluster, from whatever the node (or, in a
 * batch, another node of the same cluster: the control plane holds the flags) says:
 *   pod:     FLANNEL_NETWORK, net-conf.json Network, --cluster-cidr (controller-manager,
 *            kube-proxy), KubeProxyConfiguration clusterCIDR, ClusterConfiguration networking.podSubnet
 *   service: --service-cluster-ip-range (apiserver, controller-manager), networking.serviceSubnet,
 *            and the kubelet's clusterDNS addresses (single service IPs; workers know nothing else)
 * Dual-stack values ("10.244.0.0/16,fd00:10:244::/56") give one range each.
 */
import type { Database } from 'better-sqlite3';
import { normalizeCidr } from '../../parsers/shared/cidr.js';
import type { ClusterMembership } from './cluster-membership.js';

export interface ClusterRange {
  kind: 'pod' | 'service';
  cidr: string;
  /** Where it was read, quotable: 'kube-apiserver --service-cluster-ip-range=10.96.0.0/12'. */
  evidence: string;
  node_id: number;
}

interface Source {
  node_id: number;
  kind: 'pod' | 'service';
  value: string;
  evidence: string;
}

function sources(db: Database): Source[] {
  const out: Source[] = [];
  for (const r of db.prepare('SELECT node_id, path, network FROM flannel_env WHERE network IS NOT NULL').all() as { node_id: number; path: string; network: string }[]) {
    out.push({ node_id: r.node_id, kind: 'pod', value: r.network, evidence: `FLANNEL_NETWORK=${r.network} (${r.path})` });
  }
  for (const r of db.prepare('SELECT node_id, path, network FROM flannel_net_conf WHERE network IS NOT NULL').all() as { node_id: number; path: string; network: string }[]) {
    out.push({ node_id: r.node_id, kind: 'pod', value: r.network, evidence: `"Network": "${r.network}" (${r.path})` });
  }
  const flags = db
    .prepare(`SELECT DISTINCT node_id, component, flag, value FROM component_flags WHERE flag IN ('cluster-cidr', 'service-cluster-ip-range') AND value IS NOT NULL`)
    .all() as { node_id: number; component: string; flag: string; value: string }[];
  for (const r of flags) {
    out.push({ node_id: r.node_id, kind: r.flag === 'cluster-cidr' ? 'pod' : 'service', value: r.value, evidence: `${r.component} --${r.flag}=${r.value}` });
  }
  const configs = db
    .prepare(
      `SELECT node_id, path, key, value_text FROM kube_configs
        WHERE value_text IS NOT NULL AND key IN ('clusterCIDR', 'networking.podSubnet', 'networking.serviceSubnet')`,
    )
    .all() as { node_id: number; path: string; key: string; value_text: string }[];
  for (const r of configs) {
    out.push({ node_id: r.node_id, kind: r.key === 'networking.serviceSubnet' ? 'service' : 'pod', value: r.value_text, evidence: `${r.key}: ${r.value_text} (${r.path})` });
  }
  const dns = db
    .prepare(`SELECT k.node_id, k.path, j.value AS ip FROM kube_configs k, json_each(k.value) j WHERE k.key = 'clusterDNS' AND json_valid(k.value)`)
    .all() as { node_id: number; path: string; ip: string }[];
  for (const r of dns) out.push({ node_id: r.node_id, kind: 'service', value: String(r.ip), evidence: `clusterDNS: ${r.ip} (${r.path}, a service IP)` });
  return out;
}

/** Every pod and service range known for each node's cluster: its own first, then those of nodes proven to share its cluster. */
export function clusterRanges(db: Database, membership: ClusterMembership): Map<number, ClusterRange[]> {
  const all: ClusterRange[] = [];
  for (const s of sources(db)) {
    for (const part of s.value.split(',')) {
      const cidr = normalizeCidr(part.trim());
      if (cidr) all.push({ kind: s.kind, cidr, evidence: s.evidence, node_id: s.node_id });
    }
  }
  const nodes = (db.prepare('SELECT node_id FROM nodes').all() as { node_id: number }[]).map((r) => r.node_id);
  const out = new Map<number, ClusterRange[]>();
  for (const node of nodes) {
    const own = all.filter((r) => r.node_id === node);
    const peers = all.filter((r) => r.node_id !== node && membership.provenSameCluster(node, r.node_id));
    const seen = new Set<string>();
    const list: ClusterRange[] = [];
    for (const r of [...own, ...peers]) {
      const key = `${r.kind} ${r.cidr}`;
      if (seen.has(key)) continue;
      seen.add(key);
      list.push(r);
    }
    out.set(node, list);
  }
  return out;
}
