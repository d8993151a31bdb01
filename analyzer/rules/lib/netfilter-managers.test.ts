import { describe, expect, it } from 'vitest';
import { builtinRuleManager, chainManager } from './netfilter-managers.js';
import { netfilterFixture, sampleMember, table } from './test-helpers/iptables-from-text.js';

describe('chainManager', () => {
  it('names the owners of well-known chains', () => {
    expect(chainManager('KUBE-SVC-64QNK6HZX773DHEP')).toMatch(/kube-proxy/);
    expect(chainManager('CNI-DN-2e7f1ad3c0b8e2d1a5b9f')).toMatch(/CNI/);
    expect(chainManager('DOCKER-ISOLATION-STAGE-1')).toBe('docker');
    expect(chainManager('FLANNEL-POSTRTG')).toBe('flannel');
    expect(chainManager('cali-nat-outgoing')).toBe('Calico');
    expect(chainManager('POST_public_allow')).toBe('firewalld');
    expect(chainManager('PREROUTING')).toBeNull();
    expect(chainManager('SVC-POSTROUTING')).toBeNull();
    expect(chainManager('MYSQL-FWD')).toBeNull();
  });
});

describe('builtinRuleManager', () => {
  const nat = (text: string) => [...table(text, 'nat').rules()];

  it('recognises the NAT rules docker and flannel (with and without comments) put in POSTROUTING', () => {
    const rules = nat(netfilterFixture('iptables-legacy-save-v1.8.9-docker.txt')).filter((r) => r.chain === 'POSTROUTING');
    expect(rules.map((r) => builtinRuleManager(r))).toEqual(['docker', 'docker']);
    const flannel = nat(sampleMember('worker-1', 'iptables-save/iptables-save.txt')).filter((r) => r.chain === 'FLANNEL-POSTRTG' && r.target === 'MASQUERADE');
    expect(flannel.map((r) => builtinRuleManager(r))).toEqual(['flannel', 'flannel']);
  });

  it('tightens the uncommented flannel shapes to the pod network when it is known', () => {
    const [masq] = nat('*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE\nCOMMIT\n');
    expect(builtinRuleManager(masq!, { podNetworks: ['10.244.0.0/16'] })).toBe('flannel');
    expect(builtinRuleManager(masq!, { podNetworks: ['172.30.0.0/16'] })).toBeNull();
  });

  it("recognises docker's masquerade of any bridge's own subnet (dockerd -b cbr0)", () => {
    const [masq] = nat('*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.244.1.0/24 ! -o cbr0 -j MASQUERADE\nCOMMIT\n');
    expect(builtinRuleManager(masq!)).toBeNull();
    expect(builtinRuleManager(masq!, { interfaceSubnets: new Map([['cbr0', ['10.244.1.0/24']]]) })).toBe('docker');
    expect(builtinRuleManager(masq!, { interfaceSubnets: new Map([['cbr0', ['10.244.2.0/24']]]) })).toBeNull();
  });

  it('leaves hand-made NAT unowned', () => {
    const rules = nat(sampleMember('worker-5', 'iptables-save/iptables-save.txt')).filter((r) => r.target === 'DNAT' && r.chain === 'PREROUTING');
    expect(rules).toHaveLength(1);
    expect(builtinRuleManager(rules[0]!, { podNetworks: ['10.244.0.0/16'] })).toBeNull();
    const seed = nat(netfilterFixture('iptables-save-v1.8.9-seed000-seed001.txt')).filter((r) => r.chain === 'POSTROUTING' && r.target === 'SNAT');
    expect(builtinRuleManager(seed[0]!)).toBeNull();
  });
});
