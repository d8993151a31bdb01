/**
 * The certificates of each node as the cert/ rules judge them: rows of `certs` with their
 * location, quoted the way `openssl x509 -noout -subject -issuer -dates` prints them, grouped
 * when one certificate sits in several places (a cluster CA is in ca.crt and in every
 * kubeconfig), and the X509Certificate to verify signatures with.
 *
 * Files the kubelet keeps after rotating its own certificates
 * (/var/lib/kubelet/pki/kubelet-client-2025-07-19-11-02-00.pem next to the newer one that
 * kubelet-client-current.pem points to) are history, not certificates in use: `superseded`.
 */
import { X509Certificate } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface CertRow {
  node_id: number;
  member: string | null;
  path: string;
  source_field: string;
  bundle_index: number;
  subject: string | null;
  subject_cn: string | null;
  issuer: string | null;
  issuer_cn: string | null;
  serial: string | null;
  not_before: string | null;
  not_after: string | null;
  sans: string | null;
  key_type: string | null;
  key_bits: number | null;
  signature_algorithm: string | null;
  signature_hash: string | null;
  is_ca: number | null;
  fingerprint_sha256: string | null;
  subject_key_id: string | null;
  authority_key_id: string | null;
  der_base64: string | null;
  /** File modification time on the node (files.mtime of the member), when the manifest has it. */
  mtime: string | null;
}

/** Every certificate of the given nodes, files before kubeconfig fields, in path order. */
export function loadCertificates(db: Database, nodeIds: readonly number[]): CertRow[] {
  const wanted = new Set(nodeIds);
  const rows = db
    .prepare(
      `SELECT c.node_id, c.member, c.path, c.source_field, c.bundle_index, c.subject, c.subject_cn, c.issuer, c.issuer_cn, c.serial,
              c.not_before, c.not_after, c.sans, c.key_type, c.key_bits, c.signature_algorithm, c.signature_hash, c.is_ca,
              c.fingerprint_sha256, c.subject_key_id, c.authority_key_id, c.der_base64,
              (SELECT f.mtime FROM files f WHERE f.node_id = c.node_id AND f.member = c.member LIMIT 1) AS mtime
         FROM certs c
        ORDER BY c.node_id, c.source_field <> 'file', c.path, c.source_field, c.bundle_index`,
    )
    .all() as CertRow[];
  return rows.filter((r) => wanted.has(r.node_id));
}

/** When each node was collected (its "now"), as epoch milliseconds. */
export function collectionTimes(db: Database): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of db.prepare('SELECT node_id, collected_at FROM nodes').all() as { node_id: number; collected_at: string | null }[]) {
    const t = r.collected_at ? Date.parse(r.collected_at) : NaN;
    if (!Number.isNaN(t)) out.set(r.node_id, t);
  }
  return out;
}

export const DAY_MS = 86_400_000;

/** Epoch milliseconds of an ISO time, or null. */
export function epoch(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** '2026-11-02T06:00:00.000Z' -> '2026-11-02T06:00:00Z' (what engineers read in openssl/kubeadm output). */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '?';
  return iso.replace(/\.000Z$/, 'Z');
}

/** Where a certificate is: the file, plus the kubeconfig field or bundle position when there is one. */
export function certLocation(c: Pick<CertRow, 'path' | 'source_field' | 'bundle_index'>): string {
  const field = c.source_field === 'file' ? '' : ` ${c.source_field}`;
  const index = c.bundle_index > 0 ? ` (certificate #${c.bundle_index + 1} of the bundle)` : '';
  return `${c.path}${field}${index}`;
}

/** The certificate as openssl prints its identity and validity. */
export function certEvidence(c: CertRow): string {
  const lines = [
    certLocation(c),
    `  subject=${c.subject ?? ''}`,
    `  issuer=${c.issuer ?? ''}`,
    `  notBefore=${shortTime(c.not_before)}`,
    `  notAfter=${shortTime(c.not_after)}`,
  ];
  if (c.serial) lines.push(`  serial=${c.serial}`);
  if (c.fingerprint_sha256) lines.push(`  sha256 Fingerprint=${c.fingerprint_sha256}`);
  return lines.join('\n');
}

/** Whole days between two instants, rounded toward zero. */
export function wholeDays(ms: number): number {
  return Math.trunc(ms / DAY_MS);
}

const ROTATED_KUBELET_FILE = /^(.*\/)kubelet-(client|server)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.pem$/;

/**
 * Old rotation files of the kubelet: a dated kubelet-client-/kubelet-server- file when the same
 * directory holds a newer certificate of the same kind. The kubelet never reads them again.
 */
export function supersededRotations(certs: readonly CertRow[]): Set<CertRow> {
  const latest = new Map<string, number>();
  const keyOf = (c: CertRow): string | null => {
    const m = /^(.*\/)kubelet-(client|server)-/.exec(c.path);
    return m && c.source_field === 'file' ? `${c.node_id} ${m[1]} ${m[2]}` : null;
  };
  for (const c of certs) {
    const key = keyOf(c);
    const end = epoch(c.not_after);
    if (key && end !== null) latest.set(key, Math.max(latest.get(key) ?? -Infinity, end));
  }
  const out = new Set<CertRow>();
  for (const c of certs) {
    if (!ROTATED_KUBELET_FILE.test(c.path)) continue;
    const end = epoch(c.not_after);
    const newest = latest.get(keyOf(c) ?? '');
    if (end !== null && newest !== undefined && newest > end) out.add(c);
  }
  return out;
}

/** One certificate of one node and every place it was found (the first is the one to name). */
export interface CertGroup {
  node_id: number;
  cert: CertRow;
  places: CertRow[];
}

/** Groups rows by node and fingerprint, keeping the order of `certs` (files first). */
export function groupByCertificate(certs: readonly CertRow[]): CertGroup[] {
  const groups = new Map<string, CertGroup>();
  for (const c of certs) {
    const key = `${c.node_id} ${c.fingerprint_sha256 ?? `${c.path} ${c.source_field} ${c.bundle_index}`}`;
    const g = groups.get(key);
    if (g) g.places.push(c);
    else groups.set(key, { node_id: c.node_id, cert: c, places: [c] });
  }
  return [...groups.values()];
}

/** ' (also in /etc/kubernetes/admin.conf clusters[kubernetes].certificate-authority-data and 2 more)' or ''. */
export function otherPlaces(g: CertGroup): string {
  const rest = g.places.slice(1).map(certLocation);
  if (rest.length === 0) return '';
  return rest.length <= 2 ? ` (also in ${rest.join(' and ')})` : ` (also in ${rest[0]} and ${rest.length - 1} more places)`;
}

/** Evidence for a group: the certificate, then the other places it is in. */
export function groupEvidence(g: CertGroup): string {
  const rest = g.places.slice(1).map((c) => `  also in ${certLocation(c)}`);
  return [certEvidence(g.cert), ...rest].join('\n');
}

const parsed = new WeakMap<CertRow, X509Certificate | null>();

/** The certificate for node:crypto, or null when its DER is missing or unreadable. */
export function x509(c: CertRow): X509Certificate | null {
  if (parsed.has(c)) return parsed.get(c)!;
  let cert: X509Certificate | null = null;
  try {
    cert = c.der_base64 ? new X509Certificate(Buffer.from(c.der_base64, 'base64')) : null;
  } catch {
    cert = null;
  }
  parsed.set(c, cert);
  return cert;
}

/** True when `issuer`'s key verifies `c`'s signature (key usage is not checked: only the signature matters here). */
export function signedBy(c: CertRow, issuer: CertRow): boolean {
  const cert = x509(c);
  const ca = x509(issuer);
  if (!cert || !ca) return false;
  try {
    return cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/**
 * Issued by itself: subject equals issuer and its own key verifies the signature. Checked here
 * rather than read from certs.self_signed, which also requires key usage keyCertSign and so says 0
 * for the kubelet's self-signed serving certificate (CA:FALSE, no keyCertSign).
 */
export function selfSigned(c: CertRow): boolean {
  return c.subject !== null && c.subject === c.issuer && signedBy(c, c);
}
