/**
 * A kubeconfig (kind: Config) into `kubeconfigs` rows, one per context, and its embedded
 * certificates into `certs` (source_field names the field, e.g. users[kubelet].client-certificate-data).
 * The collector has replaced client-key-data and tokens by `<REDACTED>`.
 *
 *   apiVersion: v1
 *   kind: Config
 *   clusters:
 *   - cluster:
 *       certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM1...
 *       server: https://192.168.3.113:6443
 *     name: kubernetes
 *   contexts:
 *   - context: {cluster: kubernetes, user: system:node:k8s-node01}
 *     name: system:node:k8s-node01@kubernetes
 *   current-context: system:node:k8s-node01@kubernetes
 *   users:
 *   - name: system:node:k8s-node01
 *     user:
 *       client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
 *       client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
 */
import { addCertificates } from './cert-file.js';
import { isRedacted } from './container-env.js';
import { arr, isRecord, nonEmpty, obj, str, type RowSink } from './rows.js';

interface Named {
  name: string;
  body: Record<string, unknown>;
}

function namedList(doc: Record<string, unknown>, list: string, field: string): Named[] {
  return arr(doc[list])
    .filter(isRecord)
    .map((entry) => ({ name: str(entry.name) ?? '', body: obj(entry, field) }));
}

/** How a kubeconfig user authenticates. */
export function authOf(user: Record<string, unknown> | undefined): string {
  if (!user) return 'none';
  if (user['client-certificate-data'] !== undefined || user['client-certificate'] !== undefined) return 'client-cert';
  if (user.token !== undefined || user.tokenFile !== undefined) return 'token';
  if (user.exec !== undefined) return 'exec';
  if (user['auth-provider'] !== undefined) return 'auth-provider';
  if (user.username !== undefined || user.password !== undefined) return 'basic';
  return 'none';
}

function addEmbedded(sink: RowSink, member: string, path: string, field: string, data: unknown): void {
  if (typeof data !== 'string' || data === '' || isRedacted(data)) return;
  const bytes = Buffer.from(data.replace(/\s+/g, ''), 'base64');
  addCertificates(sink, bytes, { member, path, source_field: field });
}

export function addKubeconfig(sink: RowSink, member: string, path: string, doc: Record<string, unknown>): void {
  const clusters = namedList(doc, 'clusters', 'cluster');
  const users = namedList(doc, 'users', 'user');
  const contexts = namedList(doc, 'contexts', 'context');
  const current = nonEmpty(doc['current-context']);
  const clusterByName = new Map(clusters.map((c) => [c.name, c.body]));
  const userByName = new Map(users.map((u) => [u.name, u.body]));

  const row = (context: string | null, clusterName: string | null, userName: string | null, namespace: string | null) => {
    const cluster = clusterName === null ? undefined : clusterByName.get(clusterName);
    const user = userName === null ? undefined : userByName.get(userName);
    sink.add('kubeconfigs', {
      path,
      context,
      current: context !== null && context === current ? 1 : 0,
      cluster: clusterName,
      server: cluster ? nonEmpty(cluster.server) : null,
      namespace,
      user: userName,
      auth: authOf(user),
      insecure_skip_tls_verify: cluster ? (cluster['insecure-skip-tls-verify'] === true ? 1 : 0) : null,
      certificate_authority: cluster ? nonEmpty(cluster['certificate-authority']) : null,
      ca_data: cluster ? (typeof cluster['certificate-authority-data'] === 'string' ? 1 : 0) : null,
      client_certificate: user ? nonEmpty(user['client-certificate']) : null,
      client_cert_data: user ? (typeof user['client-certificate-data'] === 'string' ? 1 : 0) : null,
    });
  };

  if (contexts.length > 0) {
    for (const c of contexts) row(c.name, nonEmpty(c.body.cluster), nonEmpty(c.body.user), nonEmpty(c.body.namespace));
  } else {
    // a kubeconfig without contexts still says where it points and who it is
    for (const c of clusters) row(null, c.name, null, null);
    for (const u of users) row(null, null, u.name, null);
  }
  for (const c of clusters) addEmbedded(sink, member, path, `clusters[${c.name}].certificate-authority-data`, c.body['certificate-authority-data']);
  for (const u of users) addEmbedded(sink, member, path, `users[${u.name}].client-certificate-data`, u.body['client-certificate-data']);
}
