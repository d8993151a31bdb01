/**
 * The eight sample nodes analysed together as one batch, with every built-in rule, must give the
 * findings their incidents imply (samples/README.md), as listed in samples/expected-findings.json:
 *   - every `expect` entry fires on its node (on that resource, at that severity, when given);
 *   - no other finding of the checked categories appears on a node unless a `tolerate` entry
 *     allows it (a true but secondary finding);
 *   - worker-1, the healthy node, gets nothing above `low` from any rule;
 *   - each sample loads with exactly the `errors` it is meant to have, and its manifests match
 *     its folders (`node dist/samples/build-samples.js --check`).
 * A failing expectation says whether its rule is not written yet, was skipped (and why) or ran
 * and did not fire. NODESNAP_PRINT_FINDINGS=1 prints every finding and the per-node table.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzeResult } from '../../analyzer/load/analyze-inputs.js';
import type { Finding, RuleResult } from '../../analyzer/rules/engine.js';
import { severityRank, type Rule } from '../../analyzer/rules/types.js';
import { projectRoot } from '../../collector/registry/version.js';
import { ensureBuilt, REPO_ROOT } from '../support/nodesnap-cli.js';
import { analyzeSampleBatch } from '../support/sample-batch.js';

interface ExpectedFinding {
  rule: string;
  /** Exact resource of one of the rule's findings on the node; any resource when absent. */
  resource?: string;
  severity?: string;
  /** Why the incident implies it (for people reading the file). */
  why: string;
}

interface ExpectedError {
  kind: string;
  member: string | null;
  /** A substring of the message. */
  message: string;
}

interface ExpectedNode {
  incident: string;
  status?: string;
  expect: ExpectedFinding[];
  tolerate?: ExpectedFinding[];
  errors?: ExpectedError[];
}

interface ExpectedFile {
  categories: string[];
  nodes: Record<string, ExpectedNode>;
}

const expected = JSON.parse(readFileSync(join(projectRoot(), 'samples', 'expected-findings.json'), 'utf8')) as ExpectedFile;
const inScope = (rule: string) => expected.categories.some((c) => rule.startsWith(c));
const matches = (f: Finding, e: ExpectedFinding) => f.rule === e.rule && (e.resource === undefined || f.resource === e.resource);

let loaded: AnalyzeResult;
let rules: Rule[];
let findings: Finding[];
let results: RuleResult[];

beforeAll(async () => {
  ({ loaded, rules, findings, results } = await analyzeSampleBatch({ printFindings: false }));
  if (process.env.NODESNAP_PRINT_FINDINGS) printReport();
}, 180_000);

afterAll(() => loaded?.db.close());

/** Why an expected finding is absent, in words for the lead's follow-up. */
function whyMissing(node: string, e: ExpectedFinding): string {
  if (!rules.some((r) => r.meta.id === e.rule)) return `rule ${e.rule} is not written yet`;
  const result = results.find((r) => r.rule === e.rule && r.node === node);
  const onNode = findings.filter((f) => f.node === node && f.rule === e.rule);
  if (result?.status === 'skipped') return `rule ${e.rule} was skipped on ${node}: ${result.reason}`;
  if (result?.status === 'error') return `rule ${e.rule} failed: ${result.reason}`;
  if (onNode.length === 0) return `rule ${e.rule} ran on ${node} and did not fire`;
  return `rule ${e.rule} fired on ${node} for ${JSON.stringify(onNode.map((f) => `${f.resource} [${f.severity}]`))}, not ${JSON.stringify(e.resource ?? '')}${e.severity ? ` [${e.severity}]` : ''}`;
}

function printReport(): void {
  for (const f of findings) console.log(`${f.node}\t${f.severity}\t${f.rule}\t${f.resource}\n\t${f.message}`);
  for (const [node, spec] of Object.entries(expected.nodes)) {
    const actual = [...new Set(findings.filter((f) => f.node === node && inScope(f.rule)).map((f) => f.rule))].sort();
    const wanted = [...new Set(spec.expect.map((e) => e.rule))].sort();
    console.log(`${node}\n  expected: ${wanted.join(' ')}\n  actual:   ${actual.join(' ')}`);
  }
}

describe('samples: manifests and loading', () => {
  it('build-samples --check: every manifest matches its folder', () => {
    ensureBuilt();
    expect(() => execFileSync(process.execPath, ['dist/samples/build-samples.js', '--check'], { cwd: REPO_ROOT, stdio: 'pipe' })).not.toThrow();
  }, 180_000);

  it('every sample node is described in expected-findings.json', () => {
    expect(loaded.nodes.map((n) => n.name).sort()).toEqual(Object.keys(expected.nodes).sort());
  });

  it.each(Object.entries(expected.nodes))('%s loads with exactly its expected errors', (node, spec) => {
    const summary = loaded.nodes.find((n) => n.name === node);
    expect(summary?.status, `${node} status`).toBe(spec.status ?? 'ok');
    const actual = loaded.errors.filter((e) => e.node === node).map((e) => ({ kind: e.kind, member: e.member, message: e.message }));
    const wanted = spec.errors ?? [];
    expect(actual.map((e) => `${e.kind} ${e.member}`).sort()).toEqual(wanted.map((e) => `${e.kind} ${e.member}`).sort());
    for (const w of wanted) expect(actual.find((a) => a.kind === w.kind && a.member === w.member)?.message).toContain(w.message);
  });
});

describe('samples: findings per incident', () => {
  const cases = Object.entries(expected.nodes).flatMap(([node, spec]) => spec.expect.map((e) => [`${node}: ${e.rule}${e.resource ? ` on ${e.resource}` : ''}`, node, e] as const));
  it.each(cases)('%s', (_name, node, e) => {
    const hit = findings.find((f) => f.node === node && matches(f, e));
    expect(hit, whyMissing(node, e)).toBeDefined();
    if (e.severity) expect(hit!.severity, `${e.rule} on ${node}`).toBe(e.severity);
  });

  it.each(Object.entries(expected.nodes))('%s: no finding of the checked categories beyond its incident', (node, spec) => {
    const allowed = [...spec.expect, ...(spec.tolerate ?? [])];
    const unexpected = findings.filter((f) => f.node === node && inScope(f.rule) && !allowed.some((e) => matches(f, e)));
    expect(unexpected.map((f) => `${f.rule} ${f.resource} [${f.severity}]: ${f.message}`)).toEqual([]);
  });

  it('worker-1 (healthy) gets nothing above low from any rule', () => {
    const loud = findings.filter((f) => f.node === 'worker-1' && severityRank(f.severity) > severityRank('low'));
    expect(loud.map((f) => `${f.rule} ${f.resource} [${f.severity}]: ${f.message}`)).toEqual([]);
  });

  it('no rule fails with an error on the samples', () => {
    const failed = results.filter((r) => r.status === 'error');
    expect(failed.map((r) => `${r.rule} on ${r.node}: ${r.reason}`)).toEqual([]);
  });
});
