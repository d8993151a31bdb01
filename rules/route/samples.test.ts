/**
 * The route/ and cni/ rules against the eight sample nodes analysed as one batch (the fleet
 * context): worker-2 (flannel.1 DOWN, overlay routes gone) and worker-3 (flannel never got a
 * lease) get the findings their incidents imply; every other node gets nothing above low.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../analyzer/rules/engine.js';
import { severityRank } from '../../analyzer/rules/types.js';
import { analyzeSampleBatch, type SampleBatch } from '../../test/support/sample-batch.js';

let batch: SampleBatch;
let findings: Finding[];
let failures: string[];

const of = (node: string, rule: string) => findings.filter((f) => f.node === node && f.rule === rule);
const OTHER_SUBNETS_OF_WORKER_2 = ['10.244.0.0/24', '10.244.1.0/24', '10.244.4.0/24', '10.244.5.0/24', '10.244.6.0/24', '10.244.7.0/24'];

beforeAll(async () => {
  batch = await analyzeSampleBatch({ categories: ['route', 'cni'] });
  ({ findings, failures } = batch);
}, 120_000);

afterAll(() => batch?.loaded.db.close());

describe('route and cni rules on the samples', () => {
  it('every rule runs without error', () => {
    expect(failures).toEqual([]);
  });

  it.each(['worker-1', 'master-1', 'worker-4', 'worker-5', 'gpu-1', 'ipvs-1'])('%s gets nothing above low', (node) => {
    const loud = findings.filter((f) => f.node === node && severityRank(f.severity) > severityRank('low'));
    expect(loud.map((f) => `${f.rule} ${f.resource}`)).toEqual([]);
  });

  it('worker-2: flannel.1 is DOWN although it holds the lease and the remote VTEPs', () => {
    const f = of('worker-2', 'route/overlay-interface-down');
    expect(f.map((x) => x.resource)).toEqual(['flannel.1']);
    expect(f[0]!.evidence).toMatch(/flannel\.1: <BROADCAST,MULTICAST> mtu 1450 .*state DOWN/);
    expect(f[0]!.evidence).toMatch(/FLANNEL_SUBNET=10\.244\.2\.1\/24/);
  });

  it("worker-2: no route to any other node's pod subnet, nor to the one flanneld failed to add", () => {
    const f = of('worker-2', 'route/pod-subnet-route-missing');
    expect(f.map((x) => x.resource).sort()).toEqual([...OTHER_SUBNETS_OF_WORKER_2, '10.244.3.0/24'].sort());
    expect(f.find((x) => x.resource === '10.244.1.0/24')!.evidence).toMatch(/^worker-1: FLANNEL_SUBNET=10\.244\.1\.1\/24/);
    expect(f.find((x) => x.resource === '10.244.3.0/24')!.evidence).toMatch(/failed to add vxlanRoute \(10\.244\.3\.0\/24 -> 10\.244\.3\.0\): network is down/);
    expect(f[0]!.message).toMatch(/flannel\.1 is DOWN/);
  });

  it('worker-2: cni0 MTU 1500 is larger than flannel.1 (1450)', () => {
    const f = of('worker-2', 'route/vxlan-mtu-mismatch');
    expect(f.map((x) => x.resource)).toContain('cni0');
    expect(f.find((x) => x.resource === 'cni0')!.message).toMatch(/1500.*1450/);
  });

  it('worker-3: flannel has no lease, so flannel.1 is missing and no pod subnet is routed', () => {
    const missing = of('worker-3', 'route/overlay-interface-down');
    expect(missing.map((x) => x.resource)).toEqual(['flannel.1']);
    expect(missing[0]!.evidence).toMatch(/Failed to create SubnetManager/);
    const routes = of('worker-3', 'route/pod-subnet-route-missing');
    expect(routes.map((x) => x.resource).sort()).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24', '10.244.4.0/24', '10.244.5.0/24', '10.244.6.0/24', '10.244.7.0/24']);
    expect(routes[0]!.message).toMatch(/never got a lease/);
  });

  it('only worker-2 and worker-3 get route or cni findings', () => {
    expect([...new Set(findings.map((f) => f.node))].sort()).toEqual(['worker-2', 'worker-3']);
  });
});
