/**
 * Which cluster each node belongs to, for fleet rules: a batch may hold nodes of several
 * clusters, and two clusters routinely share what must be unique inside one (the default pod
 * network 10.244.0.0/16, private node addresses, host names like master-1) or differ where one
 * cluster's nodes must agree (versions, kube-proxy mode).
 *
 * A node's cluster is the CA its kubelet trusts for the API server: the certificate-authority-data
 * of kubelet.conf, else the kubeadm/kubespray CA file. The API server URL is not used: nodes of one
 * cluster reach it through different addresses (a local load balancer on 127.0.0.1, each master
 * itself). Nodes whose CA is unknown are taken to be in every cluster, so nothing is missed.
 */
import type { Database } from 'better-sqlite3';

export interface ClusterIdentity {
  /** sha256 fingerprint of the cluster CA, null when the node shows none. */
  caFingerprint: string | null;
  /** Where the CA was read, for evidence. */
  source: string | null;
}

const CA_FILES = ['/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/ssl/ca.crt', '/etc/kubernetes/ssl/ca.pem'];

export function clusterIdentities(db: Database): Map<number, ClusterIdentity> {
  const rows = db
    .prepare(
      `SELECT node_id, path, source_field, fingerprint_sha256,
              CASE WHEN path LIKE '%/kubelet.conf' AND source_field LIKE '%certificate-authority-data' THEN 0
                   WHEN path = ? THEN 1 WHEN path = ? THEN 2 ELSE 3 END AS rank
         FROM certs
        WHERE fingerprint_sha256 IS NOT NULL AND COALESCE(bundle_index, 0) = 0
          AND ((path LIKE '%/kubelet.conf' AND source_field LIKE '%certificate-authority-data') OR path IN (?, ?, ?))
        ORDER BY node_id, rank, path`,
    )
    .all(CA_FILES[0], CA_FILES[1], ...CA_FILES) as { node_id: number; path: string; source_field: string | null; fingerprint_sha256: string }[];
  const out = new Map<number, ClusterIdentity>();
  for (const r of rows) {
    if (out.has(r.node_id)) continue;
    const where = r.source_field && r.source_field !== 'file' ? `${r.path} ${r.source_field}` : r.path;
    out.set(r.node_id, { caFingerprint: r.fingerprint_sha256, source: where });
  }
  return out;
}

/** False only when both nodes show a cluster CA and the CAs differ. */
export function sameCluster(identities: Map<number, ClusterIdentity>, a: number, b: number): boolean {
  const x = identities.get(a)?.caFingerprint;
  const y = identities.get(b)?.caFingerprint;
  return !x || !y || x === y;
}

/**
 * Nodes grouped by cluster CA; nodes without a known CA join every group (or form one group when
 * no node shows a CA), so a batch of one cluster is one group.
 */
export function clusterGroups(identities: Map<number, ClusterIdentity>, nodeIds: readonly number[]): number[][] {
  const byCa = new Map<string, number[]>();
  const unknown: number[] = [];
  for (const id of nodeIds) {
    const ca = identities.get(id)?.caFingerprint;
    if (!ca) unknown.push(id);
    else {
      let group = byCa.get(ca);
      if (!group) byCa.set(ca, (group = []));
      group.push(id);
    }
  }
  if (byCa.size === 0) return unknown.length ? [unknown] : [];
  return [...byCa.values()].map((g) => [...g, ...unknown]);
}
