/**
 * cert/weak: an RSA key under 2048 bits, or a signature made with SHA-1 or MD5. The signature of
 * a self-signed root is not checked by anyone (the root is trusted as it is), so a SHA-1
 * self-signature alone is not reported; its key size still is.
 */
import {
  certLocation,
  groupByCertificate,
  groupEvidence,
  loadCertificates,
  otherPlaces,
  selfSigned,
  supersededRotations,
} from '../../analyzer/rules/lib/certs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cert/weak',
  title: 'A certificate uses a weak key or signature',
  severity: 'medium',
  category: 'cert',
  description:
    'RSA keys under 2048 bits can be factored with affordable effort, and SHA-1/MD5 signatures can be forged by collision. ' +
    'Beyond the risk, modern clients refuse them: Go 1.18 and later (Kubernetes 1.24+, recent etcd, containerd, Docker) reject ' +
    'certificates signed with SHA-1 ("x509: certificate signed using SHA1-RSA is insecure"), and OpenSSL 3 at its default security ' +
    'level rejects RSA-1024 and SHA-1. Old hand-made cluster PKIs (openssl/cfssl scripts from the Kubernetes 1.x era) break on upgrade this way.',
  remediation:
    'Reissue the certificate with an RSA key of at least 2048 bits (or ECDSA P-256) signed with SHA-256, e.g.\n' +
    '  openssl req -new -newkey rsa:2048 -nodes -keyout new.key -out new.csr -subj "/CN=<cn>"\n' +
    '  openssl x509 -req -sha256 -days 365 -in new.csr -CA ca.crt -CAkey ca.key -CAcreateserial -extfile san.ext -out new.crt\n' +
    'kubeadm clusters: kubeadm certs renew <name> issues RSA-2048/SHA-256 certificates. A weak CA means reissuing the CA and everything it signed.',
  references: ['https://go.dev/doc/go1.18#sha1', 'https://kubernetes.io/docs/tasks/administer-cluster/certificates/'],
  sources: ['certs|kubeconfigs'],
  parameters: {
    min_rsa_bits: { default: 2048, description: 'smallest acceptable RSA modulus in bits' },
  },
} satisfies Omit<RuleMeta, 'file'>;

const WEAK_HASHES = new Set(['md5', 'sha1', 'md2', 'md4']);

export function run(ctx: RuleContext): RuleFinding[] {
  const minBits = Number(ctx.params.min_rsa_bits);
  const certs = loadCertificates(ctx.db, ctx.nodeIds);
  const superseded = supersededRotations(certs);
  const out: RuleFinding[] = [];
  for (const g of groupByCertificate(certs.filter((c) => !superseded.has(c)))) {
    const c = g.cert;
    const problems: string[] = [];
    if ((c.key_type === 'rsa' || c.key_type === 'rsa-pss') && c.key_bits !== null && c.key_bits < minBits) {
      problems.push(`an RSA key of ${c.key_bits} bits (under ${minBits})`);
    }
    if (c.signature_hash && WEAK_HASHES.has(c.signature_hash) && !selfSigned(c)) {
      problems.push(`a ${c.signature_hash.toUpperCase()} signature (${c.signature_algorithm})`);
    }
    if (!problems.length) continue;
    const who = c.subject_cn ? ` (CN=${c.subject_cn})` : '';
    out.push({
      node_id: g.node_id,
      resource: certLocation(c),
      message: `${certLocation(c)}${who} has ${problems.join(' and ')}${otherPlaces(g)}`,
      evidence: `${groupEvidence(g)}\n  Public-Key: ${c.key_type ?? '?'} ${c.key_bits ?? '?'} bit\n  Signature Algorithm: ${c.signature_algorithm ?? '?'}`,
    });
  }
  return out;
}
