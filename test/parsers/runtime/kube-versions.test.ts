import { describe, expect, it } from 'vitest';
import { kubeVersionsParser } from '../../../analyzer/parsers/runtime/kube-versions.js';

const ctx = { source: 'kube-versions', member: 'kube-versions/versions.txt', collectedAt: '2026-11-20T08:15:03Z', utcOffset: '+0800' };

describe('kube-versions', () => {
  it('reads the versions kubelet, kube-proxy and kubeadm print', () => {
    const rows = kubeVersionsParser.kind === 'text' ? kubeVersionsParser.parse('kubelet: Kubernetes v1.23.17\r\nkube-proxy: Kubernetes v1.18.20\nkubeadm: v1.23.17', ctx) : {};
    expect(rows.node_facts).toEqual([
      { source: 'kube-versions', key: 'kube.kubelet.version', value: 'v1.23.17' },
      { source: 'kube-versions', key: 'kube.proxy.version', value: 'v1.18.20' },
      { source: 'kube-versions', key: 'kube.kubeadm.version', value: 'v1.23.17' },
    ]);
    expect(rows.parse_errors).toBeUndefined();
  });

  it('gives no version for a binary that failed, and reports a foreign line', () => {
    const rows = kubeVersionsParser.kind === 'text' ? kubeVersionsParser.parse('kubelet: /usr/bin/kubelet: cannot execute binary file\ngarbage\n', ctx) : {};
    expect(rows.node_facts).toBeUndefined();
    expect(rows.parse_errors).toEqual([{ line: 2, message: 'not a "<binary>: <version>" line: garbage' }]);
  });

  it('reads nothing from empty output (no Kubernetes binary on the node)', () => {
    const rows = kubeVersionsParser.kind === 'text' ? kubeVersionsParser.parse('', ctx) : {};
    expect(rows).toEqual({});
  });
});
