/**
 * cert/not-yet-valid: a certificate whose notBefore is after the collection time. Either the
 * node's clock is behind (then every certificate issued recently looks like this, and TLS with
 * the node fails both ways) or the certificate was issued with a start date in the future.
 * Go prints both cases as "x509: certificate has expired or is not yet valid".
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
} from '../../analyzer/rules/lib/certs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cert/not-yet-valid',
  title: 'A certificate on the node is not valid yet',
  severity: 'high',
  category: 'cert',
  description:
    'A certificate whose notBefore lies after the node\'s current time is refused exactly like an expired one ' +
    '("x509: certificate has expired or is not yet valid: current time ... is before ..."). Usually the node clock is wrong ' +
    '(an RTC reset after a power loss, NTP not running: every recent certificate then looks like this, and the node also rejects ' +
    'its peers\' certificates), sometimes the issuer stamped a start date in the future or in another time zone.',
  remediation:
    'Compare the node clock with a reference and fix time synchronisation first:\n' +
    '  date -u; chronyc tracking   # or: timedatectl status\n' +
    '  systemctl enable --now chronyd && chronyc makestep\n' +
    'If the clock is right, reissue the certificate with a correct start date (openssl x509 -noout -startdate -in <file> shows it) ' +
    'and restart the process that uses it.',
  references: ['https://kubernetes.io/docs/setup/best-practices/certificates/', 'https://chrony-project.org/doc/4.5/chronyc.html'],
  sources: ['certs|kubeconfigs'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

function clockOffsets(ctx: RuleContext): Map<number, number> {
  const rows = ctx.db.prepare('SELECT node_id, clock_offset_seconds FROM nodes WHERE clock_offset_seconds IS NOT NULL').all() as {
    node_id: number;
    clock_offset_seconds: number;
  }[];
  return new Map(rows.map((r) => [r.node_id, r.clock_offset_seconds] as const));
}

export function run(ctx: RuleContext): RuleFinding[] {
  const now = collectionTimes(ctx.db);
  const offsets = clockOffsets(ctx);
  const early = groupByCertificate(loadCertificates(ctx.db, ctx.nodeIds)).filter((g) => {
    const at = now.get(g.node_id);
    const start = epoch(g.cert.not_before);
    return at !== undefined && start !== null && start > at;
  });
  const perNode = new Map<number, number>();
  for (const g of early) perNode.set(g.node_id, (perNode.get(g.node_id) ?? 0) + 1);
  const out: RuleFinding[] = [];
  for (const g of early) {
    const at = now.get(g.node_id)!;
    const c = g.cert;
    const offset = offsets.get(g.node_id);
    const clock = offset !== undefined && Math.abs(offset) >= 60 ? `; the node clock is ${Math.round(Math.abs(offset))} s ${offset < 0 ? 'behind' : 'ahead'}` : '';
    const who = c.subject_cn ? ` (CN=${c.subject_cn})` : '';
    const many = perNode.get(g.node_id)! > 1 ? `; ${perNode.get(g.node_id)} certificates of this node start after its clock: check the clock first` : '';
    out.push({
      node_id: g.node_id,
      resource: certLocation(c),
      message:
        `${certLocation(c)}${who} is not valid before ${shortTime(c.not_before)}, after the node's time at collection ` +
        `(${new Date(at).toISOString().replace(/\.000Z$/, 'Z')})${otherPlaces(g)}${clock}${many}`,
      evidence: groupEvidence(g),
    });
  }
  return out;
}
