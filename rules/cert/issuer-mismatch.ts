/**
 * cert/issuer-mismatch: a certificate that the CA it names as issuer, present on the node, did
 * not sign (the CA was regenerated after the certificate was issued, or the certificate was
 * copied from another cluster); or a certificate of the cluster's own PKI whose issuing CA is
 * nowhere on the node (no file, no kubeconfig certificate-authority-data). Peers verifying with
 * that CA answer "x509: certificate signed by unknown authority". The check is the one incident
 * 001 does by hand: the issuer's public key must verify the certificate's signature.
 *
 * Only the cluster PKI is judged for a missing issuer: kubeadm's kubernetes, etcd-ca and
 * front-proxy-ca, k3s/RKE CAs, the kubelet's own "<host>-ca@<time>" CA. Certificates of public
 * or registry PKIs (/etc/docker/certs.d) legitimately chain to CAs kept elsewhere.
 */
import {
  certEvidence,
  certLocation,
  groupByCertificate,
  loadCertificates,
  otherPlaces,
  selfSigned,
  signedBy,
  supersededRotations,
  type CertGroup,
} from '../../analyzer/rules/lib/certs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cert/issuer-mismatch',
  title: "A certificate was not signed by the node's CA of that name, or its CA is missing",
  severity: 'high',
  category: 'cert',
  description:
    'Every certificate of a cluster chains to one of its CAs (kubernetes, etcd-ca, front-proxy-ca in kubeadm). When the CA named ' +
    'as issuer is on the node but its key does not verify the certificate\'s signature, the CA was regenerated (kubeadm init run again, ' +
    'a restored /etc/kubernetes/pki) or the certificate was copied from another cluster: every peer that trusts the current CA rejects ' +
    'it with "x509: certificate signed by unknown authority", and the certificate looks perfectly valid by its dates. ' +
    'A cluster certificate whose CA is nowhere on the node (no CA file, no certificate-authority-data) cannot be verified by the components of this node either.',
  remediation:
    'Compare the certificate\'s issuer key id with the CA\'s subject key id:\n' +
    '  openssl x509 -noout -issuer -ext authorityKeyIdentifier -in <cert>\n' +
    '  openssl x509 -noout -subject -ext subjectKeyIdentifier -in <ca.crt>\n' +
    '  openssl verify -CAfile <ca.crt> <cert>\n' +
    'Then reissue the certificate from the CA the cluster uses now (kubeadm certs renew <name>, or kubeadm join again for a node ' +
    'whose kubelet certificate comes from an old CA), or restore the CA that signed it, and restart the component using it.',
  references: [
    'https://kubernetes.io/docs/setup/best-practices/certificates/',
    'https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/',
  ],
  sources: ['certs|kubeconfigs'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

/** Issuer CNs of the cluster's own PKI: their CA must be on a node that holds their certificates. */
const CLUSTER_CA_NAME = /^(kubernetes|kubernetes-ca|kube-ca|etcd-ca|front-proxy-ca|[a-z0-9-]+-ca@\d+|(k3s|rke2)-[a-z-]+-ca@?\d*)$/i;

function judgedWithoutIssuer(g: CertGroup): boolean {
  const c = g.cert;
  return c.issuer_cn !== null && CLUSTER_CA_NAME.test(c.issuer_cn) && g.places.every((p) => !p.path.startsWith('/etc/docker/'));
}

export function run(ctx: RuleContext): RuleFinding[] {
  const certs = loadCertificates(ctx.db, ctx.nodeIds);
  const superseded = supersededRotations(certs);
  const groups = groupByCertificate(certs.filter((c) => !superseded.has(c)));
  const bySubject = new Map<string, CertGroup[]>();
  for (const g of groups) {
    if (g.cert.subject === null) continue;
    const key = `${g.node_id} ${g.cert.subject}`;
    const list = bySubject.get(key);
    if (list) list.push(g);
    else bySubject.set(key, [g]);
  }
  const out: RuleFinding[] = [];
  for (const g of groups) {
    const c = g.cert;
    if (c.issuer === null || c.der_base64 === null || selfSigned(c)) continue;
    const candidates = (bySubject.get(`${g.node_id} ${c.issuer}`) ?? []).filter((ca) => ca !== g);
    const who = c.subject_cn ? ` (CN=${c.subject_cn})` : '';
    if (candidates.length > 0) {
      if (candidates.some((ca) => signedBy(c, ca.cert))) continue;
      const ca = candidates[0]!.cert;
      const keyIds =
        c.authority_key_id || ca.subject_key_id
          ? `\n  authority key id of the certificate: ${c.authority_key_id ?? 'none'}\n  subject key id of the CA: ${ca.subject_key_id ?? 'none'}`
          : '';
      out.push({
        node_id: g.node_id,
        resource: certLocation(c),
        message:
          `${certLocation(c)}${who} names ${c.issuer} as issuer, but the key of that CA on the node (${certLocation(ca)}` +
          `${candidates.length > 1 ? ` and ${candidates.length - 1} other` : ''}) does not verify its signature: ` +
          `it was signed by another CA of the same name (a regenerated CA, or another cluster's)${otherPlaces(g)}`,
        evidence: `${certEvidence(c)}${keyIds}\nCA on the node:\n${candidates.map((x) => certEvidence(x.cert)).join('\n')}`,
      });
      continue;
    }
    if (!judgedWithoutIssuer(g)) continue;
    out.push({
      node_id: g.node_id,
      resource: certLocation(c),
      message:
        `${certLocation(c)}${who} was issued by ${c.issuer}, but no CA certificate of that name is on the node ` +
        `(no collected CA file or kubeconfig certificate-authority-data): nothing on this node can verify it${otherPlaces(g)}`,
      evidence: `${certEvidence(c)}${c.authority_key_id ? `\n  authority key id: ${c.authority_key_id}` : ''}`,
    });
  }
  return out;
}
