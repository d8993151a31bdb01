/**
 * Which nodes of a batch belong to the same Kubernetes cluster, for every rule that compares a
 * node with its peers (route/, cni/, fleet/, cluster ranges). A batch may hold nodes of several
 * clusters, and two clusters routinely share what must be unique inside one (the default pod
 * network 10.244.0.0/16, private node addresses, host names like master-1) or differ where one
 * cluster's nodes must agree (versions, kube-proxy mode): "another node" must mean "another node
 * of this cluster" or every pair of clusters would look broken.
 *
 * One rule of membership:
 *   - A node's cluster is the CA it trusts for the API server, first found of: the
 *     certificate-authority-data of the kubelet's kubeconfig; the kubeadm/kubespray CA file
 *     (/etc/kubernetes/pki/ca.crt, /etc/kubernetes/ssl/ca.crt, /etc/kubernetes/ssl/ca.pem); the
 *     certificate-authority-data of another component kubeconfig (not /root/.kube/config: an
 *     admin's kubeconfig may name any cluster). Two nodes that both show a CA are in the same
 *     cluster exactly when the CAs are the same.
 *   - When either node shows no CA, a shared API server endpoint in their kubeconfigs proves them
 *     in one cluster; different endpoints prove nothing (nodes of one cluster reach the API server
 *     through different addresses: a load balancer, each master itself), and loopback endpoints,
 *     such as the local nginx proxy of kubespray workers, say nothing at all.
 * A node without evidence is compatible with every node: the rule then decides on what else it
 * knows (its pod network), rather than staying silent.
 */
import type { Database } from 'better-sqlite3';

export interface ClusterMembership {
  /** Same cluster, or nothing says otherwise (a node without identity evidence matches any). */
  sameCluster(a: number, b: number): boolean;
  /** Same cluster by evidence (same CA, or a shared API endpoint); false when nothing proves it. */
  provenSameCluster(a: number, b: number): boolean;
  /** sha256 fingerprint of the node's cluster CA, null when it shows none. */
  clusterCa(node: number): string | null;
  /**
   * `nodeIds` grouped by cluster CA; nodes without a known CA join every group (or form one group
   * when no node shows a CA), so a batch of one cluster is one group.
   */
  groups(nodeIds: readonly number[]): number[][];
}

const CA_FILES = ['/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/ssl/ca.crt', '/etc/kubernetes/ssl/ca.pem'];
const KUBELET_KUBECONFIG = `(path LIKE '%/kubelet.conf' OR path LIKE '%/kubelet.kubeconfig' OR path = '/var/lib/kubelet/kubeconfig')`;
const CLUSTER_CA_DATA = `source_field LIKE 'clusters[%].certificate-authority-data'`;

/** The cluster CA fingerprint of every node that shows one. */
function clusterCas(db: Database): Map<number, string> {
  const rows = db
    .prepare(
      `SELECT node_id, fingerprint_sha256 AS fp,
              CASE WHEN ${CLUSTER_CA_DATA} AND ${KUBELET_KUBECONFIG} THEN 0
                   WHEN path = ? THEN 1 WHEN path = ? THEN 2 WHEN path = ? THEN 3 ELSE 4 END AS rank
         FROM certs
        WHERE fingerprint_sha256 IS NOT NULL AND COALESCE(bundle_index, 0) = 0
          AND (path IN (?, ?, ?) OR (${CLUSTER_CA_DATA} AND path NOT LIKE '/root/.kube/%'))
        ORDER BY node_id, rank, path`,
    )
    .all(...CA_FILES, ...CA_FILES) as { node_id: number; fp: string }[];
  const out = new Map<number, string>();
  for (const r of rows) if (!out.has(r.node_id)) out.set(r.node_id, r.fp);
  return out;
}

/** `https://192.168.10.11:6443/` -> `192.168.10.11:6443`; null for loopback or unparsable URLs. */
export function apiEndpoint(server: string): string | null {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return null;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.startsWith('127.') || host === '::1') return null;
  const port = url.port || (url.protocol === 'http:' ? '80' : '443');
  return `${host}:${port}`;
}

/** The non-loopback API server endpoints each node's kubeconfigs name. */
function apiEndpoints(db: Database): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  const rows = db.prepare('SELECT node_id, server FROM kubeconfigs WHERE server IS NOT NULL').all() as { node_id: number; server: string }[];
  for (const r of rows) {
    const endpoint = apiEndpoint(r.server);
    if (!endpoint) continue;
    let set = out.get(r.node_id);
    if (!set) out.set(r.node_id, (set = new Set()));
    set.add(endpoint);
  }
  return out;
}

function intersects(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (!a || !b) return false;
  for (const v of a) if (b.has(v)) return true;
  return false;
}

export function clusterMembership(db: Database): ClusterMembership {
  const cas = clusterCas(db);
  const apis = apiEndpoints(db);

  /** true/false when the evidence decides, null when it does not. */
  const decide = (a: number, b: number): boolean | null => {
    if (a === b) return true;
    const caA = cas.get(a);
    const caB = cas.get(b);
    if (caA && caB) return caA === caB;
    return intersects(apis.get(a), apis.get(b)) ? true : null;
  };

  const groups = (nodeIds: readonly number[]): number[][] => {
    const byCa = new Map<string, number[]>();
    const unknown: number[] = [];
    for (const id of nodeIds) {
      const ca = cas.get(id);
      if (!ca) unknown.push(id);
      else {
        let group = byCa.get(ca);
        if (!group) byCa.set(ca, (group = []));
        group.push(id);
      }
    }
    if (byCa.size === 0) return unknown.length ? [unknown] : [];
    return [...byCa.values()].map((g) => [...g, ...unknown]);
  };

  return {
    sameCluster: (a, b) => decide(a, b) ?? true,
    provenSameCluster: (a, b) => decide(a, b) ?? false,
    clusterCa: (node) => cas.get(node) ?? null,
    groups,
  };
}

/** Display name of every node of the batch (as the report names it). */
export function nodeNames(db: Database): Map<number, string> {
  const rows = db.prepare('SELECT node_id, COALESCE(name, hostname, input) AS name FROM nodes').all() as { node_id: number; name: string | null }[];
  return new Map(rows.map((r) => [r.node_id, r.name ?? `node ${r.node_id}`] as const));
}
