/**
 * cert/expired: a certificate on the node (a file, or data embedded in a kubeconfig) whose
 * notAfter is before the collection time. Every TLS peer rejects it with "x509: certificate has
 * expired or is not yet valid": the component serving or presenting it is cut off (incident 004).
 *
 * Left out: the kubelet's old rotation files (superseded by a newer certificate beside them).
 * An expired CA kept in a bundle next to a valid CA (the usual state after a CA rotation) breaks
 * nothing by itself: it is reported as low.
 */
import {
  certLocation,
  collectionTimes,
  epoch,
  groupByCertificate,
  groupEvidence,
  loadCertificates,
  otherPlaces,
  shortTime,
  supersededRotations,
  wholeDays,
  type CertGroup,
  type CertRow,
} from '../../analyzer/rules/lib/certs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cert/expired',
  title: 'A certificate on the node has expired',
  severity: 'critical',
  category: 'cert',
  description:
    'A certificate whose notAfter is in the past is refused by every TLS peer ("x509: certificate has expired or is not yet valid"). ' +
    'kubeadm issues the apiserver, etcd, front-proxy and kubeconfig client certificates for one year: a cluster that was not upgraded ' +
    'or renewed within the year loses its control plane on the anniversary, component by component — the kubelet cannot update its node, ' +
    'the apiserver cannot reach etcd or aggregated APIs, kubectl is refused. The rule checks every certificate file collected and every ' +
    'certificate embedded in a kubeconfig against the collection time; old files the kubelet keeps after rotating its own certificate are ignored.',
  remediation:
    'On a kubeadm control-plane node, check and renew, then restart the control-plane components so they load the new files:\n' +
    '  kubeadm certs check-expiration\n' +
    '  kubeadm certs renew all\n' +
    '  crictl pods --name "kube-apiserver|kube-controller-manager|kube-scheduler|etcd" -q | xargs crictl stopp   # or move the manifests out of /etc/kubernetes/manifests and back\n' +
    '  cp /etc/kubernetes/admin.conf ~/.kube/config\n' +
    'For other certificates, reissue them from their CA (openssl x509 -noout -dates -in <file> shows the validity) and restart the process that uses them. ' +
    'An expired kubelet client certificate: enable rotateCertificates, or delete /var/lib/kubelet/pki/kubelet-client-current.pem and rejoin with a bootstrap token.',
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/',
    'https://kubernetes.io/docs/setup/best-practices/certificates/',
    'https://kubernetes.io/docs/tasks/tls/certificate-rotation/',
  ],
  sources: ['certs|kubeconfigs'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

/** True when the bundle (same file or field) holds another CA that is valid at `now`. */
function hasValidSiblingCa(c: CertRow, all: readonly CertRow[], now: number): boolean {
  return all.some((o) => {
    if (o === c || o.node_id !== c.node_id || o.path !== c.path || o.source_field !== c.source_field || !o.is_ca) return false;
    if (o.fingerprint_sha256 === c.fingerprint_sha256) return false;
    const from = epoch(o.not_before);
    const to = epoch(o.not_after);
    return from !== null && to !== null && from <= now && now <= to;
  });
}

function finding(g: CertGroup, now: number, all: readonly CertRow[]): RuleFinding {
  const c = g.cert;
  const ago = wholeDays(now - epoch(c.not_after)!);
  const when = ago >= 1 ? `${ago} day${ago === 1 ? '' : 's'} ago` : 'less than a day ago';
  const who = c.subject_cn ? ` (CN=${c.subject_cn})` : '';
  // every copy sits beside a valid CA: a leftover of a CA rotation
  if (c.is_ca && g.places.every((p) => hasValidSiblingCa(p, all, now))) {
    return {
      node_id: g.node_id,
      resource: certLocation(c),
      message:
        `The CA certificate${who} in ${certLocation(c)} expired ${when} (${shortTime(c.not_after)})${otherPlaces(g)}; ` +
        'the bundle also holds a valid CA, so verification still works: remove the expired one when the CA rotation is over',
      evidence: groupEvidence(g),
      severity: 'low',
    };
  }
  return {
    node_id: g.node_id,
    resource: certLocation(c),
    message: `${certLocation(c)}${who} expired ${when}: notAfter ${shortTime(c.not_after)}${otherPlaces(g)}; TLS peers refuse it`,
    evidence: groupEvidence(g),
  };
}

export function run(ctx: RuleContext): RuleFinding[] {
  const now = collectionTimes(ctx.db);
  const certs = loadCertificates(ctx.db, ctx.nodeIds);
  const superseded = supersededRotations(certs);
  const current = certs.filter((c) => !superseded.has(c));
  const out: RuleFinding[] = [];
  for (const g of groupByCertificate(current)) {
    const at = now.get(g.node_id);
    const end = epoch(g.cert.not_after);
    if (at === undefined || end === null || end >= at) continue;
    out.push(finding(g, at, current));
  }
  return out;
}
