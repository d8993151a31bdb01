import { describe, expect, it } from 'vitest';
import { parseIpvsadmList } from '../../parsers/netfilter/ipvsadm-list.js';
import { ipvsDestLine, ipvsServiceLine, ipvsServiceName, isLocalTrafficPolicyService, type IpvsService } from './ipvs.js';
import { netfilterFixture } from './test-helpers/iptables-from-text.js';

const text = netfilterFixture('ipvsadm-Ln-exact-v1.31-kube-proxy.txt');

function services(): IpvsService[] {
  const rows = parseIpvsadmList(text, { source: 'ipvsadm', member: 'ipvsadm/ipvsadm.txt', collectedAt: '', utcOffset: '' });
  const out: IpvsService[] = (rows.ipvs_services ?? []).map((r) => ({
    nodeId: 1,
    protocol: r.protocol as string,
    address: r.address as string | null,
    port: r.port as number | null,
    fwmark: r.fwmark as number | null,
    family: r.family as string,
    scheduler: r.scheduler as string | null,
    flags: r.flags as string | null,
    line: r.line as number,
    dests: [],
  }));
  for (const d of rows.ipvs_dests ?? []) {
    const svc = out.find((s) => s.protocol === d.service_protocol && s.address === d.service_address && s.port === d.service_port && s.fwmark === d.service_fwmark);
    svc?.dests.push({
      address: d.address as string,
      port: d.port as number,
      family: d.family as string,
      forward: d.forward as string,
      weight: d.weight as number,
      activeConns: d.active_conns as number,
      inactiveConns: d.inactive_conns as number,
    });
  }
  return out;
}

describe('ipvsadm lines', () => {
  const lines = text.split('\n');

  it('writes every service and real server line back as ipvsadm printed it', () => {
    const all = services();
    expect(all.length).toBeGreaterThan(10);
    for (const s of all) {
      expect(ipvsServiceLine(s)).toBe(lines[(s.line ?? 0) - 1]!.trimEnd());
      s.dests.forEach((d, i) => expect(ipvsDestLine(d)).toBe(lines[(s.line ?? 0) + i]!.trimEnd()));
    }
  });

  it('names services the way findings use them', () => {
    const names = services().map(ipvsServiceName);
    expect(names).toContain('TCP 10.96.0.1:443');
    expect(names).toContain('UDP [fd00:10:96::a]:53');
    expect(names).toContain('FWM 100');
  });

  it("tells kube-proxy's externalTrafficPolicy=Local services from its ip sets", () => {
    const nodePort = services().find((s) => s.address === '192.168.3.114')!;
    const sets = new Map([['KUBE-NODE-PORT-LOCAL-TCP', new Set(['30080'])]]);
    expect(isLocalTrafficPolicyService(nodePort, sets)).toBe(true);
    expect(isLocalTrafficPolicyService(nodePort, new Map())).toBe(false);
    const lb = { ...nodePort, address: '203.0.113.7', port: 80 };
    expect(isLocalTrafficPolicyService(lb, new Map([['KUBE-LOAD-BALANCER-LOCAL', new Set(['203.0.113.7,tcp:80'])]]))).toBe(true);
  });
});
