/**
 * cert/renewed-not-reloaded: a certificate file (or the kubeconfig embedding it) changed after
 * the process using it started, so the process still presents the certificate it loaded at
 * start: `kubeadm certs renew` without restarting the control plane, a cron job replacing
 * files under a running daemon. Incident 004: every certificate on disk was valid, the
 * apiserver kept failing with "certificate has expired", and a restart fixed it.
 *
 * The mapping of processes to files is analyzer/rules/lib/cert-users.ts (etcd and the kubelet's
 * own rotation reload by themselves and are left out).
 */
import { certEvidence, certLocation, shortTime } from '../../analyzer/rules/lib/certs.js';
import { staleCertUses } from '../../analyzer/rules/lib/cert-users.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cert/renewed-not-reloaded',
  title: 'A certificate was renewed on disk after the process using it started',
  severity: 'high',
  category: 'cert',
  description:
    'Most Kubernetes components read their certificates and kubeconfigs once, when they start. Renewing the files ' +
    '(kubeadm certs renew, a cert-manager or cron job) does nothing for a running kube-controller-manager, kube-scheduler, ' +
    'kube-proxy or flanneld, nor for the client certificates of an older kube-apiserver: they keep presenting the certificate ' +
    'they loaded, which expires on its old date while every file on disk looks valid — the most confusing form of ' +
    '"x509: certificate has expired" (incident 004, fixed by a restart). kubeadm documents that the control plane must be restarted after ' +
    'a renewal. The rule compares the certificate\'s notBefore and the file\'s modification time with the start time of each process ' +
    'that names the file in its flags or kubeconfig; etcd and the kubelet\'s self-rotated certificates reload on their own and are not reported.',
  remediation:
    'Restart the process so it loads the renewed files. Static pods (kubeadm control plane):\n' +
    '  mv /etc/kubernetes/manifests/kube-apiserver.yaml /tmp/ && sleep 20 && mv /tmp/kube-apiserver.yaml /etc/kubernetes/manifests/\n' +
    '  (or: crictl pods --name kube-apiserver -q | xargs crictl stopp; the kubelet recreates it)\n' +
    'systemd services: systemctl restart kube-proxy (flanneld, kubelet, docker ...). DaemonSet pods: kubectl -n kube-system delete pod <pod>.\n' +
    'Then check what the server presents: openssl s_client -connect 127.0.0.1:6443 </dev/null 2>/dev/null | openssl x509 -noout -dates',
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#manual-certificate-renewal',
  ],
  sources: ['certs|kubeconfigs', 'ps'],
  parameters: {
    grace_seconds: { default: 300, description: 'changes within this many seconds after the process started are its own start-up writes, not a renewal' },
  },
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  return staleCertUses(ctx.db, ctx.nodeIds, Number(ctx.params.grace_seconds)).map((u) => ({
    node_id: u.node_id,
    resource: certLocation(u.cert),
    message:
      `${certLocation(u.cert)} was renewed on ${u.renewedAt} (${u.shownBy}), after ${u.component} (pid ${u.pid}, ${u.via.split(/[=:]/)[0]}) started on ` +
      `${shortTime(u.started)}: the process still uses the certificate it loaded at start; restart it`,
    evidence: `${u.component} pid ${u.pid} started ${shortTime(u.started)} (ps)\n${u.component} ${u.via}\n${certEvidence(u.cert)}\n  file mtime=${shortTime(u.cert.mtime)}`,
  }));
}
