/**
 * cert/expiring-soon: a certificate in use on the node expires within the window: high within
 * 30 days, medium within 90 (parameters). Expired ones are cert/expired's.
 *
 * Certificates meant to live briefly (90-day ACME, hour-long workload certificates) are renewed
 * by their tooling close to the end, so being within 90 days says nothing about them: a
 * certificate whose whole validity is shorter than twice the medium window fires only once less
 * than a third of its life is left.
 */
import {
  certLocation,
  collectionTimes,
  DAY_MS,
  epoch,
  groupByCertificate,
  groupEvidence,
  loadCertificates,
  otherPlaces,
  shortTime,
  supersededRotations,
  wholeDays,
} from '../../analyzer/rules/lib/certs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cert/expiring-soon',
  title: 'A certificate on the node expires soon',
  severity: 'high',
  category: 'cert',
  description:
    'A certificate that expires within weeks takes its component down on that day unless it is renewed and the component restarted ' +
    '(incident 004: the control plane stopped when its one-year kubeadm certificates ran out). Severity high within 30 days, ' +
    'medium within 90. Short-lived certificates that automation renews near their end (whole validity under twice the 90-day window) ' +
    'are only reported once less than a third of their life is left, which means their renewal is late.',
  remediation:
    'See what expires when, renew, and restart what uses the files:\n' +
    '  kubeadm certs check-expiration\n' +
    '  kubeadm certs renew all        # or: kubeadm certs renew <name>\n' +
    '  then restart kube-apiserver, kube-controller-manager, kube-scheduler and etcd (static pods: move their manifests out of /etc/kubernetes/manifests and back)\n' +
    '  openssl x509 -noout -enddate -in <file>      # for certificates kubeadm does not manage\n' +
    'Upgrading the control plane with kubeadm also renews them. Kubelet client certificates renew themselves with rotateCertificates: true.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/', 'https://kubernetes.io/docs/tasks/tls/certificate-rotation/'],
  sources: ['certs|kubeconfigs'],
  parameters: {
    high_days: { default: 30, description: 'days left at or below which the finding is high' },
    medium_days: { default: 90, description: 'days left at or below which the rule fires (medium)' },
  },
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  const highDays = Number(ctx.params.high_days);
  const mediumDays = Number(ctx.params.medium_days);
  const now = collectionTimes(ctx.db);
  const certs = loadCertificates(ctx.db, ctx.nodeIds);
  const superseded = supersededRotations(certs);
  const out: RuleFinding[] = [];
  for (const g of groupByCertificate(certs.filter((c) => !superseded.has(c)))) {
    const at = now.get(g.node_id);
    const start = epoch(g.cert.not_before);
    const end = epoch(g.cert.not_after);
    if (at === undefined || end === null || end < at) continue;
    const left = end - at;
    if (left > mediumDays * DAY_MS) continue;
    const lifetime = start !== null ? end - start : null;
    if (lifetime !== null && lifetime < 2 * mediumDays * DAY_MS && left >= lifetime / 3) continue;
    const days = wholeDays(left);
    const c = g.cert;
    const who = c.subject_cn ? ` (CN=${c.subject_cn})` : '';
    out.push({
      node_id: g.node_id,
      resource: certLocation(c),
      message:
        `${certLocation(c)}${who} expires in ${days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`}: ` +
        `notAfter ${shortTime(c.not_after)}${otherPlaces(g)}`,
      evidence: groupEvidence(g),
      severity: left <= highDays * DAY_MS ? 'high' : 'medium',
    });
  }
  return out;
}
