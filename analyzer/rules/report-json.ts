/**
 * The --json contract (design.md "Outputs"), stable and documented:
 *
 *   {
 *     "format": "nodesnap-analysis", "version": 1, "generatedAt": ISO,
 *     "nodes":    [{ node_id, name, hostname, input, status, collected_at, kernel, os, docker_version, kubelet_version, kube_proxy_mode, label, case_id }],
 *     "findings": [{ rule, severity, category, title, node, node_id, resource, message, evidence, suppressed, suppression_reason }],
 *     "skipped":  [{ rule, node, node_id, reason }],     // rules that could not be evaluated on a node
 *     "ruleErrors": [{ rule, node, node_id, reason }],   // rules that failed to run
 *     "errors":   [{ node, node_id, input, member, kind, message, line }],  // what could not be read
 *     "summary":  { nodes, findings: { critical, high, medium, low, info }, suppressed, skipped, errors }
 *   }
 *
 * Findings are sorted by severity (critical first), then rule, node and resource.
 */
import type { Database } from 'better-sqlite3';
import type { EngineOutput } from './engine.js';
import { SEVERITIES, severityRank, type Rule, type Severity } from './types.js';

export interface AnalysisDocument {
  format: 'nodesnap-analysis';
  version: 1;
  generatedAt: string;
  nodes: Record<string, unknown>[];
  findings: {
    rule: string;
    severity: Severity;
    category: string;
    title: string;
    node: string;
    node_id: number;
    resource: string;
    message: string;
    evidence: string;
    suppressed: boolean;
    suppression_reason: string | null;
  }[];
  skipped: { rule: string; node: string; node_id: number; reason: string }[];
  ruleErrors: { rule: string; node: string; node_id: number; reason: string }[];
  errors: Record<string, unknown>[];
  summary: { nodes: number; findings: Record<Severity, number>; suppressed: number; skipped: number; errors: number };
}

export function buildAnalysisDocument(db: Database, rules: readonly Rule[], out: EngineOutput, now: Date): AnalysisDocument {
  const titles = new Map(rules.map((r) => [r.meta.id, r.meta.title] as const));
  const nodes = db
    .prepare(
      `SELECT node_id, name, hostname, input, status, collected_at, kernel, os, docker_version, kubelet_version, kube_proxy_mode, label, case_id
         FROM nodes ORDER BY name, node_id`,
    )
    .all() as Record<string, unknown>[];
  const findings = [...out.findings]
    .sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) ||
        a.rule.localeCompare(b.rule) ||
        a.node.localeCompare(b.node) ||
        a.resource.localeCompare(b.resource),
    )
    .map((f) => ({
      rule: f.rule,
      severity: f.severity,
      category: f.category,
      title: titles.get(f.rule) ?? f.rule,
      node: f.node,
      node_id: f.node_id,
      resource: f.resource,
      message: f.message,
      evidence: f.evidence,
      suppressed: f.suppressed,
      suppression_reason: f.suppression_reason,
    }));
  const pick = (status: 'skipped' | 'error') =>
    out.results.filter((r) => r.status === status).map((r) => ({ rule: r.rule, node: r.node, node_id: r.node_id, reason: r.reason ?? '' }));
  const errors = db
    .prepare(`SELECT e.node_id, e.node, e.input, e.member, e.kind, e.message, e.line FROM errors e ORDER BY e.node_id, e.rowid`)
    .all() as Record<string, unknown>[];
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.suppressed) bySeverity[f.severity]++;
  const skipped = pick('skipped');
  return {
    format: 'nodesnap-analysis',
    version: 1,
    generatedAt: now.toISOString(),
    nodes,
    findings,
    skipped,
    ruleErrors: pick('error'),
    errors,
    summary: { nodes: nodes.length, findings: bySeverity, suppressed: findings.filter((f) => f.suppressed).length, skipped: skipped.length, errors: errors.length },
  };
}
