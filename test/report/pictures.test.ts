/**
 * The SVG pictures: the escaping builder they are made with, and each picture's reading of its
 * data (expiry axis, endpoint shares of a service, where a flow was last seen).
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ChainGraph } from '../../analyzer/rules/lib/iptables-graph.js';
import { buildTables, type IptablesRule } from '../../analyzer/rules/lib/iptables-ruleset.js';
import { dayX, drawCertTimeline } from '../../analyzer/report/pictures/cert-timeline.js';
import { drawServiceChain } from '../../analyzer/report/pictures/chain-graph.js';
import { drawGauges, gaugeRows, levelOf } from '../../analyzer/report/pictures/gauges.js';
import { drawPacketPath, endpointsIn, packetPaths } from '../../analyzer/report/pictures/packet-path.js';
import { serviceModel } from '../../analyzer/report/pictures/service-chains.js';
import { el, escapeXml, fragment, SvgMarkup } from '../../analyzer/report/pictures/svg.js';
import type { CertView } from '../../analyzer/report/view-types.js';

describe('SVG builder', () => {
  it('escapes text and attribute values', () => {
    const svg = el('text', { 'data-x': '"><script>' }, '</text><script>alert(1)</script>', 5);
    expect(svg.markup).toBe('<text data-x="&quot;&gt;&lt;script&gt;">&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;5</text>');
  });

  it('nests markup it built, and only that', () => {
    const inner = el('tspan', {}, 'a');
    expect(el('text', {}, inner, '<b>').markup).toBe('<text><tspan>a</tspan>&lt;b&gt;</text>');
    expect(fragment(['x', [inner]]).markup).toBe('x<tspan>a</tspan>');
  });

  it('refuses event handler attributes and odd names', () => {
    expect(() => el('circle', { onclick: 'x' })).toThrow(/attribute/);
    expect(() => el('circle', { 'a b': 'x' })).toThrow(/attribute/);
    expect(() => el('script src=x', {})).toThrow(/element/);
  });

  it('cannot be forged from outside the module', () => {
    expect(() => new SvgMarkup(Symbol('svg-markup') as never, '<script>')).toThrow();
  });

  it('replaces characters XML cannot carry', () => {
    expect(escapeXml('a\u0000b\u001bc')).toBe('a\ufffdb\ufffdc');
  });
});

const cert = (daysLeft: number | null, state: CertView['state']): CertView => ({ path: '/p.crt', field: '', subject: 'cn', issuer: 'ca', notAfter: 'x', daysLeft, state, when: '' });

describe('certificate timeline', () => {
  it('places days on a piecewise axis that widens the near future', () => {
    expect(dayX(-10000)).toBe(dayX(-365));
    expect(dayX(-1)).toBeLessThan(dayX(0));
    expect(dayX(0)).toBeLessThan(dayX(1));
    // the first 30 days get more room than the 9 years after the first year
    expect(dayX(30) - dayX(0)).toBeGreaterThan((dayX(3650) - dayX(365)) / 2);
    for (let d = -400; d < 4000; d += 7) expect(dayX(d + 7)).toBeGreaterThanOrEqual(dayX(d));
  });

  it('draws one row per node with a dot per certificate, escaping names', () => {
    const svg = drawCertTimeline([
      { node: '<x>', certs: [cert(-3, 'expired'), cert(400, 'ok')] },
      { node: 'b', certs: [cert(null, 'unknown')] },
    ])!.markup;
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('&lt;x&gt;');
    expect(svg).toContain('class="dot c-expired"');
    expect(drawCertTimeline([{ node: 'b', certs: [] }])).toBeNull();
  });
});

describe('gauges', () => {
  it('levels at the 80% and 95% marks the rules use', () => {
    expect([0.5, 0.8, 0.95, 1.2].map(levelOf)).toEqual(['ok', 'warn', 'crit', 'crit']);
  });

  it('draws conntrack, PIDs and the fullest filesystems', () => {
    const rows = gaugeRows({
      conntrack: { used: 246810, max: 262144 },
      pids: { used: 1000, max: 32768, threadsMax: null, processes: 200 },
      filesystems: [{ mountpoint: '/var/lib/docker', device: '/dev/vdb1', fstype: 'xfs', used: 97, max: 100, percent: 97 }],
    });
    expect(rows.map((r) => r.label)).toEqual(['Conntrack table', 'PIDs (threads)', 'Disk /var/lib/docker']);
    const svg = drawGauges('n', rows)!.markup;
    expect(svg).toContain('g-row g-crit');
    expect(svg).toContain('94%');
    expect(drawGauges('n', [])).toBeNull();
  });
});

function rule(chain: string, position: number, target: string, extra: Partial<IptablesRule> = {}): IptablesRule {
  return {
    table: 'nat', chain, position, spec: `-A ${chain} -j ${target}`, target, targetArgs: null, jumpKind: 'jump', protocol: null, src: null, srcNegated: false, dst: null, dstNegated: false,
    inIface: null, outIface: null, matches: null, comment: null, probability: null, toDestination: null, toSource: null, toPorts: null, dport: null, sport: null, mark: null,
    setMark: null, ctstate: null, matchSet: null, packets: 10, bytes: 100, line: position, ...extra,
  };
}

describe('service chain graph', () => {
  const chain = (name: string) => ({ table_name: 'nat', chain: name, builtin: 0, policy: null, packets: null, bytes: null, line: 1 });
  const svc = 'KUBE-SVC-AAAAAAAAAAAAAAAA';
  const seps = ['KUBE-SEP-AAAAAAAAAAAAAAA1', 'KUBE-SEP-AAAAAAAAAAAAAAA2', 'KUBE-SEP-AAAAAAAAAAAAAAA3'];
  const table = buildTables([chain('KUBE-SERVICES'), chain(svc), ...seps.map(chain)], [
    rule('KUBE-SERVICES', 1, svc, { dst: '10.96.0.10/32', protocol: 'udp', dport: '53', comment: 'kube-system/kube-dns:dns cluster IP', packets: 300 }),
    rule(svc, 1, 'KUBE-MARK-MASQ'),
    rule(svc, 2, seps[0]!, { probability: 0.33333333349, packets: 100 }),
    rule(svc, 3, seps[1]!, { probability: 0.5, packets: 0 }),
    rule(svc, 4, seps[2]!, { packets: 200 }),
    ...seps.map((s, i) => rule(s, 1, 'DNAT', { toDestination: `10.244.0.${i + 2}:53`, packets: i === 1 ? 0 : 100 })),
  ]).get('nat')!;
  const model = serviceModel(table, new ChainGraph(table), { nodeId: 1, label: '' }, svc, 'test');

  it('reads the entry rule, the service name and each endpoint with its DNAT target', () => {
    expect(model.service).toBe('kube-system/kube-dns:dns');
    expect(model.entries).toEqual([expect.objectContaining({ chain: 'KUBE-SERVICES', match: '10.96.0.10 udp/53', packets: 300 })]);
    expect(model.endpoints.map((e) => e.dnat)).toEqual(['10.244.0.2:53', '10.244.0.3:53', '10.244.0.4:53']);
  });

  it('turns cascaded probabilities into each endpoint share', () => {
    const shares = model.endpoints.map((e) => e.share);
    for (const s of shares) expect(s).toBeCloseTo(1 / 3, 6);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('marks the endpoint that saw no packet while the others did', () => {
    const svg = drawServiceChain(model, 'node').markup;
    expect(svg.match(/class="box sep idle"/g)).toHaveLength(1);
    expect(svg).toContain('KUBE-SEP-AAAAAAAAAAAAAAA2');
    expect(svg).toContain('p=0.3333 → 33% of new connections');
  });

  it('shows a service without endpoints as such', () => {
    const lone = buildTables([chain('KUBE-SERVICES'), chain(svc)], [rule('KUBE-SERVICES', 1, svc, { comment: 'a/b:c' })]).get('nat')!;
    const svg = drawServiceChain(serviceModel(lone, new ChainGraph(lone), { nodeId: 1, label: '' }, svc, 'test'), 'node').markup;
    expect(svg).toContain('no endpoints');
  });
});

describe('packet path', () => {
  function db(): Database.Database {
    const d = new Database(':memory:');
    // the columns of analyzer/schema/capture.ts that the picture reads
    d.exec(`CREATE TABLE pcap_files (node_id INTEGER, member TEXT, interface TEXT, packets INTEGER);
            CREATE TABLE pcap_flows (node_id INTEGER, member TEXT, interface TEXT, proto TEXT, client_addr TEXT, client_port INTEGER, server_addr TEXT, server_port INTEGER,
                                     inner INTEGER, packets INTEGER, first_ts TEXT, last_ts TEXT)`);
    for (const iface of ['eth0', 'flannel.1', 'cni0']) d.prepare('INSERT INTO pcap_files VALUES (1, ?, ?, 10)').run(`pcap/${iface}.pcap`, iface);
    const ins = d.prepare('INSERT INTO pcap_flows VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // on eth0 the flow is inside VXLAN: the tunnel flow and the decapsulated one
    ins.run('pcap/eth0.pcap', 'eth0', 'udp', '192.168.10.21', 51234, '192.168.10.22', 8472, 0, 12, '2026-11-20T08:15:04.000000Z', '2026-11-20T08:15:09.000000Z');
    ins.run('pcap/eth0.pcap', 'eth0', 'tcp', '10.244.1.5', 40000, '10.244.2.7', 80, 1, 12, '2026-11-20T08:15:04.000000Z', '2026-11-20T08:15:09.000000Z');
    ins.run('pcap/flannel.1.pcap', 'flannel.1', 'tcp', '10.244.1.5', 40000, '10.244.2.7', 80, 0, 12, '2026-11-20T08:15:04.000100Z', '2026-11-20T08:15:09.000100Z');
    ins.run('pcap/cni0.pcap', 'cni0', 'tcp', '10.9.9.9', 1, '10.9.9.8', 2, 0, 3, '2026-11-20T08:15:05.000000Z', '2026-11-20T08:15:06.000000Z');
    return d;
  }

  it('finds the address:port pairs a finding names', () => {
    expect(endpointsIn('SYN 10.244.1.5:40000 -> 10.244.2.7:80 retransmitted')).toEqual([
      { address: '10.244.1.5', port: 40000 },
      { address: '10.244.2.7', port: 80 },
    ]);
  });

  it('follows the flow across the captures and says where it was last seen', () => {
    const [model] = packetPaths(db(), 1, ['10.244.2.7:80 never answered 10.244.1.5:40000']);
    expect(model!.flow).toBe('tcp 10.244.2.7:80 ⇄ 10.244.1.5:40000');
    expect(model!.hops.map((h) => [h.iface, h.packets])).toEqual([
      ['eth0', 12],
      ['flannel.1', 12],
      ['cni0', 0],
    ]);
    expect(model!.lastSeen).toBe(1);
    const svg = drawPacketPath(model!, 'node').markup;
    expect(svg).toContain('last seen here');
    expect(svg).toContain('class="hop lost"');
  });

  it('draws nothing without the table', () => {
    expect(packetPaths(new Database(':memory:'), 1, ['10.244.1.5:40000 10.244.2.7:80'])).toEqual([]);
  });
});
