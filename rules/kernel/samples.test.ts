/**
 * The kernel/ rules against the eight sample nodes: each broken sample gets the findings its
 * incident implies, and the healthy worker-1 gets nothing above low.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../collector/registry/version.js';
import { analyzeInputs, type AnalyzeResult } from '../../analyzer/load/analyze-inputs.js';
import { runRules, type Finding } from '../../analyzer/rules/engine.js';
import { loadAllRules } from '../../analyzer/rules/load-rules.js';
import { severityRank } from '../../analyzer/rules/types.js';

let loaded: AnalyzeResult;
let findings: Finding[];
let failures: string[];

const of = (node: string, rule: string) => findings.filter((f) => f.node === node && f.rule === `kernel/${rule}`);

beforeAll(async () => {
  const nodesDir = join(projectRoot(), 'samples', 'nodes');
  const folders = readdirSync(nodesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(nodesDir, e.name));
  loaded = await analyzeInputs(folders);
  const rules = (await loadAllRules()).filter((r) => r.meta.category === 'kernel');
  const out = runRules(loaded.db, rules);
  findings = out.findings;
  failures = out.results.filter((r) => r.status === 'error').map((r) => `${r.rule} on ${r.node}: ${r.reason}`);
  if (process.env.NODESNAP_PRINT_FINDINGS) {
    for (const r of out.results) if (r.status === 'skipped') console.log(`skipped ${r.node} ${r.rule}: ${r.reason}`);
    for (const f of findings) console.log(`${f.node}\t${f.severity}\t${f.rule}\t${f.resource}\t${f.message}\n\t${f.evidence.replaceAll('\n', '\n\t')}`);
  }
}, 120_000);

afterAll(() => loaded?.db.close());

describe('kernel rules on the samples', () => {
  it('every kernel rule runs without error', () => {
    expect(failures).toEqual([]);
  });

  it('worker-1 (healthy) gets nothing above low', () => {
    const loud = findings.filter((f) => f.node === 'worker-1' && severityRank(f.severity) > severityRank('low'));
    expect(loud.map((f) => `${f.rule} ${f.resource}`)).toEqual([]);
  });

  it('worker-4: conntrack table 94% full with "table full" lines is high, not critical', () => {
    const f = of('worker-4', 'conntrack-table-near-full');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('high');
    expect(f[0]!.message).toMatch(/94%/);
    expect(f[0]!.evidence).toMatch(/table full, dropping packet/);
  });

  it('worker-4: INVALID packets on a NAT node without a DROP rule and be_liberal=0', () => {
    const f = of('worker-4', 'conntrack-invalid-rst-risk');
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence).toMatch(/nf_conntrack_tcp_be_liberal = 0/);
  });

  it('worker-4: the ingress accept queue overflows on port 80, and somaxconn 128 caps it', () => {
    expect(of('worker-4', 'listen-queue-overflow').map((f) => f.resource)).toEqual(['0.0.0.0:80']);
    expect(of('worker-4', 'somaxconn-low')).toHaveLength(1);
  });

  it('ipvs-1: tcp_keepalive_time 7200 >= IPVS tcp timeout 900', () => {
    const f = of('ipvs-1', 'tcp-keepalive-exceeds-ipvs-timeout');
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence).toMatch(/7200/);
    expect(f[0]!.evidence).toMatch(/900/);
  });

  it('worker-5: the OOM killer killed python, probably in container legacy-web', () => {
    const f = of('worker-5', 'oom-kills');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/python/);
    expect(f[0]!.message).toMatch(/legacy-web/);
  });

  it('only the nodes with the problem get the incident rules', () => {
    const nodesWith = (rule: string) => [...new Set(findings.filter((f) => f.rule === `kernel/${rule}`).map((f) => f.node))].sort();
    expect(nodesWith('conntrack-table-near-full')).toEqual(['worker-4']);
    expect(nodesWith('conntrack-invalid-rst-risk')).toEqual(['worker-4']);
    expect(nodesWith('listen-queue-overflow')).toEqual(['worker-4']);
    expect(nodesWith('tcp-keepalive-exceeds-ipvs-timeout')).toEqual(['ipvs-1']);
    expect(nodesWith('oom-kills')).toEqual(['worker-5']);
  });
});
