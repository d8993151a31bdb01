import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestItem } from '../../collector/registry/manifest.js';
import { createLiveNode, liveNodeSkipReason } from '../support/live-node.js';
import type { LiveNode } from '../support/live-node.js';
import { ensureBuilt } from '../support/nodesnap-cli.js';
import { runCollector } from '../support/run-collector.js';
import type { CollectorRun } from '../support/run-collector.js';
import { readSnapshot } from '../support/snapshot-archive.js';
import type { ReadSnapshot } from '../support/snapshot-archive.js';

/**
 * `nodesnap collector-script` run by sh and `nodesnap collect` run by Node on the same live node
 * and sysroot, one after the other: the same members, the same manifest shape, the same items
 * with the same outcome. Command outputs and /proc files change between two runs (counters,
 * process lists, clocks), so only their presence and outcome are compared; sysroot files do not
 * change, so their bytes and redactions must be identical.
 */
const skipReason = liveNodeSkipReason();
if (skipReason) console.warn(`skipping sh-vs-node live tests: ${skipReason}`);

type Key = string;
const keyOf = (i: ManifestItem): Key => JSON.stringify([i.source, i.item, i.path ?? null]);

/** Every key path of a JSON value ("items[].output.sha256"), arrays folded into one element. */
function shape(value: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(value)) {
    for (const v of value) for (const k of shape(v, `${prefix}[]`)) out.add(k);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(`${prefix}.${k}`);
      for (const sub of shape(v, `${prefix}.${k}`)) out.add(sub);
    }
  }
  return out;
}

/** A sysroot file: same bytes in both runs (unlike /proc, /sys and command outputs). */
const isStaticFile = (i: ManifestItem) => i.kind === 'files' && i.path !== undefined && !/^\/(proc|sys|dev)\//.test(i.path);

describe.skipIf(skipReason !== null)('sh collector vs Node collector on one live node', () => {
  let node: LiveNode;
  const runs = {} as Record<'node' | 'sh', { run: CollectorRun; snap: ReadSnapshot }>;

  beforeAll(async () => {
    ensureBuilt();
    node = createLiveNode();
    for (const implementation of ['node', 'sh'] as const) {
      const traffic = node.startPodTraffic(5);
      try {
        const run = runCollector(node, implementation, ['--sysroot', node.sysroot.root, '--pcap', 'cni0', '--pcap-seconds', '2', '--case-id', 'CASE-42']);
        runs[implementation] = { run, snap: await readSnapshot(run.path) };
      } finally {
        traffic.kill();
      }
    }
  }, 300_000);

  afterAll(() => node?.destroy());

  it('writes the same member list', () => {
    expect([...runs.sh.snap.order].sort()).toEqual([...runs.node.snap.order].sort());
    expect(runs.sh.snap.order.length).toBeGreaterThan(60);
  });

  it('names both tarballs alike', () => {
    const strip = (top: string) => top.replace(/\d{8}T\d{6}Z$/, '');
    expect(strip(runs.sh.snap.top)).toBe(strip(runs.node.snap.top));
    expect(runs.sh.snap.top).toContain('-CASE-42-');
  });

  it('opens both with plain tar -tzf, listing the same files and nothing else', () => {
    const list = (path: string) => {
      const r = spawnSync('tar', ['-tzf', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const sh = list(runs.sh.run.path);
    const nodeList = list(runs.node.run.path);
    expect(sh.split('\n').filter((l) => l.endsWith('/'))).toEqual([]);
    // tar quotes odd names the same way for both; compare below the differing top folder
    const rel = (text: string) => text.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('/') + 1)).sort();
    expect(rel(sh)).toEqual(rel(nodeList));
  });

  it('writes manifests of the same shape, header and snapshot.json included', () => {
    expect(shape(runs.sh.snap.manifest)).toEqual(shape(runs.node.snap.manifest));
    expect(shape(runs.sh.snap.header)).toEqual(shape(runs.node.snap.header));
  });

  it('records the same items in the same order with the same outcome', () => {
    const outcome = (i: ManifestItem) => [keyOf(i), i.kind, i.status, i.reason?.replace(/^exit code \d+$/, 'exit code N') ?? null];
    expect(runs.sh.snap.manifest.items.map(outcome)).toEqual(runs.node.snap.manifest.items.map(outcome));
  });

  it('gives each item the same fields', () => {
    const sh = new Map(runs.sh.snap.manifest.items.map((i) => [keyOf(i), i]));
    for (const item of runs.node.snap.manifest.items) {
      const twin = sh.get(keyOf(item));
      expect(Object.keys(twin ?? {}).sort(), keyOf(item)).toEqual(Object.keys(item).sort());
    }
  });

  it('copies sysroot files byte for byte alike, with the same metadata and redactions', () => {
    const sh = new Map(runs.sh.snap.manifest.items.map((i) => [keyOf(i), i]));
    let compared = 0;
    for (const item of runs.node.snap.manifest.items.filter(isStaticFile)) {
      const twin = sh.get(keyOf(item)) as ManifestItem;
      expect(twin.output, keyOf(item)).toEqual(item.output);
      expect([twin.mtime, twin.mode, twin.fileSize], keyOf(item)).toEqual([item.mtime, item.mode, item.fileSize]);
      if (item.output) compared++;
    }
    expect(compared).toBeGreaterThan(20);
    const staticMembers = new Set(runs.node.snap.manifest.items.filter(isStaticFile).map((i) => i.output?.member));
    const redactions = (run: ReadSnapshot) => run.manifest.redactions.filter((r) => staticMembers.has(r.member));
    expect(redactions(runs.sh.snap)).toEqual(redactions(runs.node.snap));
    expect(redactions(runs.node.snap).length).toBeGreaterThan(0);
  });
});
