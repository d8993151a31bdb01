/**
 * The docker/ rules against the eight sample nodes: each broken sample gets the findings its
 * incident implies, and the healthy worker-1 gets nothing above low.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../analyzer/rules/engine.js';
import { severityRank } from '../../analyzer/rules/types.js';
import { analyzeSampleBatch, type SampleBatch } from '../../test/support/sample-batch.js';

let batch: SampleBatch;
let findings: Finding[];
let failures: string[];

const of = (node: string, rule: string) => findings.filter((f) => f.node === node && f.rule === `docker/${rule}`);
const nodesWith = (rule: string) => [...new Set(findings.filter((f) => f.rule === `docker/${rule}`).map((f) => f.node))].sort();

beforeAll(async () => {
  batch = await analyzeSampleBatch({ categories: ['docker'] });
  ({ findings, failures } = batch);
}, 120_000);

afterAll(() => batch?.loaded.db.close());

describe('docker rules on the samples', () => {
  it('every docker rule runs without error', () => {
    expect(failures).toEqual([]);
  });

  it('worker-1 (healthy) gets nothing above low', () => {
    const loud = findings.filter((f) => f.node === 'worker-1' && severityRank(f.severity) > severityRank('low'));
    expect(loud.map((f) => `${f.rule} ${f.resource}`)).toEqual([]);
  });

  it('worker-5: legacy-web runs nginx and python in the background of sh -c, with tail -f /etc/hosts and no init', () => {
    const f = of('worker-5', 'pid1-not-init');
    expect(f.map((x) => x.resource)).toEqual(['container legacy-web']);
    expect(f[0]!.message).toMatch(/2 service\(s\) in the background \(nginx, python\)/);
    expect(f[0]!.message).toMatch(/tail -f \/etc\/hosts/);
    expect(f[0]!.message).toMatch(/7 zombie/);
  });

  it('worker-5: seven python zombies under legacy-web, children of its PID 1 shell', () => {
    const f = of('worker-5', 'zombie-processes');
    expect(f.map((x) => x.resource)).toEqual(['container legacy-web']);
    expect(f[0]!.message).toMatch(/^7 zombie process\(es\) \(python\)/);
    expect(f[0]!.message).toMatch(/PID 1 of the container, pid 20759 \(sh\)/);
  });

  it("worker-5: the docker root is 97% full and legacy-web's writable layer is the largest overlay2 directory", () => {
    const f = of('worker-5', 'disk-pressure');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('high');
    expect(f[0]!.message).toMatch(/97% full/);
    expect(f[0]!.message).toMatch(/68\.0 GiB, the writable layer of container legacy-web/);
    expect(f[0]!.evidence).toMatch(/9528a1f967a4/);
  });

  it('worker-5: json-file without max-size is the daemon default there, and only there', () => {
    expect(nodesWith('log-unbounded')).toEqual(['worker-5']);
    const f = of('worker-5', 'log-unbounded');
    expect(f.map((x) => x.resource)).toEqual(['dockerd log-opts']);
    expect(f[0]!.message).toMatch(/legacy-web/);
  });

  it('worker-5: 192.168.10.5:5000 is an insecure registry (daemon.json; the running daemon has not loaded it)', () => {
    const f = of('worker-5', 'insecure-registry');
    expect(f.map((x) => x.resource)).toEqual(['registry 192.168.10.5:5000']);
    expect(f[0]!.severity).toBe('info');
  });

  it('secret-like env keys are named, never their values: DB_PASSWORD and REPORT_API_TOKEN on worker-5, MYSQL_ROOT_PASSWORD on worker-4', () => {
    expect(of('worker-5', 'secret-in-env').map((f) => f.resource).sort()).toEqual([
      'container legacy-web env DB_PASSWORD',
      'pod shop/report-api-6b7f9d8c5-q4k8w container report-api env REPORT_API_TOKEN',
    ]);
    expect(of('worker-4', 'secret-in-env').map((f) => f.resource)).toEqual(['pod shop/mysql-9feb9912d3-48d40 container mysql env MYSQL_ROOT_PASSWORD']);
    for (const f of findings.filter((x) => x.rule === 'docker/secret-in-env')) expect(f.severity).toBe('medium');
  });

  it('gpu-1: two Tesla T4 without an nvidia runtime, and the trainer container gets no GPU under runc', () => {
    const f = of('gpu-1', 'gpu-runtime-missing');
    expect(f.map((x) => x.resource)).toEqual(['dockerd runtimes', 'pod ml/resnet-train-7c9d5b8f6-xk2lp container trainer']);
    expect(f[0]!.message).toMatch(/2 NVIDIA GPU\(s\) \(Tesla T4\)/);
    expect(f[1]!.message).toMatch(/NVIDIA_VISIBLE_DEVICES=all/);
    expect(nodesWith('gpu-runtime-missing')).toEqual(['gpu-1']);
  });

  it('worker-3: kube-flannel is on attempt 12 and its last instance exited with code 1', () => {
    const f = of('worker-3', 'restart-loop');
    expect(f.map((x) => x.resource)).toEqual(['pod kube-flannel/kube-flannel-ds-ntwh4 container kube-flannel']);
    expect(f[0]!.message).toMatch(/restarted 12 times/);
    expect(f[0]!.message).toMatch(/exit code 1/);
    expect(f[0]!.evidence).toMatch(/10\.96\.0\.1:443: i\/o timeout/);
    expect(nodesWith('restart-loop')).toEqual(['worker-3']);
  });

  it('kube-proxy is privileged on every node and never reported; no socket mounts, no TCP API, no OOM, no lost sandbox', () => {
    expect(nodesWith('privileged-container')).toEqual([]);
    expect(nodesWith('socket-mounted-in-container')).toEqual([]);
    expect(nodesWith('daemon-tcp-no-tls')).toEqual([]);
    expect(nodesWith('oom-killed')).toEqual([]);
    expect(nodesWith('sandbox-missing')).toEqual([]);
    expect(nodesWith('storage-driver-legacy')).toEqual([]);
    expect(nodesWith('overlay-without-dtype')).toEqual([]);
  });

  it('only worker-5 has the PID 1, zombie and disk findings', () => {
    expect(nodesWith('pid1-not-init')).toEqual(['worker-5']);
    expect(nodesWith('zombie-processes')).toEqual(['worker-5']);
    expect(nodesWith('disk-pressure')).toEqual(['worker-5']);
    expect(nodesWith('insecure-registry')).toEqual(['worker-5']);
  });
});
