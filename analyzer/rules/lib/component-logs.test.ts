import { describe, expect, it } from 'vitest';
import { byOrigin, lastTime, logComponent, recentLines, type LogLine } from './component-logs.js';

const line = (origin: string, timestamp: string | null, source = 'log-kubelet'): LogLine => ({
  node_id: 1,
  source,
  origin,
  line_no: 1,
  timestamp,
  level: 'error',
  text: 'x',
});

describe('component logs', () => {
  it('names the component behind each kind of log origin', () => {
    expect(logComponent('log-kubelet', 'kubelet')).toBe('kubelet');
    expect(logComponent('log-docker', 'docker')).toBe('dockerd');
    expect(logComponent('log-containers', 'k8s_kube-flannel_kube-flannel-ds-ntwh4_kube-flannel_e9bb0fa8-92b9-352d-7782-dd505bd01979_12')).toBe('flanneld');
    expect(logComponent('log-containers', 'k8s_kube-apiserver_kube-apiserver-master-1_kube-system_de30ef55_0')).toBe('kube-apiserver');
    expect(logComponent('log-kubernetes-files', '/var/log/kubernetes/kube-proxy.WARNING')).toBe('kube-proxy');
    expect(logComponent('log-kubernetes-files', '/var/log/flanneld.log')).toBe('flanneld');
  });

  it('keeps lines within the window and unstamped lines', () => {
    const at = Date.parse('2026-11-20T08:15:03Z');
    const lines = [line('kubelet', '2026-11-20T08:00:00.000Z'), line('kubelet', '2026-11-20T06:00:00.000Z'), line('kubelet', null)];
    expect(recentLines(lines, new Map([[1, at]]), 3_600_000).map((l) => l.timestamp)).toEqual(['2026-11-20T08:00:00.000Z', null]);
  });

  it('groups per log and finds the last stamped line', () => {
    const groups = byOrigin([line('kubelet', '2026-11-20T08:00:00.000Z'), line('k8s_a_b_c_d_0', null, 'log-containers'), line('kubelet', '2026-11-20T08:05:00.000Z')]);
    expect(groups.map((g) => g.length)).toEqual([2, 1]);
    expect(lastTime(groups[0]!)).toBe('2026-11-20T08:05:00.000Z');
    expect(lastTime(groups[1]!)).toBeNull();
  });
});
