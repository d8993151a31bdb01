/**
 * The view model over the real samples plus the hostile canary node, with our own test rules:
 * grouping, node details, pictures' inputs, the fleet matrix and finding -> member mapping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportView } from '../../analyzer/report/view-model.js';
import type { ReportView } from '../../analyzer/report/view-types.js';
import { sampleFolders } from '../support/sample-batch.js';
import { analyze, CANARY_SERVICE_CHAIN, HOSTILE_CONTAINER, HOSTILE_HOST, makeCanaryNode, testRules, type AnalyzedBatch } from './support.js';

let batch: AnalyzedBatch;
let view: ReportView;

beforeAll(async () => {
  batch = await analyze([...sampleFolders(), makeCanaryNode()], testRules());
  view = buildReportView({ document: batch.document, rules: batch.rules, db: batch.loaded.db });
}, 120_000);

afterAll(() => batch?.loaded.db.close());

const nodeNamed = (name: string) => view.nodes.find((n) => n.name === name);

describe('report view of the samples and the canary', () => {
  it('loads the canary with its hostile names', () => {
    expect(nodeNamed(HOSTILE_HOST)).toBeDefined();
    expect(view.findings.some((f) => f.resource === HOSTILE_CONTAINER)).toBe(true);
  });

  it('groups findings by severity (most severe first), then category, node and rule', () => {
    expect(view.severityGroups.map((g) => g.severity)).toEqual(['critical', 'high', 'medium', 'low']);
    const critical = view.severityGroups[0]!;
    expect(critical.categories.map((c) => c.category)).toEqual(['kernel']);
    expect(critical.categories[0]!.nodes.map((n) => n.node).sort()).toEqual([HOSTILE_HOST, 'worker-4'].sort());
    const block = critical.categories[0]!.nodes[0]!.rules[0]!;
    expect(block.rule.id).toBe('kernel/test-conntrack-usage');
    expect(block.rule.remediationBlocks).toEqual([
      { code: false, text: 'Fix it like this:' },
      { code: true, text: 'echo fix kernel/test-conntrack-usage\nsystemctl restart thing' },
      { code: false, text: 'Then check again.' },
    ]);
  });

  it('counts suppressed findings apart and keeps them listed', () => {
    const low = view.severityGroups.find((g) => g.severity === 'low')!;
    const suppressed = view.findings.filter((f) => f.suppressed);
    expect(suppressed.map((f) => f.node)).toEqual(['worker-2']);
    expect(suppressed[0]!.suppressionReason).toBe('accepted in CASE-1: <b>known</b>');
    expect(low.suppressed).toBe(1);
    expect(view.summary.suppressed).toBe(1);
    expect(view.summary.severities.find((s) => s.severity === 'low')!.count).toBe(low.count);
  });

  it('gives every node its identity, addresses and unusable sources', () => {
    const w4 = nodeNamed('worker-4')!;
    const identity = Object.fromEntries(w4.identity.map((i) => [i.label, i.value]));
    expect(identity.Kernel).toMatch(/^5\.4\./);
    expect(identity.OS).toMatch(/Ubuntu 20\.04/);
    expect(w4.addresses[0]).toMatch(/ on eth0 \(default route\)$/);
    expect(w4.sourceProblems.some((p) => p.source === 'pcap' && p.status === 'missing')).toBe(true);
    expect(w4.errors.some((e) => e.kind === 'parse' && e.member === 'conntrack-xml/conntrack.xml')).toBe(true);
  });

  it('reads certificate expiry against the collection time', () => {
    const master = nodeNamed('master-1')!;
    const frontProxy = master.certs.find((c) => c.path === '/etc/kubernetes/pki/front-proxy-client.crt')!;
    expect(frontProxy.state).toBe('expired');
    expect(frontProxy.daysLeft).toBeLessThan(0);
    const etcd = master.certs.find((c) => c.path === '/etc/kubernetes/pki/etcd/server.crt')!;
    expect(etcd.state).toBe('soon');
    expect(view.certTimeline!.urgent.slice(0, 2).map((c) => c.path)).toEqual(['/etc/kubernetes/pki/front-proxy-client.crt', '/etc/kubernetes/pki/etcd/server.crt']);
  });

  it('draws gauges where usage is known, the conntrack one at 94% on worker-4', () => {
    const svg = nodeNamed('worker-4')!.gauges!.markup;
    expect(svg).toContain('Conntrack table: 94%');
    expect(svg).toContain('g-row g-warn');
    expect(nodeNamed('worker-5')!.gauges!.markup).toMatch(/Disk \/var\/lib\/docker: 97%/);
  });

  it('draws the chain graph of the service a finding names, with the hostile comment as text', () => {
    const canary = nodeNamed(HOSTILE_HOST)!;
    expect(canary.chainGraphs).toHaveLength(1);
    const svg = canary.chainGraphs[0]!.svg.markup;
    expect(svg).toContain(CANARY_SERVICE_CHAIN);
    expect(svg).not.toContain('</script>');
    expect(svg).toContain('&lt;/script&gt;&lt;script&gt;alert(4)');
    // three endpoints: 1/3, then 1/2 of the rest, then the rest
    expect(svg.match(/33\.3%|33%/g)?.length).toBeGreaterThanOrEqual(3);
    expect(svg).toContain('DNAT → 10.244.1.7:8080');
  });

  it('draws the packet path of a flow a pcap finding names, across the captured interfaces', () => {
    const canary = nodeNamed(HOSTILE_HOST)!;
    expect(canary.packetPaths).toHaveLength(1);
    const svg = canary.packetPaths[0]!.svg.markup;
    expect(svg).toMatch(/<text[^>]*class="b1">va<\/text>/);
    expect(svg).toMatch(/<text[^>]*class="b1">vx0<\/text>/);
    expect(canary.packetPaths[0]!.caption).toBe('Seen on every captured interface (2).');
    expect(canary.packetPaths[0]!.title).toMatch(/^tcp 10\.200\.0\.\d:\d+ ⇄ 10\.200\.0\.\d:\d+$/);
  });

  it('builds a fleet matrix with a column per fired rule and usage columns', () => {
    const m = view.matrix!;
    expect(m.columns.map((c) => c.rule)).toEqual(expect.arrayContaining(['kernel/test-conntrack-usage', 'iptables/test-service-flag', 'runtime/test-container-names']));
    expect(m.columns[0]!.rule).toBe('kernel/test-conntrack-usage');
    const w4 = m.rows.find((r) => r.node === 'worker-4')!;
    const col = m.columns.findIndex((c) => c.rule === 'kernel/test-conntrack-usage');
    expect(w4.cells[col]).toMatchObject({ text: '1', cls: 'sev-critical' });
    expect(m.rows.find((r) => r.node === 'worker-2')!.cells[col]).toMatchObject({ cls: 'supp' });
    expect(m.rows.find((r) => r.node === 'master-1')!.cells[col]).toMatchObject({ cls: 'pass', text: '✓' });
    expect(w4.conntrack!.text).toBe('94%');
    // the nodes in the worst shape first
    expect(m.rows[0]!.worstRank).toBe(4);
  });

  it('maps findings to the snapshot members they were read from', () => {
    const conntrack = view.findings.find((f) => f.rule === 'kernel/test-conntrack-usage' && f.node === 'worker-4')!;
    expect(conntrack.members.map((m) => m.member)).toEqual(['sysctl/sysctl.txt']);
    const service = view.findings.find((f) => f.rule === 'iptables/test-service-flag')!;
    // a chain resource points at the chain's declaration line in the default dump
    expect(service.members).toHaveLength(1);
    expect(service.members[0]).toMatchObject({ member: 'iptables-save/iptables-save.txt', line: 73 });
  });

  it('groups what could not be seen by rule/source and reason across nodes', () => {
    const attachments = view.sourceProblems.find((p) => p.source === 'attachments')!;
    expect(attachments.nodesText).toBe('all 9 nodes');
    // the canary has captures, the samples do not
    expect(view.sourceProblems.find((p) => p.source === 'pcap')!.nodes).toHaveLength(8);
    expect(view.summary.errors).toBeGreaterThan(0);
    expect(view.errors.length).toBe(view.summary.errors);
  });
});
