/**
 * Runs every rule against its fixtures (RuleTester style): `nodesnap rules test` and the test
 * suite both call this.
 */
import { analyzeInputs } from '../load/analyze-inputs.js';
import { runRules } from './engine.js';
import { caseExpectation, fixtureCases, materialiseCase, type FixtureCase } from './fixtures.js';
import type { Rule } from './types.js';

export interface CaseOutcome {
  rule: string;
  case: string;
  kind: FixtureCase['kind'];
  ok: boolean;
  /** What went wrong, in words, when not ok. */
  problem: string | null;
  findings: number;
}

export interface RuleTestReport {
  outcomes: CaseOutcome[];
  /** Rules without a `fires` case or without a `quiet` case. */
  missingFixtures: { rule: string; missing: ('fires' | 'quiet')[] }[];
}

const notEvaluated = (status: string) => status === 'skipped' || status === 'not_applicable';

export async function testRuleCase(rule: Rule, c: FixtureCase, rulesRoot: string): Promise<CaseOutcome> {
  const { folders, cleanup } = materialiseCase(c, rulesRoot);
  try {
    const loaded = await analyzeInputs(folders);
    try {
      const out = runRules(loaded.db, [rule]);
      const findings = out.findings.filter((f) => !f.suppressed);
      const statuses = out.results.map((r) => r.status);
      const errors = out.results.filter((r) => r.status === 'error').map((r) => r.reason);
      const expect = caseExpectation(c);
      let problem: string | null = null;
      if (errors.length) problem = `rule failed: ${errors[0]}`;
      else if (c.kind === 'skipped') {
        if (!statuses.every(notEvaluated)) problem = `expected skipped on every node, got ${statuses.join(', ')}`;
      } else if (statuses.some(notEvaluated)) {
        problem = `skipped: ${out.results.find((r) => notEvaluated(r.status))?.reason}`;
      } else if (c.kind === 'quiet' && findings.length) {
        problem = `expected no finding, got ${findings.length}: ${findings[0]!.resource} — ${findings[0]!.message}`;
      } else if (c.kind === 'fires' && !findings.length) {
        problem = 'expected a finding, got none';
      } else if (expect.count !== undefined && findings.length !== expect.count) {
        problem = `expected ${expect.count} findings, got ${findings.length}: ${findings.map((f) => f.resource).join(' | ')}`;
      } else if (expect.resources && !expect.resources.every((r) => findings.some((f) => f.resource === r))) {
        problem = `expected resources ${JSON.stringify(expect.resources)}, got ${JSON.stringify(findings.map((f) => f.resource))}`;
      } else if (expect.severity && !findings.every((f) => f.severity === expect.severity)) {
        problem = `expected severity ${expect.severity}, got ${[...new Set(findings.map((f) => f.severity))].join(', ')}`;
      }
      return { rule: rule.meta.id, case: c.name, kind: c.kind, ok: problem === null, problem, findings: findings.length };
    } finally {
      loaded.db.close();
    }
  } finally {
    cleanup();
  }
}

export async function testRules(rules: readonly Rule[], rulesRoot: string, only?: (rule: Rule) => boolean): Promise<RuleTestReport> {
  const outcomes: CaseOutcome[] = [];
  const missingFixtures: RuleTestReport['missingFixtures'] = [];
  for (const rule of rules) {
    if (only && !only(rule)) continue;
    const cases = fixtureCases(rulesRoot, rule.meta.id);
    const missing = (['fires', 'quiet'] as const).filter((k) => !cases.some((c) => c.kind === k));
    if (missing.length) missingFixtures.push({ rule: rule.meta.id, missing });
    for (const c of cases) outcomes.push(await testRuleCase(rule, c, rulesRoot));
  }
  return { outcomes, missingFixtures };
}
