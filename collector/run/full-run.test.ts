import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_NAME, MANIFEST_NAME } from '../registry/layout.js';
import { SOURCES } from '../registry/sources.js';
import { ChildCollector } from './test-helpers/child-collector.js';
import { canUseNetns, TestNamespaces } from './test-helpers/netns.js';
import { checksumProblems, readSnapshot } from './test-helpers/read-snapshot.js';

const netns = new TestNamespaces();
let child: ChildCollector;
let work: string;

/** The whole registry against this machine, in a fresh network namespace (small, deterministic network). */
describe.skipIf(!canUseNetns())('collect() with the full registry on this machine', () => {
  beforeAll(() => {
    child = new ChildCollector();
    work = mkdtempSync(join(tmpdir(), 'nodesnap-full-'));
  });

  afterAll(() => {
    netns.removeAll();
    rmSync(work, { recursive: true, force: true });
  });

  it('finishes in well under a minute with every source accounted for', async () => {
    const ns = netns.add('full');
    const run = await child.run({ out: work, commandLine: ['nodesnap', 'collect'] }, ['ip', 'netns', 'exec', ns]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    process.stderr.write(`full-registry collection took ${run.ms} ms\n`);
    expect(run.ms).toBeLessThan(60_000);

    const { path } = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { path: string };
    const snapshot = await readSnapshot(path);
    const { manifest } = snapshot;
    expect(checksumProblems(snapshot)).toEqual([]);
    expect(snapshot.names[0]).toBe(`${snapshot.top}/${HEADER_NAME}`);
    expect(snapshot.names.at(-1)).toBe(`${snapshot.top}/${MANIFEST_NAME}`);

    // every regular source has at least one manifest item: collected, failed or skipped with a reason
    const seen = new Set(manifest.items.map((i) => i.source));
    for (const source of SOURCES.filter((s) => !s.onDemand)) expect({ source: source.name, seen: seen.has(source.name) }).toEqual({ source: source.name, seen: true });
    for (const item of manifest.items) {
      if (item.status !== 'ok') expect({ item: `${item.source}/${item.item}`, reason: typeof item.reason }).toEqual({ item: `${item.source}/${item.item}`, reason: 'string' });
    }

    const status = (source: string): string | undefined => manifest.items.find((i) => i.source === source)?.status;
    expect(status('uname')).toBe('ok');
    expect(status('sysctl')).toBe('ok');
    expect(status('ip-link')).toBe('ok');
    // nf_conntrack and nf_conntrack_netlink are built in here (no /proc/modules): conntrack runs
    expect(status('conntrack-xml')).toBe('ok');
    expect(manifest.items.find((i) => i.source === 'conntrack-xml')?.argv).toEqual(['conntrack', '-L', '-o', 'xml']);
    // ip_vs is not in this kernel: ipvsadm must not run (it would load the module)
    expect(manifest.items.find((i) => i.source === 'ipvsadm')).toMatchObject({ status: 'skipped', reason: 'module not loaded: ip_vs' });
    // /proc/modules does not exist on this kernel: "not present", not "not collected"
    expect(manifest.items.find((i) => i.source === 'proc-modules')).toMatchObject({ status: 'skipped', reason: 'no matching files' });
    // the fresh namespace has exactly one link
    expect(JSON.parse(snapshot.members.get('ip-link/ip-link.txt')?.toString() ?? '[]')).toHaveLength(1);
    expect(manifest.summary.ok).toBeGreaterThan(30);
    expect(manifest.summary.timeout).toBe(0);
  });
});
