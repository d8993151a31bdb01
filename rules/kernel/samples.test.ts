/**
 * The kernel/ rules against the eight sample nodes: each broken sample gets the findings its
 * incident implies, and the healthy worker-1 gets nothing above low.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../analyzer/rules/engine.js';
import { severityRank } from '../../analyzer/rules/types.js';
import { analyzeSampleBatch, type SampleBatch } from '../../test/support/sample-batch.js';

let batch: SampleBatch;
let findings: Finding[];
let failures: string[];

const of = (node: string, rule: string) => findings.filter((f) => f.node === node && f.rule === `kernel/${rule}`);

beforeAll(async () => {
  batch = await analyzeSampleBatch({ categories: ['kernel'] });
  ({ findings, failures } = batch);
}, 120_000);

afterAll(() => batch?.loaded.db.close());

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
