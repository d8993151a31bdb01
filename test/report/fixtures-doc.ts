/**
 * A small analysis document written by hand (no database): two nodes, hostile text in every
 * field that comes from a snapshot, a suppressed finding, a skipped rule, a rule error and a
 * collection error. For the writer tests.
 */
import type { AnalysisDocument } from '../../analyzer/rules/report-json.js';
import type { RuleMeta } from '../../analyzer/rules/types.js';
import { meta, NOW } from './support.js';

export const EVIL = '<img src=x onerror=alert(1)>`|*_[x](javascript:alert(2))</script><script>alert(3)</script>&amp;';

export function handDocument(): { document: AnalysisDocument; rules: RuleMeta[] } {
  const rules = [
    meta('kernel/one', 'high', ['sysctl']),
    meta('runtime/two', 'medium', ['docker-inspect'], { references: ['javascript:alert(1)', 'https://example.invalid/a"b'] }),
    meta('cert/three', 'critical', ['certs']),
  ];
  const node = (id: number, name: string) => ({ node_id: id, name, hostname: name, input: `in/${name}.tar.gz`, status: 'ok', collected_at: '2026-11-20T08:15:03Z', kernel: '5.15.0', os: EVIL, docker_version: null, kubelet_version: null, kube_proxy_mode: null, label: 'audit', case_id: 'CASE-1' });
  const f = (rule: RuleMeta, nodeId: number, nodeName: string, resource: string, extra: Partial<AnalysisDocument['findings'][number]> = {}) => ({
    rule: rule.id,
    severity: rule.severity,
    category: rule.category,
    title: rule.title,
    node: nodeName,
    node_id: nodeId,
    resource,
    message: `message about ${resource}`,
    evidence: `evidence line 1 ${resource}\n  evidence line 2\u0007 with a bell`,
    suppressed: false,
    suppression_reason: null,
    ...extra,
  });
  const [one, two, three] = rules as [RuleMeta, RuleMeta, RuleMeta];
  const findings = [
    f(three, 1, EVIL, `/etc/kubernetes/pki/${EVIL}.crt`),
    f(one, 1, EVIL, 'net.ipv4.ip_forward'),
    f(one, 2, 'node-b', 'net.ipv4.ip_forward', { suppressed: true, suppression_reason: `accepted: ${EVIL}` }),
    f(two, 2, 'node-b', EVIL),
    f(two, 2, 'node-b', 'container ```code```'),
  ];
  return {
    rules,
    document: {
      format: 'nodesnap-analysis',
      version: 1,
      generatedAt: NOW.toISOString(),
      nodes: [node(1, EVIL), node(2, 'node-b')],
      findings,
      skipped: [{ rule: 'runtime/two', node: EVIL, node_id: 1, reason: `needs docker-inspect missing ${EVIL}` }],
      ruleErrors: [{ rule: 'cert/three', node: 'node-b', node_id: 2, reason: `no such column: ${EVIL}` }],
      errors: [{ node_id: 2, node: 'node-b', input: 'in/node-b.tar.gz', member: `certs/${EVIL}`, kind: 'parse', message: `bad line ${EVIL}`, line: 3 }],
      summary: { nodes: 2, findings: { critical: 1, high: 1, medium: 2, low: 0, info: 0 }, suppressed: 1, skipped: 1, errors: 1 },
    },
  };
}
