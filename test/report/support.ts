/**
 * Shared material of the report tests: a few tiny rules of our own (the report must not depend on
 * the built-in rules other people are writing), a hostile "canary" node made from a sample whose
 * hostname, container name and iptables comment are markup, the samples analyzed with them, and
 * a synthetic 200-node batch for the timing test.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { projectRoot } from '../../collector/registry/version.js';
import type { Manifest } from '../../collector/registry/manifest.js';
import { analyzeInputs, type AnalyzeResult } from '../../analyzer/load/analyze-inputs.js';
import { runRules, type EngineOutput } from '../../analyzer/rules/engine.js';
import { buildAnalysisDocument, type AnalysisDocument } from '../../analyzer/rules/report-json.js';
import { SEVERITIES, type CodeRule, type Rule, type RuleMeta, type Severity, type SqlRule } from '../../analyzer/rules/types.js';
import { refreshManifest } from '../../samples/build-samples.js';

export const HOSTILE_HOST = '<img src=x onerror=alert(1)>canary</script><script>alert(2)</script>';
export const HOSTILE_CONTAINER = '<img src=x onerror=alert(3)>';
export const HOSTILE_COMMENT = '</script><script>alert(4)</script>';
export const CANARY_SERVICE_CHAIN = 'KUBE-SVC-64QNK6HZX773DHEP';
export const NOW = new Date('2026-11-21T10:00:00Z');

export function meta(id: string, severity: Severity, sources: string[], extra: Partial<RuleMeta> = {}): RuleMeta {
  const [category = 'test'] = id.split('/');
  return {
    id,
    title: `Test rule ${id}`,
    severity,
    category,
    description: `What ${id} detects, and why it matters.\nIt is a test rule.`,
    remediation: `Fix it like this:\n  echo fix ${id}\n  systemctl restart thing\nThen check again.`,
    references: ['https://example.invalid/docs', 'man 8 iptables'],
    sources,
    parameters: {},
    file: `test/${id}.ts`,
    ...extra,
  };
}

/** Rules of the report tests: they read the canary's hostile data into findings. */
export function testRules(): Rule[] {
  const containers: CodeRule = {
    kind: 'code',
    meta: meta('runtime/test-container-names', 'medium', ['docker-inspect']),
    run: ({ db, nodeIds }) =>
      (db.prepare(`SELECT node_id, name, image FROM containers WHERE node_id IN (${nodeIds.join(',') || 'NULL'}) AND name LIKE '%<%'`).all() as {
        node_id: number;
        name: string;
        image: string;
      }[]).map((c) => ({ node_id: c.node_id, resource: c.name, message: `container ${c.name} runs ${c.image}`, evidence: `Name: ${c.name}\nImage: ${c.image}` })),
  };
  const service: CodeRule = {
    kind: 'code',
    meta: meta('iptables/test-service-flag', 'high', ['iptables-save']),
    run: ({ db, nodeIds }) =>
      (db.prepare(`SELECT DISTINCT node_id, comment FROM iptables_rules WHERE chain = 'KUBE-SERVICES' AND target = ? AND comment LIKE '%</script>%'`).all(CANARY_SERVICE_CHAIN) as {
        node_id: number;
        comment: string;
      }[])
        .filter((r) => nodeIds.includes(r.node_id))
        .map((r) => ({ node_id: r.node_id, resource: `nat/${CANARY_SERVICE_CHAIN}`, message: `service ${r.comment} is flagged`, evidence: `-A KUBE-SERVICES -m comment --comment "${r.comment}" -j ${CANARY_SERVICE_CHAIN}` })),
  };
  const conntrack: SqlRule = {
    kind: 'sql',
    meta: meta('kernel/test-conntrack-usage', 'low', ['sysctl']),
    query: `SELECT node_id, 'net.netfilter.nf_conntrack_count' AS resource, 'conntrack holds ' || int_value || ' entries' AS message,
                   'net.netfilter.nf_conntrack_count = ' || int_value AS evidence,
                   CASE WHEN int_value > 200000 THEN 'critical' END AS severity
              FROM sysctls WHERE key = 'net.netfilter.nf_conntrack_count' AND int_value > 3300`,
  };
  const flow: CodeRule = {
    kind: 'code',
    meta: meta('pcap/test-flow-path', 'medium', ['pcap']),
    run: ({ db, nodeIds }) =>
      (db.prepare(`SELECT node_id, proto, client_addr, client_port, server_addr, server_port, packets FROM pcap_flows
                    WHERE interface = 'vx0' AND proto = 'tcp' ORDER BY first_ts LIMIT 1`).all() as {
        node_id: number;
        proto: string;
        client_addr: string;
        client_port: number;
        server_addr: string;
        server_port: number;
        packets: number;
      }[])
        .filter((r) => nodeIds.includes(r.node_id))
        .map((r) => ({
          node_id: r.node_id,
          resource: `${r.proto} ${r.client_addr}:${r.client_port} -> ${r.server_addr}:${r.server_port}`,
          message: `a test flow of ${r.packets} packets`,
          evidence: `${r.client_addr}:${r.client_port} > ${r.server_addr}:${r.server_port}`,
        })),
  };
  return [containers, service, conntrack, flow];
}

/** worker-4 with a hostile hostname, container name and iptables comment (manifest refreshed). */
export function makeCanaryNode(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'nodesnap-canary-')), 'canary');
  cpSync(join(projectRoot(), 'samples', 'nodes', 'worker-4'), dir, { recursive: true });
  const edit = (member: string, change: (text: string) => string) => writeFileSync(join(dir, member), change(readFileSync(join(dir, member), 'utf8')));
  const setHost = (text: string) => text.replace('"hostname": "worker-4"', `"hostname": ${JSON.stringify(HOSTILE_HOST)}`);
  edit('snapshot.json', setHost);
  edit('docker-inspect/docker-inspect.json', (t) => t.replace('"Name": "/k8s_POD_kube-proxy-20da8_kube-system_12f9e543-3bf8-433b-2df4-b3c9b5e60719_0"', `"Name": ${JSON.stringify(`/${HOSTILE_CONTAINER}`)}`));
  for (const dump of ['iptables-save/iptables-save.txt', 'iptables-legacy-save/iptables-legacy-save.txt']) {
    try {
      edit(dump, (t) => t.replaceAll('--comment "shop/checkout:http', `--comment "shop/checkout:http ${HOSTILE_COMMENT}`));
    } catch {
      // a sample without the second dump
    }
  }
  // captures of the same flows on two interfaces: VXLAN-encapsulated on va, decapsulated on vx0
  mkdirSync(join(dir, 'pcap'));
  const captures: [string, string][] = [
    ['va', 'vxlan-outer.pcap'],
    ['vx0', 'vxlan-inner.pcap'],
  ];
  for (const [iface, fixture] of captures) copyFileSync(join(projectRoot(), 'test', 'fixtures', 'pcap', fixture), join(dir, 'pcap', `${iface}.pcap`));
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  manifest.hostname = HOSTILE_HOST;
  const at = manifest.items.findIndex((i) => i.source === 'snapshot' && i.item !== 'header');
  manifest.items.splice(at < 0 ? manifest.items.length : at, 0, ...captures.map(([iface]) => ({
    source: 'pcap',
    item: iface,
    kind: 'pcap' as const,
    status: 'ok' as const,
    durationMs: 10_000,
    output: { member: `pcap/${iface}.pcap`, bytes: 0, sha256: '' },
    truncated: false,
  })));
  writeFileSync(manifestPath, `${JSON.stringify(refreshManifest({ name: 'canary', dir }, manifest), null, 2)}\n`);
  return dir;
}

export interface AnalyzedBatch {
  loaded: AnalyzeResult;
  rules: Rule[];
  out: EngineOutput;
  document: AnalysisDocument;
}

/** Analyzes folders and runs the given rules; a finding on the canary's conntrack is suppressed. */
export async function analyze(folders: readonly string[], rules: Rule[]): Promise<AnalyzedBatch> {
  const loaded = await analyzeInputs(folders);
  const out = runRules(loaded.db, rules, {
    suppress: (f) => (f.rule === 'kernel/test-conntrack-usage' && f.node === 'worker-2' ? 'accepted in CASE-1: <b>known</b>' : null),
  });
  return { loaded, rules, out, document: buildAnalysisDocument(loaded.db, rules, out, NOW) };
}

// ---- a synthetic big batch --------------------------------------------------------------------

export interface BigBatch {
  db: Db;
  rules: RuleMeta[];
  document: AnalysisDocument;
}

/** `nodes` nodes, `ruleCount` rules, about `perNode` findings per node, with certs, sysctls, disks. */
export function bigBatch(nodes: number, ruleCount: number, perNode: number): BigBatch {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE nodes (node_id INTEGER PRIMARY KEY, name TEXT, hostname TEXT, input TEXT, status TEXT, collected_at TEXT, kernel TEXT, os TEXT,
                        docker_version TEXT, kubelet_version TEXT, kube_proxy_mode TEXT, label TEXT, case_id TEXT);
    CREATE TABLE certs (node_id INTEGER, path TEXT, source_field TEXT, subject_cn TEXT, issuer_cn TEXT, not_after TEXT, fingerprint_sha256 TEXT);
    CREATE TABLE sysctls (node_id INTEGER, key TEXT, value TEXT, int_value INTEGER);
    CREATE TABLE filesystems (node_id INTEGER, device TEXT, fstype TEXT, size_kb INTEGER, used_kb INTEGER, available_kb INTEGER, use_percent INTEGER, mountpoint TEXT);
    CREATE TABLE processes (node_id INTEGER, pid INTEGER, threads INTEGER);
  `);
  const rules: RuleMeta[] = [];
  const categories = ['kernel', 'iptables', 'runtime', 'cert', 'route', 'cni', 'ipvs', 'fleet'];
  for (let r = 0; r < ruleCount; r++) {
    const category = categories[r % categories.length] as string;
    rules.push(meta(`${category}/synthetic-rule-${String(r).padStart(2, '0')}`, SEVERITIES[(r * 7) % SEVERITIES.length] as Severity, ['sysctl']));
  }
  const insertNode = db.prepare('INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertCert = db.prepare('INSERT INTO certs VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertSysctl = db.prepare('INSERT INTO sysctls VALUES (?, ?, ?, ?)');
  const insertFs = db.prepare('INSERT INTO filesystems VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertProc = db.prepare('INSERT INTO processes VALUES (?, ?, ?)');
  const findings: AnalysisDocument['findings'] = [];
  const skipped: AnalysisDocument['skipped'] = [];
  db.transaction(() => {
    for (let n = 1; n <= nodes; n++) {
      const name = `node-${String(n).padStart(3, '0')}.prod.example.com`;
      insertNode.run(n, name, name, `in/${name}.tar.gz`, n % 37 === 0 ? 'partial' : 'ok', '2026-11-20T08:15:03Z', '5.15.0-91-generic', 'Ubuntu 22.04.3 LTS', '24.0.7', 'v1.27.3', 'iptables', 'fleet-audit', 'CASE-9');
      for (let c = 0; c < 12; c++) {
        const days = ((n * 13 + c * 97) % 900) - 30;
        insertCert.run(n, `/etc/kubernetes/pki/cert-${c}.crt`, 'file', `cn-${c}`, 'kubernetes', new Date(Date.parse('2026-11-20T08:15:03Z') + days * 86_400_000).toISOString(), `fp-${n}-${c}`);
      }
      insertSysctl.run(n, 'net.netfilter.nf_conntrack_count', String((n * 7919) % 262144), (n * 7919) % 262144);
      insertSysctl.run(n, 'net.netfilter.nf_conntrack_max', '262144', 262144);
      insertSysctl.run(n, 'kernel.pid_max', '4194304', 4194304);
      insertFs.run(n, '/dev/vda1', 'ext4', 52403200, 20000000 + n * 100000, 32403200 - n * 100000, null, '/');
      insertProc.run(n, 1, 300 + n);
      for (let i = 0; i < perNode; i++) {
        const rule = rules[(n + i * 3) % rules.length] as RuleMeta;
        findings.push({
          rule: rule.id,
          severity: rule.severity,
          category: rule.category,
          title: rule.title,
          node: name,
          node_id: n,
          resource: `resource-${i}/${rule.id}`,
          message: `Synthetic finding ${i} of ${rule.id} on ${name}: something is not as it should be, with enough words to wrap a line.`,
          evidence: Array.from({ length: 6 }, (_, l) => `line ${l}: -A KUBE-SERVICES -d 10.96.${n % 256}.${l}/32 -p tcp --dport ${8000 + l} -j KUBE-SVC-ABCDEFGHIJKLMNOP`).join('\n'),
          suppressed: i === 0 && n % 10 === 0,
          suppression_reason: i === 0 && n % 10 === 0 ? 'accepted' : null,
        });
      }
      for (let s = 0; s < 3; s++) skipped.push({ rule: (rules[(n + s) % rules.length] as RuleMeta).id, node: name, node_id: n, reason: 'needs conntrack-stats missing' });
    }
  })();
  findings.sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.rule.localeCompare(b.rule) || a.node.localeCompare(b.node));
  const nodeRows = db.prepare('SELECT node_id, name, hostname, input, status, collected_at, kernel, os, docker_version, kubelet_version, kube_proxy_mode, label, case_id FROM nodes').all() as Record<string, unknown>[];
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s && !f.suppressed).length])) as Record<Severity, number>;
  return {
    db,
    rules,
    document: {
      format: 'nodesnap-analysis',
      version: 1,
      generatedAt: NOW.toISOString(),
      nodes: nodeRows,
      findings,
      skipped,
      ruleErrors: [],
      errors: [],
      summary: { nodes, findings: bySeverity, suppressed: findings.filter((f) => f.suppressed).length, skipped: skipped.length, errors: 0 },
    },
  };
}
