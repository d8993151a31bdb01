/**
 * Which nodes of a batch belong to the same Kubernetes cluster, for fleet rules that compare
 * one node with its peers (pod subnets, pod IPs). A fleet audit often mixes clusters that all
 * use the default pod network 10.244.0.0/16, so "another node" must mean "another node of this
 * cluster" or every pair of clusters would look broken.
 *
 * Evidence, strongest first:
 *   - the cluster CA: the certificate-authority-data of the node's kubeconfigs and
 *     /etc/kubernetes/pki/ca.crt (same CA fingerprint = same cluster);
 *   - the API server endpoints its kubeconfigs name (loopback endpoints, such as the local
 *     nginx proxy of kubespray workers, say nothing).
 * A node without either is compatible with every node: the rule then decides on what else
 * it knows (its pod network), rather than staying silent.
 */
import type { Database } from 'better-sqlite3';

export interface ClusterMembership {
  /** Same cluster, or nothing says otherwise (a node without identity evidence matches any). */
  sameCluster(a: number, b: number): boolean;
  /** Same cluster by evidence (shared CA or API endpoint); false when either node has none. */
  provenSameCluster(a: number, b: number): boolean;
}

function addTo(map: Map<number, Set<string>>, node: number, value: string): void {
  let set = map.get(node);
  if (!set) map.set(node, (set = new Set()));
  set.add(value);
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const v of a) if (b.has(v)) return true;
  return false;
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

export function clusterMembership(db: Database): ClusterMembership {
  const cas = new Map<number, Set<string>>();
  const caRows = db
    .prepare(
      `SELECT node_id, fingerprint_sha256 AS fp FROM certs
        WHERE is_ca = 1 AND fingerprint_sha256 IS NOT NULL
          AND (source_field LIKE 'clusters[%].certificate-authority-data' OR path = '/etc/kubernetes/pki/ca.crt')`,
    )
    .all() as { node_id: number; fp: string }[];
  for (const r of caRows) addTo(cas, r.node_id, r.fp);

  const apis = new Map<number, Set<string>>();
  const serverRows = db.prepare('SELECT node_id, server FROM kubeconfigs WHERE server IS NOT NULL').all() as { node_id: number; server: string }[];
  for (const r of serverRows) {
    const endpoint = apiEndpoint(r.server);
    if (endpoint) addTo(apis, r.node_id, endpoint);
  }

  /** true/false when the evidence decides, null when either node lacks it. */
  const decide = (a: number, b: number): boolean | null => {
    if (a === b) return true;
    const caA = cas.get(a);
    const caB = cas.get(b);
    if (caA && caB) return intersects(caA, caB);
    const apiA = apis.get(a);
    const apiB = apis.get(b);
    if (apiA && apiB) return intersects(apiA, apiB);
    return null;
  };
  return {
    sameCluster: (a, b) => decide(a, b) ?? true,
    provenSameCluster: (a, b) => decide(a, b) ?? false,
  };
}

/** Display name of every node of the batch (as the report names it). */
export function nodeNames(db: Database): Map<number, string> {
  const rows = db.prepare('SELECT node_id, COALESCE(name, hostname, input) AS name FROM nodes').all() as { node_id: number; name: string | null }[];
  return new Map(rows.map((r) => [r.node_id, r.name ?? `node ${r.node_id}`] as const));
}
