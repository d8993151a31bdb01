/**
 * The cluster's pod network as a node's snapshot states it, with where each value was read, from
 * the most direct to the least: flannel's lease (FLANNEL_NETWORK in /run/flannel/subnet.env),
 * flannel's net-conf.json, kube-controller-manager --cluster-cidr, kube-proxy --cluster-cidr or
 * clusterCIDR. Dual-stack values ("10.244.0.0/16,fd00:10:244::/56") give one entry per prefix.
 */
import type { Database } from 'better-sqlite3';
import { ipFamily, normalizeCidr } from '../../parsers/shared/cidr.js';

export interface PodNetwork {
  /** Normalised prefix, e.g. 10.244.0.0/16. */
  cidr: string;
  family: 'ipv4' | 'ipv6';
  /** Where it was read, for evidence: `FLANNEL_NETWORK=10.244.0.0/16 (/run/flannel/subnet.env)`. */
  from: string;
}

interface Found {
  node_id: number;
  value: string | null;
  from: string;
}

const QUERIES: readonly string[] = [
  `SELECT node_id, network AS value, 'FLANNEL_NETWORK=' || network || ' (' || path || ')' AS from_text FROM flannel_env WHERE network IS NOT NULL`,
  `SELECT node_id, network AS value, '"Network": "' || network || '" (' || path || COALESCE(' ' || config_map, '') || ')' AS from_text FROM flannel_net_conf WHERE network IS NOT NULL`,
  `SELECT node_id, value, component || ' --' || flag || '=' || value || ' (' || origin || COALESCE(' ' || path, '') || ')' AS from_text
     FROM component_flags WHERE flag = 'cluster-cidr' AND component IN ('kube-controller-manager', 'kube-proxy')`,
  `SELECT node_id, value_text AS value, 'clusterCIDR: ' || value_text || ' (' || path || ')' AS from_text
     FROM kube_configs WHERE kind = 'KubeProxyConfiguration' AND key = 'clusterCIDR' AND value_text IS NOT NULL AND value_text <> ''`,
];

/** Pod networks per node (nodes with none are absent). */
export function podNetworks(db: Database, nodeIds: readonly number[]): Map<number, PodNetwork[]> {
  const wanted = new Set(nodeIds);
  const out = new Map<number, PodNetwork[]>();
  for (const query of QUERIES) {
    let rows: Found[];
    try {
      rows = (db.prepare(query).all() as { node_id: number; value: string | null; from_text: string }[]).map((r) => ({ node_id: r.node_id, value: r.value, from: r.from_text }));
    } catch {
      continue; // a table a parser group has not delivered yet: that source simply says nothing
    }
    for (const row of rows) {
      if (!wanted.has(row.node_id) || !row.value) continue;
      for (const part of row.value.split(',')) {
        const cidr = normalizeCidr(part.trim());
        if (cidr === null || !cidr.includes('/')) continue;
        const list = out.get(row.node_id) ?? [];
        if (!list.some((p) => p.cidr === cidr)) list.push({ cidr, family: ipFamily(cidr.slice(0, cidr.indexOf('/'))) === 6 ? 'ipv6' : 'ipv4', from: row.from });
        out.set(row.node_id, list);
      }
    }
  }
  return out;
}
