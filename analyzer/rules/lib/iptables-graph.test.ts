import { describe, expect, it } from 'vitest';
import { ChainGraph, isTerminal } from './iptables-graph.js';
import { packetClass, traceVerdict } from './iptables-trace.js';
import { netfilterFixture, sampleMember, table } from './test-helpers/iptables-from-text.js';

const worker1 = sampleMember('worker-1', 'iptables-save/iptables-save.txt');
const worker3 = sampleMember('worker-3', 'iptables-save/iptables-save.txt');

describe('ChainGraph', () => {
  const nat = table(netfilterFixture('iptables-save-v1.8.9-nft-kube-proxy.txt'), 'nat');
  const graph = new ChainGraph(nat);

  it('knows who jumps where', () => {
    expect(graph.callers('KUBE-SVC-7EJNTS7AENER2WX5').map((e) => `${e.from}#${e.rule.position}`).sort()).toEqual(['KUBE-EXT-7EJNTS7AENER2WX5#2', 'KUBE-SERVICES#5']);
    expect(graph.callees('KUBE-SVC-7EJNTS7AENER2WX5').map((e) => e.to)).toEqual(['KUBE-MARK-MASQ', 'KUBE-SEP-2ZXJ6M7YAXSI4KXB']);
    expect(graph.jumpsToChain(nat.chain('KUBE-MARK-MASQ')!.rules[0]!)).toBe(false); // -j MARK
  });

  it('follows jumps from the built-in chains and back', () => {
    const reached = graph.reachableFrom(['PREROUTING']);
    expect(reached.has('KUBE-SEP-2ZXJ6M7YAXSI4KXB')).toBe(true);
    expect(reached.has('KUBE-POSTROUTING')).toBe(false);
    expect(graph.entryPoints('KUBE-SEP-2ZXJ6M7YAXSI4KXB').sort()).toEqual(['OUTPUT', 'PREROUTING']);
    const path = graph.pathTo('KUBE-SEP-2ZXJ6M7YAXSI4KXB');
    expect(path?.map((r) => r.chain)).toEqual(['PREROUTING', 'KUBE-SERVICES', 'KUBE-SVC-7EJNTS7AENER2WX5']);
    expect(graph.pathTo('PREROUTING')).toEqual([]);
  });

  it('walks rules in evaluation order, each chain once', () => {
    const seen: string[] = [];
    graph.walk('KUBE-EXT-7EJNTS7AENER2WX5', (rule, depth) => {
      seen.push(`${depth}:${rule.chain}#${rule.position}`);
    });
    expect(seen.slice(0, 4)).toEqual(['0:KUBE-EXT-7EJNTS7AENER2WX5#1', '1:KUBE-MARK-MASQ#1', '0:KUBE-EXT-7EJNTS7AENER2WX5#2', '1:KUBE-SVC-7EJNTS7AENER2WX5#1']);
  });

  it('tells terminal targets', () => {
    const rules = [...table(netfilterFixture('iptables-save-v1.8.9-nft-kube-proxy.txt'), 'filter').rules()];
    const byTarget = (t: string) => rules.find((r) => r.target === t)!;
    expect(isTerminal(byTarget('ACCEPT'))).toBe(true);
    expect(isTerminal(byTarget('RETURN'))).toBe(true);
    expect(isTerminal(byTarget('LOG'))).toBe(false);
    expect(isTerminal(byTarget('GOTO-TARGET'))).toBe(true); // -g
    expect(isTerminal(byTarget('KUBE-FORWARD'))).toBe(false);
  });
});

describe('traceVerdict', () => {
  it('pod traffic through flannel FORWARD rules is accepted', () => {
    const t = traceVerdict(table(worker1, 'filter'), 'FORWARD', packetClass('-s 10.244.0.0/16'));
    expect(t.verdict).toBe('ACCEPT');
    expect(t.path.at(-1)?.spec).toBe('-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT');
  });

  it('without flannel it falls through to the DROP policy', () => {
    expect(traceVerdict(table(worker3, 'filter'), 'FORWARD', packetClass('-s 10.244.0.0/16')).verdict).toBe('POLICY-DROP');
  });

  it('rules matching only part of the class are stepped over', () => {
    // KUBE-FORWARD accepts only marked or established traffic of the pod network
    const filter = table(netfilterFixture('iptables-save-v1.4.21-centos7-kube-proxy.txt'), 'filter');
    expect(traceVerdict(filter, 'FORWARD', packetClass('-s 10.244.0.0/16')).verdict).toBe('POLICY-DROP');
    expect(traceVerdict(filter, 'FORWARD', packetClass('-i docker0 -o eth0')).verdict).toBe('ACCEPT');
  });
});
