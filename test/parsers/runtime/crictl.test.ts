import { describe, expect, it } from 'vitest';
import { crictlInspectParser } from '../../../analyzer/parsers/runtime/crictl-inspect.js';
import { crictlPodsParser } from '../../../analyzer/parsers/runtime/crictl-pods.js';
import { crictlPsParser } from '../../../analyzer/parsers/runtime/crictl-ps.js';
import { ctx, fixture, one, table } from './helpers.js';

describe('crictl pods', () => {
  it('reads sandboxes with nanosecond creation times', () => {
    const rows = crictlPodsParser.parse(fixture('cri/pods.json'), ctx('crictl-pods'));
    expect(table(rows, 'cri_pods')).toHaveLength(3);
    expect(one(rows, 'cri_pods', (r) => r.name === 'cuda-vectoradd').runtime_handler).toBe('nvidia');
    expect(one(rows, 'cri_pods', (r) => r.name === 'coredns-5d78c9869d-7xk2p')).toMatchObject({ namespace: 'kube-system', state: 'ready', created_at: '2024-09-01T02:11:09.312Z', attempt: 0 });
    expect(one(rows, 'cri_pods', (r) => r.namespace === 'kube-flannel').state).toBe('notready');
  });

  it('reads an empty list', () => {
    expect(table(crictlPodsParser.parse('{"items":[]}\n', ctx('crictl-pods')), 'cri_pods')).toEqual([]);
  });
});

describe('crictl ps', () => {
  it('lists containers with their sandbox and pod', () => {
    const rows = crictlPsParser.parse(fixture('cri/ps.json'), ctx('crictl-ps'));
    expect(one(rows, 'cri_containers', (r) => r.name === 'kube-flannel')).toMatchObject({ state: 'exited', attempt: 5, pod_name: 'kube-flannel-ds-5whpv', pod_sandbox_id: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1' });
  });
});

describe('crictl inspect', () => {
  const rows = crictlInspectParser.parse(fixture('cri/inspect.json'), ctx('crictl-inspect'));

  it('fills containers rows with engine cri', () => {
    const coredns = one(rows, 'containers', (r) => r.name === 'coredns');
    expect(coredns).toMatchObject({
      engine: 'cri',
      status: 'running',
      running: 1,
      pid: 3120,
      finished_at: null,
      started_at: '2024-09-01T02:11:09.801Z',
      restart_count: 2,
      k8s_attempt: 2,
      k8s_type: 'container',
      k8s_container_name: 'coredns',
      pod_namespace: 'kube-system',
      sandbox_id: '5f3f1e0b9c1a2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e',
      path: '/coredns',
      args: '["-conf","/etc/coredns/Corefile"]',
      runtime: 'io.containerd.runc.v2',
      graph_driver: 'overlayfs',
      memory_limit: 178257920,
      oom_killed: 0,
      privileged: null,
      gpu_requested: 0,
    });
    const flannel = one(rows, 'containers', (r) => r.name === 'kube-flannel');
    expect(flannel).toMatchObject({ status: 'exited', oom_killed: 1, exit_code: 137, privileged: 1, finished_at: '2024-09-01T02:17:10.450Z' });
  });

  it('takes env keys from the CRI config and mounts from the status', () => {
    expect(table(rows, 'container_env').filter((r) => r.container_id === '8c1f2e3d4c5b6a7980a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607').map((r) => r.key)).toEqual(['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT']);
    expect(one(rows, 'container_mounts', (r) => r.destination === '/etc/coredns')).toMatchObject({ rw: 0, propagation: 'private', mode: 'ro' });
  });

  it('keeps labels and annotations (as annotation.<key>, like dockershim)', () => {
    expect(one(rows, 'container_labels', (r) => r.key === 'annotation.io.kubernetes.container.ports').value).toContain('"containerPort":53');
    expect(one(rows, 'container_labels', (r) => r.key === 'io.kubernetes.container.name' && r.value === 'coredns')).toBeDefined();
  });

  it('reports the cut last document', () => {
    expect(table(rows, 'parse_errors')).toEqual([{ line: expect.any(Number), message: expect.stringContaining('truncated') }]);
  });
});
