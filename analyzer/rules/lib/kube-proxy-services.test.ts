import { describe, expect, it } from 'vitest';
import { ChainGraph } from './iptables-graph.js';
import {
  endpointShares,
  expectedProbability,
  kubeServices,
  noEndpointsRejects,
  probabilityFits,
  probabilityProblems,
  serviceNameOfComment,
  type KubeEndpoint,
} from './kube-proxy-services.js';
import { netfilterFixture, sampleMember, table } from './test-helpers/iptables-from-text.js';

const worker1 = sampleMember('worker-1', 'iptables-save/iptables-save.txt');

describe('serviceNameOfComment', () => {
  it('reads the service port out of kube-proxy comments', () => {
    expect(serviceNameOfComment('shop/checkout:http cluster IP')).toBe('shop/checkout:http');
    expect(serviceNameOfComment('shop/checkout:http -> 10.244.1.7:8080')).toBe('shop/checkout:http');
    expect(serviceNameOfComment('shop/mysql: -> 10.244.4.15:3306')).toBe('shop/mysql');
    expect(serviceNameOfComment('default/no-endpoints:http has no endpoints')).toBe('default/no-endpoints:http');
    expect(serviceNameOfComment('masquerade traffic for default/nginx:http external destinations')).toBe('default/nginx:http');
    expect(serviceNameOfComment('kubernetes service portals')).toBeNull();
    expect(serviceNameOfComment('Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose')).toBeNull();
    expect(serviceNameOfComment(null)).toBeNull();
  });
});

describe('kubeServices', () => {
  it('reads services, ClusterIPs and endpoint sequences of kube-proxy 1.23', () => {
    const nat = table(worker1, 'nat');
    const services = kubeServices(nat, new ChainGraph(nat));
    const checkout = services.find((s) => s.chain === 'KUBE-SVC-64QNK6HZX773DHEP');
    expect(checkout).toMatchObject({ name: 'shop/checkout:http', clusterIp: '10.101.37.214', port: '80', protocol: 'tcp' });
    expect(checkout?.entries.map((r) => r.chain).sort()).toEqual(['KUBE-NODEPORTS', 'KUBE-SERVICES']);
    expect(checkout?.endpoints.map((e) => [e.address, e.probability])).toEqual([
      ['10.244.1.7:8080', 0.33333333349],
      ['10.244.2.9:8080', 0.5],
      ['10.244.4.12:8080', null],
    ]);
    expect(services.find((s) => s.chain === 'KUBE-SVC-WLGXNPVWWGOBC637')?.name).toBe('shop/mysql');
    for (const s of services) expect(probabilityProblems(s.endpoints)).toEqual([]);
  });

  it('reads kube-proxy 1.1x: no endpoint comments, session affinity checks, 5-decimal probabilities', () => {
    const nat = table(netfilterFixture('iptables-save-v1.4.21-centos7-kube-proxy.txt'), 'nat');
    const services = kubeServices(nat, new ChainGraph(nat));
    const web = services.find((s) => s.chain === 'KUBE-SVC-XGLOHA7QRQ3V22RZ');
    expect(web).toMatchObject({ name: 'default/web:http', clusterIp: '10.100.31.12', port: '80' });
    expect(web?.endpoints.map((e) => e.address)).toEqual(['10.244.1.5:8080', '10.244.2.4:8080', '10.244.3.6:8080']);
    expect(probabilityProblems(web?.endpoints ?? [])).toEqual([]);
    const api = services.find((s) => s.chain === 'KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(api?.affinityRules).toHaveLength(1);
    expect(api?.endpoints).toHaveLength(1);
  });

  it('finds the "has no endpoints" REJECTs of ClusterIP and NodePort', () => {
    const rejects = noEndpointsRejects(table(netfilterFixture('iptables-save-v1.8.9-nft-kube-proxy.txt'), 'filter'));
    expect(rejects.map((r) => [r.name, r.address, r.port, r.nodePort])).toEqual(
      expect.arrayContaining([
        ['default/no-endpoints:http', '10.96.200.17', '80', false],
        ['default/no-endpoints:http', null, '31380', true],
      ]),
    );
  });
});

describe('probabilities', () => {
  const ep = (index: number, probability: number | null) => ({ index, probability }) as KubeEndpoint;

  it('expects 1/(n-i), none for the last', () => {
    expect(expectedProbability(0, 3)).toBeCloseTo(1 / 3, 12);
    expect(expectedProbability(1, 3)).toBe(0.5);
    expect(expectedProbability(2, 3)).toBeNull();
  });

  it('accepts exactly what iptables prints for kube-proxy values (10 and 5 decimals through a 31-bit fraction)', () => {
    // printed by iptables 1.8.9 for --probability 0.1428571429, 0.3333333333 and 0.33333
    expect(probabilityFits(0.14285714272, 7)).toBe(true);
    expect(probabilityFits(0.33333333349, 3)).toBe(true);
    expect(probabilityFits(0.33332999982, 3)).toBe(true);
    expect(probabilityFits(0.5, 3)).toBe(false);
    // neighbours at 10,000 endpoints stay apart
    expect(probabilityFits(1 / 10001, 10000)).toBe(false);
  });

  it('names a wrong value, a missing one and a last one with a probability', () => {
    expect(probabilityProblems([ep(0, 0.5), ep(1, 0.5), ep(2, null)]).map((p) => p.endpoint.index)).toEqual([0]);
    expect(probabilityProblems([ep(0, null), ep(1, null)])[0]?.problem).toMatch(/takes every packet/);
    expect(probabilityProblems([ep(0, 0.5), ep(1, 0.5)])[0]?.problem).toMatch(/match no endpoint/);
  });

  it('computes the share each endpoint gets', () => {
    const shares = endpointShares([ep(0, 0.5), ep(1, 0.5), ep(2, null)]);
    expect(shares).toEqual([0.5, 0.25, 0.25]);
  });
});
