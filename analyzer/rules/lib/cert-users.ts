/**
 * Which running process uses which certificate, from its command line and config files:
 *   kube-apiserver --tls-cert-file, --kubelet-client-certificate, --etcd-certfile, --proxy-client-cert-file
 *   kube-controller-manager / kube-scheduler / kubelet --tls-cert-file (kubelet: also tlsCertFile in its --config)
 *   --kubeconfig / --authentication-kubeconfig / --authorization-kubeconfig / flanneld --kubeconfig-file:
 *       the client certificate of the kubeconfig's current user (a file, or embedded data)
 *   kube-proxy: clientConnection.kubeconfig of its --config file too
 *   flanneld --etcd-certfile, dockerd --tlscert
 * and which of those files changed after the process started (so it still holds the old one).
 *
 * Left out because the process re-reads them by itself: etcd (reloads its certificates on every
 * new connection since v3.2) and the kubelet's own rotated certificates
 * (kubelet-client-current.pem, kubelet-server-current.pem).
 */
import type { Database } from 'better-sqlite3';
import { epoch, loadCertificates, shortTime, type CertRow } from './certs.js';

export interface CertUse {
  node_id: number;
  component: string;
  pid: number;
  /** Process start, ISO UTC. */
  started: string;
  /** How the process names it: `--tls-cert-file=/etc/kubernetes/pki/apiserver.crt`, or `--kubeconfig=/etc/kubernetes/scheduler.conf (users[x].client-certificate-data)`. */
  via: string;
  /** The certificate (the leaf: first of its file or field). */
  cert: CertRow;
}

export interface StaleCertUse extends CertUse {
  /** When the file on disk changed after the process started, ISO UTC. */
  renewedAt: string;
  /** What shows it: the certificate's notBefore, the file's mtime, or both. */
  shownBy: string;
}

const CERT_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'kube-apiserver': ['tls-cert-file', 'kubelet-client-certificate', 'etcd-certfile', 'proxy-client-cert-file'],
  'kube-controller-manager': ['tls-cert-file'],
  'kube-scheduler': ['tls-cert-file'],
  kubelet: ['tls-cert-file'],
  flanneld: ['etcd-certfile'],
  dockerd: ['tlscert'],
};
const KUBECONFIG_FLAGS = new Set(['kubeconfig', 'authentication-kubeconfig', 'authorization-kubeconfig', 'kubeconfig-file']);
/** Components that re-read their certificate files on their own. */
const SELF_RELOADING = new Set(['etcd']);
const KUBELET_ROTATED = /\/kubelet-(client|server)-current\.pem$/;

interface ProcessRow {
  node_id: number;
  component: string;
  pid: number;
  start_time: string;
  config_path: string | null;
}

interface KubeconfigRow {
  path: string;
  user: string | null;
  current: number | null;
  client_certificate: string | null;
  client_cert_data: number | null;
}

/** Every certificate a running component uses, for the given nodes. */
export function certUses(db: Database, nodeIds: readonly number[]): CertUse[] {
  const wanted = new Set(nodeIds);
  const certs = loadCertificates(db, nodeIds);
  const leafByFile = new Map<string, CertRow>();
  const leafByField = new Map<string, CertRow>();
  for (const c of certs) {
    if (c.bundle_index !== 0) continue;
    if (c.source_field === 'file') leafByFile.set(`${c.node_id} ${c.path}`, c);
    else leafByField.set(`${c.node_id} ${c.path} ${c.source_field}`, c);
  }
  const processes = (
    db
      .prepare(
        `SELECT DISTINCT k.node_id, k.component, k.pid, p.start_time, k.config_path FROM kube_components k
           JOIN processes p ON p.node_id = k.node_id AND p.pid = k.pid
          WHERE k.origin = 'process' AND p.start_time IS NOT NULL`,
      )
      .all() as ProcessRow[]
  ).filter((p) => wanted.has(p.node_id) && !SELF_RELOADING.has(p.component));
  const flagsOf = db.prepare(`SELECT flag, value FROM component_flags WHERE node_id = ? AND origin = 'process' AND pid = ? AND value IS NOT NULL`);
  const configValue = db.prepare(`SELECT value_text FROM kube_configs WHERE node_id = ? AND path = ? AND key = ? AND value_text IS NOT NULL LIMIT 1`);
  const kubeconfigOf = db.prepare(
    `SELECT path, user, current, client_certificate, client_cert_data FROM kubeconfigs WHERE node_id = ? AND path = ? ORDER BY current DESC`,
  );

  const out: CertUse[] = [];
  for (const p of processes) {
    const seen = new Set<CertRow>();
    const use = (cert: CertRow | undefined, via: string) => {
      if (!cert || seen.has(cert)) return;
      seen.add(cert);
      out.push({ node_id: p.node_id, component: p.component, pid: p.pid, started: p.start_time, via, cert });
    };
    const viaFile = (path: string, via: string) => {
      if (p.component === 'kubelet' && KUBELET_ROTATED.test(path)) return;
      use(leafByFile.get(`${p.node_id} ${path}`), via);
    };
    const viaKubeconfig = (path: string, via: string) => {
      const rows = kubeconfigOf.all(p.node_id, path) as KubeconfigRow[];
      // the current context's user is the one the process authenticates as
      const user = rows.find((r) => r.current === 1) ?? rows[0];
      if (!user) return;
      if (user.client_certificate) viaFile(user.client_certificate, `${via} (client-certificate: ${user.client_certificate})`);
      else if (user.client_cert_data && user.user) {
        const field = `users[${user.user}].client-certificate-data`;
        use(leafByField.get(`${p.node_id} ${path} ${field}`), `${via} (${field})`);
      }
    };
    const flags = flagsOf.all(p.node_id, p.pid) as { flag: string; value: string }[];
    for (const f of flags) {
      if ((CERT_FLAGS[p.component] ?? []).includes(f.flag)) viaFile(f.value, `--${f.flag}=${f.value}`);
      else if (KUBECONFIG_FLAGS.has(f.flag)) viaKubeconfig(f.value, `--${f.flag}=${f.value}`);
    }
    const config = flags.find((f) => f.flag === 'config')?.value ?? p.config_path;
    if (config && p.component === 'kubelet') {
      const tls = configValue.get(p.node_id, config, 'tlsCertFile') as { value_text: string } | undefined;
      if (tls) viaFile(tls.value_text, `tlsCertFile: ${tls.value_text} (${config})`);
    }
    if (config && p.component === 'kube-proxy') {
      const kc = configValue.get(p.node_id, config, 'clientConnection.kubeconfig') as { value_text: string } | undefined;
      if (kc) viaKubeconfig(kc.value_text, `clientConnection.kubeconfig: ${kc.value_text} (${config})`);
    }
  }
  return out;
}

/**
 * Uses whose file changed after the process started: the certificate's notBefore or the file's
 * mtime is later than the start by more than `graceSeconds` (a process may write its own files
 * while starting, as the kubelet does with its self-signed kubelet.crt).
 */
export function staleCertUses(db: Database, nodeIds: readonly number[], graceSeconds: number): StaleCertUse[] {
  const out: StaleCertUse[] = [];
  for (const u of certUses(db, nodeIds)) {
    const started = epoch(u.started);
    if (started === null) continue;
    const limit = started + graceSeconds * 1000;
    const notBefore = epoch(u.cert.not_before);
    const mtime = epoch(u.cert.mtime);
    const shows: string[] = [];
    // the file was written at its mtime; a certificate is issued at (or just after) its notBefore
    let renewed: number | null = null;
    if (mtime !== null && mtime > limit) {
      shows.push(`file modified ${shortTime(u.cert.mtime)}`);
      renewed = mtime;
    }
    if (notBefore !== null && notBefore > limit) {
      shows.push(`notBefore ${shortTime(u.cert.not_before)}`);
      renewed ??= notBefore;
    }
    if (renewed === null) continue;
    out.push({ ...u, renewedAt: new Date(renewed).toISOString().replace(/\.000Z$/, 'Z'), shownBy: shows.join(', ') });
  }
  return out;
}
