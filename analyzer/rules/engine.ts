/**
 * Runs rules over every node of the database: decides per node whether a rule can be evaluated
 * (its sources are usable there), runs it once for the whole batch, and records findings and a
 * result per rule and node. A rule that cannot be evaluated on a node is `skipped` with the
 * reason, never silently passing.
 */
import type { Database } from 'better-sqlite3';
import { SOURCES } from '../../collector/registry/sources.js';
import { FINDINGS_TABLE, RULE_RESULTS_TABLE } from './results-tables.js';
import { beginRun, endRun } from './run-memo.js';
import { registerSqlFunctions } from './sql-functions.js';
import { SEVERITIES, type Rule, type RuleFinding, type Severity } from './types.js';

export interface NodeRef {
  node_id: number;
  name: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  category: string;
  node_id: number;
  node: string;
  resource: string;
  message: string;
  evidence: string;
  suppressed: boolean;
  suppression_reason: string | null;
}

export interface RuleResult {
  rule: string;
  node_id: number;
  node: string;
  /** not_applicable: the rule's sources were skipped because the feature is not in use (no ip_vs for IPVS rules, no --pcap for capture rules). */
  status: 'fired' | 'passed' | 'skipped' | 'not_applicable' | 'error';
  findings: number;
  reason: string | null;
}

export interface EngineOutput {
  findings: Finding[];
  results: RuleResult[];
}

export interface RunOptions {
  /** Parameter overrides: "rule-id.param" -> value. */
  params?: Record<string, number | string | boolean>;
  /** Decides whether a finding is suppressed (and why). */
  suppress?: (f: Omit<Finding, 'suppressed' | 'suppression_reason'>) => string | null;
}

interface SourceRow {
  node_id: number;
  source: string;
  status: string;
  reason: string | null;
}

/** A source the collector skipped because the kernel feature is not in use (ipvsadm without ip_vs): the rule does not apply. */
const NOT_IN_USE = /^(module not (present|loaded)|none of these modules loaded)/;
/** Sources collected only when asked for (--pcap, --attach): without them, their rules do not apply. */
const ON_DEMAND = new Set(SOURCES.filter((s) => s.onDemand).map((s) => s.name));

function notInUse(source: string, row: SourceRow | undefined): boolean {
  if (ON_DEMAND.has(source)) return row === undefined || row.status === 'missing' || row.status === 'skipped';
  return row?.status === 'skipped' && NOT_IN_USE.test(row.reason ?? '');
}

interface Unusable {
  reason: string;
  /** Every missing source is missing because its kernel feature is not in use on the node. */
  notApplicable: boolean;
}

/** Why each node cannot evaluate a rule needing `sources`; nodes absent from the map can. */
function unusableNodes(sources: readonly string[], nodes: readonly NodeRef[], status: Map<number, Map<string, SourceRow>>): Map<number, Unusable> {
  const out = new Map<number, Unusable>();
  for (const node of nodes) {
    const perNode = status.get(node.node_id) ?? new Map<string, SourceRow>();
    const missing: string[] = [];
    let notApplicable = true;
    for (const entry of sources) {
      const alternatives = entry.split('|');
      if (alternatives.some((s) => perNode.get(s)?.status === 'ok')) continue;
      if (!alternatives.every((s) => notInUse(s, perNode.get(s)))) notApplicable = false;
      missing.push(
        alternatives
          .map((s) => {
            const row = perNode.get(s);
            return row ? `${s} ${row.status}${row.reason ? ` (${row.reason})` : ''}` : `${s} missing`;
          })
          .join(' / '),
      );
    }
    if (missing.length) out.set(node.node_id, { reason: `needs ${missing.join('; ')}`, notApplicable });
  }
  return out;
}

function checkFinding(row: unknown, ruleId: string): RuleFinding {
  const r = row as Record<string, unknown>;
  if (typeof r.node_id !== 'number' && typeof r.node_id !== 'bigint') throw new Error(`rule ${ruleId}: a finding row lacks a numeric node_id`);
  if (r.severity !== undefined && r.severity !== null && !(SEVERITIES as readonly unknown[]).includes(r.severity)) {
    throw new Error(`rule ${ruleId}: severity ${String(r.severity)} is not one of ${SEVERITIES.join(', ')}`);
  }
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return {
    node_id: Number(r.node_id),
    resource: text(r.resource),
    message: text(r.message),
    evidence: text(r.evidence),
    ...(r.severity ? { severity: r.severity as Severity } : {}),
  };
}

function paramsFor(rule: Rule, overrides: Record<string, number | string | boolean>): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [name, p] of Object.entries(rule.meta.parameters)) {
    const key = `${rule.meta.id}.${name}`;
    out[name] = Object.hasOwn(overrides, key) ? overrides[key]! : p.default;
  }
  return out;
}

function sqlParams(params: Record<string, number | string | boolean>, query: string): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(params)) if (query.includes(`@${k}`)) out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  return out;
}

export function runRules(db: Database, rules: readonly Rule[], options: RunOptions = {}): EngineOutput {
  beginRun(db);
  try {
    return runAll(db, rules, options);
  } finally {
    endRun(db);
  }
}

function runAll(db: Database, rules: readonly Rule[], options: RunOptions): EngineOutput {
  registerSqlFunctions(db);
  const nodes = db.prepare('SELECT node_id, COALESCE(name, hostname, input) AS name FROM nodes ORDER BY node_id').all() as NodeRef[];
  const status = new Map<number, Map<string, SourceRow>>();
  for (const row of db.prepare('SELECT node_id, source, status, reason FROM source_status').all() as SourceRow[]) {
    let m = status.get(row.node_id);
    if (!m) status.set(row.node_id, (m = new Map()));
    m.set(row.source, row);
  }
  const nameOf = new Map(nodes.map((n) => [n.node_id, n.name] as const));
  const findings: Finding[] = [];
  const results: RuleResult[] = [];

  for (const rule of rules) {
    const skip = unusableNodes(rule.meta.sources, nodes, status);
    const usable = nodes.filter((n) => !skip.has(n.node_id)).map((n) => n.node_id);
    const usableSet = new Set(usable);
    let produced: RuleFinding[] = [];
    let failure: string | null = null;
    if (usable.length) {
      try {
        const params = paramsFor(rule, options.params ?? {});
        produced =
          rule.kind === 'sql'
            ? db.prepare(rule.query).all(sqlParams(params, rule.query)).map((r) => checkFinding(r, rule.meta.id))
            : rule.run({ db, params, nodeIds: usable }).map((r) => checkFinding(r, rule.meta.id));
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
    }
    const perNode = new Map<number, number>();
    for (const f of produced) {
      if (!usableSet.has(f.node_id)) continue;
      const base = {
        rule: rule.meta.id,
        severity: f.severity ?? rule.meta.severity,
        category: rule.meta.category,
        node_id: f.node_id,
        node: nameOf.get(f.node_id) ?? String(f.node_id),
        resource: f.resource,
        message: f.message,
        evidence: f.evidence,
      };
      const reason = options.suppress?.(base) ?? null;
      findings.push({ ...base, suppressed: reason !== null, suppression_reason: reason });
      perNode.set(f.node_id, (perNode.get(f.node_id) ?? 0) + 1);
    }
    for (const n of nodes) {
      const unusable = skip.get(n.node_id);
      const count = perNode.get(n.node_id) ?? 0;
      results.push({
        rule: rule.meta.id,
        node_id: n.node_id,
        node: n.name,
        status: unusable ? (unusable.notApplicable ? 'not_applicable' : 'skipped') : failure ? 'error' : count ? 'fired' : 'passed',
        findings: count,
        reason: unusable?.reason ?? failure,
      });
    }
  }
  storeResults(db, findings, results);
  return { findings, results };
}

function storeResults(db: Database, findings: readonly Finding[], results: readonly RuleResult[]): void {
  const insertFinding = db.prepare(
    `INSERT INTO ${FINDINGS_TABLE.name} (node_id, rule, severity, category, resource, message, evidence, suppressed, suppression_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertResult = db.prepare(`INSERT INTO ${RULE_RESULTS_TABLE.name} (node_id, rule, status, findings, reason) VALUES (?, ?, ?, ?, ?)`);
  db.transaction(() => {
    db.exec(`DELETE FROM ${FINDINGS_TABLE.name}; DELETE FROM ${RULE_RESULTS_TABLE.name};`);
    for (const f of findings) {
      insertFinding.run(f.node_id, f.rule, f.severity, f.category, f.resource, f.message, f.evidence, f.suppressed ? 1 : 0, f.suppression_reason);
    }
    for (const r of results) insertResult.run(r.node_id, r.rule, r.status, r.findings, r.reason);
  })();
}
