/**
 * The snapshot/ rules on damage a fixture folder cannot express (fixtures always get a fresh,
 * matching manifest): unlisted members, truncated tarballs, inputs that are not snapshots, old
 * collectors, parse-error floods, and the include_expected_skips parameter.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { runRules, type Finding } from '../../analyzer/rules/engine.js';
import { loadAllRules } from '../../analyzer/rules/load-rules.js';
import type { ManifestItem } from '../../collector/registry/manifest.js';
import { snapshotEntries, tempDir, writeFolder, writeTarball, type MemberSpec } from '../../test/analyzer/support/snapshot-builder.js';

const rules = (await loadAllRules()).filter((r) => r.meta.category === 'snapshot');

async function findingsFor(inputs: string[], params: Record<string, boolean> = {}): Promise<Finding[]> {
  const loaded = await analyzeInputs(inputs);
  try {
    return runRules(loaded.db, rules, { params }).findings;
  } finally {
    loaded.db.close();
  }
}

const of = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === `snapshot/${rule}`);

const uname = { member: 'uname/uname.txt', data: 'Linux node-s 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n' };
const hostname = { member: 'hostname/hostname.txt', data: 'node-s\n' };

const skipped = (source: string, reason: string, extra: Partial<ManifestItem> = {}): ManifestItem => ({
  source,
  item: source,
  kind: 'command',
  status: 'skipped',
  reason,
  durationMs: 0,
  truncated: false,
  ...extra,
});

describe('snapshot/integrity-mismatch', () => {
  it('names a member added after collection', async () => {
    const dir = tempDir();
    const members: MemberSpec[] = [uname, hostname, { member: 'hosts/etc/hosts', data: '127.0.0.1 localhost\n', unlisted: true }];
    const file = await writeTarball(join(dir, 'added.tar.gz'), snapshotEntries({ hostname: 'node-s', members }));
    const found = of(await findingsFor([file]), 'integrity-mismatch');
    expect(found.map((f) => [f.resource, f.severity])).toEqual([['hosts/etc/hosts', 'high']]);
    expect(found[0]!.message).toMatch(/not in manifest\.json/);
    expect(found[0]!.evidence).toMatch(/hosts\/etc\/hosts: in the archive \(20 bytes/);
  });

  it('a truncated tarball is reported once for the cut and once for the lost manifest, and collection-error does not repeat it', async () => {
    const dir = tempDir();
    const big = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}\n`).join('');
    const file = await writeTarball(join(dir, 'cut.tar.gz'), snapshotEntries({ hostname: 'node-s', members: [uname, hostname, { member: 'kernel-log/dmesg.txt', data: big }] }));
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const findings = await findingsFor([file]);
    const damage = of(findings, 'integrity-mismatch');
    expect(damage.map((f) => f.resource).sort()).toEqual(['kernel-log/dmesg.txt', 'manifest.json']);
    expect(damage.find((f) => f.resource === 'manifest.json')!.message).toMatch(/manifest\.json is missing/);
    // the sources lost with the manifest are the truncation's consequence, not a collection problem
    expect(of(findings, 'collection-error').filter((f) => /not in this snapshot's manifest/.test(f.message))).toEqual([]);
  });

  it('an input that is not a snapshot is one finding naming the input', async () => {
    const dir = tempDir();
    const file = join(dir, 'photo.tar.gz');
    writeFileSync(file, 'this is not gzip data at all\n');
    const findings = await findingsFor([file]);
    const damage = of(findings, 'integrity-mismatch');
    expect(damage).toHaveLength(1);
    // every source is missing because nothing could be read: that is this finding, not a collection problem
    expect(of(findings, 'collection-error')).toEqual([]);
    expect(damage[0]!.resource).toBe(file);
    expect(damage[0]!.message).toMatch(/nothing of this node was analysed/);
  });
});

describe('snapshot/collection-error', () => {
  it('sources an older collector did not know are one finding, on-demand sources are not among them', async () => {
    const dir = tempDir();
    const top = writeFolder(dir, snapshotEntries({ hostname: 'node-s', members: [uname, hostname] }));
    const found = of(await findingsFor([top]), 'collection-error');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/sources are not in this snapshot's manifest \(collector 0\.1\.0 may predate them/);
    expect(found[0]!.resource).toContain('iptables-save');
    expect(found[0]!.resource).not.toContain('pcap');
    expect(found[0]!.resource).not.toContain('attachments');
  });

  it('a thousand malformed lines of one member make one finding with a count, not a thousand', async () => {
    const dir = tempDir();
    const garbage = Array.from({ length: 1000 }, (_, i) => `garbage line ${i} without a key\n`).join('');
    const top = writeFolder(dir, snapshotEntries({ hostname: 'node-s', members: [uname, hostname, { member: 'sysctl/sysctl.txt', data: `net.ipv4.ip_forward = 1\n${garbage}` }] }));
    const found = of(await findingsFor([top]), 'collection-error').filter((f) => f.resource === 'sysctl');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/^sysctl: 1000 lines of sysctl\/sysctl\.txt did not parse \(first at line 2: /);
    expect(found[0]!.evidence.split('\n').length).toBeLessThan(10);
  });

  it('skips that hide nothing are quiet unless include_expected_skips is set', async () => {
    const dir = tempDir();
    const extraItems = [skipped('ipvsadm', 'module not loaded: ip_vs'), skipped('proc-pressure', 'no matching files', { kind: 'files' }), skipped('conntrack-stats', 'module not loaded: nf_conntrack_netlink')];
    const top = writeFolder(dir, snapshotEntries({ hostname: 'node-s', members: [uname, hostname], extraItems }));
    const quiet = of(await findingsFor([top]), 'collection-error').map((f) => f.resource);
    expect(quiet).toContain('conntrack-stats');
    expect(quiet).not.toContain('ipvsadm');
    expect(quiet).not.toContain('proc-pressure');
    const all = of(await findingsFor([top], { 'snapshot/collection-error.include_expected_skips': true }), 'collection-error').map((f) => f.resource);
    expect(all).toEqual(expect.arrayContaining(['conntrack-stats', 'ipvsadm', 'proc-pressure']));
  });
});
