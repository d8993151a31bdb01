import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_NAME, MANIFEST_NAME } from '../registry/layout.js';
import type { ManifestItem } from '../registry/manifest.js';
import type { SourceSpec } from '../registry/types.js';
import { redactText } from '../redact/index.js';
import { collect, CollectUsageError } from './collect.js';
import { checksumProblems, readSnapshot } from './test-helpers/read-snapshot.js';

let work: string;
let fakeKernel: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nodesnap-collect-'));
  // A kernel with ip_vs loaded, nf_conntrack only as a module (=m, not loaded), nothing else.
  fakeKernel = mkdtempSync(join(tmpdir(), 'nodesnap-fake-kernel-'));
  mkdirSync(join(fakeKernel, 'proc'));
  mkdirSync(join(fakeKernel, 'sys/module'), { recursive: true });
  writeFileSync(join(fakeKernel, 'proc/modules'), 'ip_vs 176128 0 - Live 0x0000000000000000\n');
  writeFileSync(join(fakeKernel, 'proc/config.gz'), gzipSync('CONFIG_NF_CONNTRACK=m\n'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(fakeKernel, { recursive: true, force: true });
});

function outDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function find(items: ManifestItem[], source: string, item?: string): ManifestItem {
  const found = items.find((i) => i.source === source && (item === undefined || i.item === item));
  if (!found) throw new Error(`no manifest item ${source}/${item ?? '*'}`);
  return found;
}

const text = (data: Buffer | undefined): string => data?.toString('utf8') ?? '';

/** A small registry exercising every outcome of a command. */
const COMMANDS: SourceSpec[] = [
  { name: 'hello', category: 'system', description: 'echo', items: [{ kind: 'command', id: 'hello', argv: ['echo', 'hello world'], ext: 'txt' }] },
  {
    name: 'hang',
    category: 'system',
    description: 'a command that never ends',
    items: [{ kind: 'shell', id: 'hang', tools: ['sleep'], ext: 'txt', timeoutSeconds: 1, script: 'echo before-hang; sleep 100' }],
  },
  {
    name: 'fails',
    category: 'system',
    description: 'exits non-zero',
    items: [{ kind: 'shell', id: 'fails', tools: ['sh'], ext: 'txt', script: 'echo partial; echo "it broke" >&2; exit 3' }],
  },
  { name: 'missing', category: 'system', description: 'not installed', items: [{ kind: 'command', id: 'missing', argv: ['nodesnap-no-such-tool', '-x'], ext: 'txt' }] },
  {
    name: 'fallback',
    category: 'network',
    description: 'first argv fails, second works',
    items: [{ kind: 'command', id: 'fallback', argv: ['sh', '-c', 'exit 1'], fallbacks: [['nodesnap-no-such-tool'], ['echo', 'from fallback']], ext: 'txt' }],
  },
  { name: 'after', category: 'system', description: 'runs after the others', items: [{ kind: 'command', id: 'after', argv: ['echo', 'still collected'], ext: 'txt' }] },
];

describe('collect() with a small registry', () => {
  it('cuts a hanging command at its timeout, records failures and missing tools, and goes on', async () => {
    const started = Date.now();
    const result = await collect({ out: outDir('outcomes') }, COMMANDS);
    expect(Date.now() - started).toBeLessThan(10_000);
    const snapshot = await readSnapshot(result.path);
    const items = snapshot.manifest.items;

    const hang = find(items, 'hang');
    expect(hang.status).toBe('timeout');
    expect(hang.argv).toEqual(['sh', '-c', 'echo before-hang; sleep 100']);
    expect(text(snapshot.members.get('hang/hang.txt'))).toBe('before-hang\n');

    const fails = find(items, 'fails');
    expect(fails).toMatchObject({ status: 'failed', exitCode: 3, reason: 'exit code 3' });
    expect(text(snapshot.members.get('fails/fails.txt'))).toBe('partial\n');
    expect(text(snapshot.members.get('fails/fails.stderr'))).toBe('it broke\n');
    expect(fails.stderr?.member).toBe('fails/fails.stderr');

    expect(find(items, 'missing')).toMatchObject({ status: 'skipped', reason: 'tool not found: nodesnap-no-such-tool' });
    expect(find(items, 'missing').output).toBeUndefined();

    const fallback = find(items, 'fallback');
    expect(fallback).toMatchObject({ status: 'ok', argv: ['echo', 'from fallback'], exitCode: 0 });
    expect(text(snapshot.members.get('fallback/fallback.txt'))).toBe('from fallback\n');

    expect(find(items, 'after').status).toBe('ok');
    expect(text(snapshot.members.get('after/after.txt'))).toBe('still collected\n');
    expect(snapshot.manifest.summary).toMatchObject({ ok: 4, failed: 1, timeout: 1, skipped: 1 });
    expect(checksumProblems(snapshot)).toEqual([]);
  });

  it('writes snapshot.json first, items in registry order whatever finishes first, manifest.json last', async () => {
    // Later items finish first: with 4 commands at once the archive must still follow the registry.
    const sources: SourceSpec[] = [5, 4, 3, 2, 1, 0].map((n) => ({
      name: `step-${n}`,
      category: 'system',
      description: 'sleeps then prints',
      items: [{ kind: 'shell', id: 'out', tools: ['sleep', 'date'], ext: 'txt', script: `date +%s%N; sleep 0.${n}; date +%s%N` }],
    }));
    const result = await collect({ out: outDir('order'), concurrency: 4, commandLine: ['nodesnap', 'collect', '--concurrency', '4'] }, sources);
    const snapshot = await readSnapshot(result.path);
    // each item printed when it started and ended: with 4 at once, the longest runs overlap
    const spans = [5, 4, 3, 2, 1, 0].map((n) => text(snapshot.members.get(`step-${n}/out.txt`)).trim().split('\n').map(BigInt));
    const [first, second] = spans as [bigint[], bigint[]];
    expect(second[0]! < first[1]! && first[0]! < second[1]!).toBe(true);
    const top = snapshot.top;
    expect(top).toMatch(/^nodesnap-.+-\d{8}T\d{6}Z$/);
    expect(result.path.endsWith(`${top}.tar.gz`)).toBe(true);
    expect(snapshot.names).toEqual([
      `${top}/${HEADER_NAME}`,
      ...[5, 4, 3, 2, 1, 0].map((n) => `${top}/step-${n}/out.txt`),
      `${top}/${MANIFEST_NAME}`,
    ]);
    const header = JSON.parse(text(snapshot.members.get(HEADER_NAME)));
    expect(header).toMatchObject({ format: 'nodesnap-snapshot', collector: { name: 'nodesnap', implementation: 'node' }, commandLine: ['nodesnap', 'collect', '--concurrency', '4'] });
    expect(header.clock.utcOffset).toMatch(/^[+-]\d{4}$/);
    expect(snapshot.manifest.items[0]).toMatchObject({ source: 'snapshot', kind: 'header', status: 'ok', output: { member: HEADER_NAME } });
    expect(snapshot.manifest.collectedAt).toBe(header.collectedAt);
    expect(checksumProblems(snapshot)).toEqual([]);
  });

  it('honours --only and --skip, and rejects unknown sources before writing anything', async () => {
    const dir = outDir('only-skip');
    const only = await readSnapshot((await collect({ out: dir, only: ['hello,after'] }, COMMANDS)).path);
    expect([...only.members.keys()].filter((m) => m.endsWith('.txt'))).toEqual(['hello/hello.txt', 'after/after.txt']);
    expect(find(only.manifest.items, 'hang')).toMatchObject({ status: 'skipped', reason: 'excluded by --only' });

    const skip = await readSnapshot((await collect({ out: dir, skip: ['hang', 'fails'] }, COMMANDS)).path);
    expect(find(skip.manifest.items, 'fails')).toMatchObject({ status: 'skipped', reason: 'excluded by --skip', argv: ['sh', '-c', expect.any(String)] });
    expect(find(skip.manifest.items, 'hello').status).toBe('ok');

    const before = readdirSync(dir).length;
    await expect(collect({ out: dir, only: ['hello', 'nope'] }, COMMANDS)).rejects.toThrow(CollectUsageError);
    await expect(collect({ out: dir, skip: ['nope'] }, COMMANDS)).rejects.toThrow(/unknown source: nope/);
    await expect(collect({ out: dir, attach: [join(work, 'no-such-file')] }, COMMANDS)).rejects.toThrow(CollectUsageError);
    await expect(collect({ out: dir, since: 'yesterday' }, COMMANDS)).rejects.toThrow(CollectUsageError);
    await expect(collect({ out: dir, maxSize: 0 }, COMMANDS)).rejects.toThrow(CollectUsageError);
    expect(readdirSync(dir).length).toBe(before);
  });

  it('skips items whose kernel modules are absent, without running them', async () => {
    const marker = join(work, 'module-item-ran');
    const sources: SourceSpec[] = [
      {
        name: 'ipvs',
        category: 'netfilter',
        description: 'needs ip_vs (loaded in the fake kernel)',
        items: [{ kind: 'shell', id: 'ipvs', tools: ['sh'], ext: 'txt', requiresModules: ['ip_vs'], script: 'echo ipvs-ran' }],
      },
      {
        name: 'conntrack',
        category: 'netfilter',
        description: 'needs nf_conntrack (only =m in the fake kernel)',
        items: [{ kind: 'shell', id: 'ct', tools: ['sh'], ext: 'txt', requiresModules: ['nf_conntrack'], script: `touch ${marker}` }],
      },
      {
        name: 'any',
        category: 'netfilter',
        description: 'needs one of two absent modules',
        items: [{ kind: 'command', id: 'any', argv: ['touch', marker], ext: 'txt', requiresAnyModule: ['ip_tables', 'nf_tables'] }],
      },
    ];
    const snapshot = await readSnapshot((await collect({ out: outDir('modules'), kernelRoot: fakeKernel }, sources)).path);
    expect(find(snapshot.manifest.items, 'ipvs').status).toBe('ok');
    expect(text(snapshot.members.get('ipvs/ipvs.txt'))).toBe('ipvs-ran\n');
    expect(find(snapshot.manifest.items, 'conntrack')).toMatchObject({ status: 'skipped', reason: 'module not loaded: nf_conntrack' });
    expect(find(snapshot.manifest.items, 'any')).toMatchObject({ status: 'skipped', reason: 'none of these modules loaded: ip_tables, nf_tables' });
    expect(readdirSync(work)).not.toContain('module-item-ran');
  });

  it('truncates at the size cap, then skips, and still writes a valid manifest', async () => {
    const sources: SourceSpec[] = [
      { name: 'first', category: 'system', description: '40 kB', items: [{ kind: 'shell', id: 'a', tools: ['head'], ext: 'txt', script: 'yes aaaaaaa | head -c 40000' }] },
      { name: 'second', category: 'system', description: '40 kB', items: [{ kind: 'shell', id: 'b', tools: ['head'], ext: 'txt', script: 'yes bbbbbbb | head -c 40000' }] },
      { name: 'third', category: 'system', description: 'small', items: [{ kind: 'command', id: 'c', argv: ['echo', 'c'], ext: 'txt' }] },
    ];
    const result = await collect({ out: outDir('cap'), maxSize: 60_000 }, sources);
    const snapshot = await readSnapshot(result.path);
    const { items, summary } = snapshot.manifest;
    const headerBytes = find(items, 'snapshot').output?.bytes ?? 0;
    expect(find(items, 'first')).toMatchObject({ status: 'ok', truncated: false, output: { bytes: 40_000 } });
    expect(find(items, 'second')).toMatchObject({ status: 'ok', truncated: true, reason: 'snapshot size cap reached' });
    expect(find(items, 'second').output?.bytes).toBe(60_000 - headerBytes - 40_000);
    expect(find(items, 'third')).toMatchObject({ status: 'skipped', reason: 'snapshot size cap reached' });
    expect(find(items, 'third').output).toBeUndefined();
    expect(summary.bytes).toBe(60_000);
    expect(summary.truncated).toBe(2);
    expect(checksumProblems(snapshot)).toEqual([]);
  });

  it('keeps the output cap of one item and marks it truncated', async () => {
    const sources: SourceSpec[] = [
      { name: 'big', category: 'system', description: 'endless', items: [{ kind: 'command', id: 'yes', argv: ['yes'], ext: 'txt', maxBytes: 5000 }] },
    ];
    const snapshot = await readSnapshot((await collect({ out: outDir('item-cap') }, sources)).path);
    expect(find(snapshot.manifest.items, 'big')).toMatchObject({ status: 'ok', truncated: true, output: { bytes: 5000 } });
  });

  it('appends sinceArgs and sets SINCE and SYSROOT when asked', async () => {
    const sysroot = mkdtempSync(join(work, 'root-'));
    const sources: SourceSpec[] = [
      { name: 'log', category: 'logs', description: 'journal', items: [{ kind: 'command', id: 'journal', argv: ['echo', 'journalctl'], sinceArgs: ['--since', '{since}'], ext: 'txt' }] },
      { name: 'vars', category: 'system', description: 'env', items: [{ kind: 'shell', id: 'vars', tools: ['sh'], ext: 'txt', script: 'echo "since=$SINCE sysroot=$SYSROOT lc=$LC_ALL"' }] },
    ];
    const snapshot = await readSnapshot((await collect({ out: outDir('since'), since: '1d', sysroot }, sources)).path);
    expect(find(snapshot.manifest.items, 'log').argv).toEqual(['echo', 'journalctl', '--since', '-24h']);
    expect(text(snapshot.members.get('log/journal.txt'))).toBe('journalctl --since -24h\n');
    expect(text(snapshot.members.get('vars/vars.txt'))).toBe(`since=24h sysroot=${sysroot} lc=C\n`);
    expect(snapshot.manifest.since).toBe('1d');
    expect(snapshot.manifest.sysroot).toBe(sysroot);
  });

  it('spills a big output to a temp file and writes it whole', async () => {
    const line = '-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y';
    const size = 50_000 * (line.length + 1);
    const sources: SourceSpec[] = [
      { name: 'big', category: 'netfilter', description: '4 MB of lines', items: [{ kind: 'shell', id: 'rules', tools: ['awk'], ext: 'txt', script: `awk 'BEGIN { for (i = 0; i < 50000; i++) print "${line}" }'` }] },
    ];
    const snapshot = await readSnapshot((await collect({ out: outDir('spill') }, sources)).path);
    const data = snapshot.members.get('big/rules.txt');
    expect(size).toBeGreaterThan(2 * 1024 * 1024); // beyond what a spool keeps in memory
    expect(data?.length).toBe(size);
    expect(data?.subarray(0, line.length + 1).toString()).toBe(`${line}\n`);
    expect(find(snapshot.manifest.items, 'big')).toMatchObject({ status: 'ok', truncated: false, output: { bytes: size } });
    expect(checksumProblems(snapshot)).toEqual([]);
  });

  it('attaches captures as they are and text redacted, with the kind recorded', async () => {
    const pcap = Buffer.alloc(24 + 16 + 60);
    pcap.writeUInt32LE(0xa1b2c3d4, 0);
    pcap.writeUInt16LE(2, 4);
    pcap.writeUInt16LE(4, 6);
    pcap.writeUInt32LE(262144, 16);
    pcap.writeUInt32LE(1, 20);
    pcap.writeUInt32LE(60, 24 + 8);
    pcap.writeUInt32LE(60, 24 + 12);
    pcap.write('password=hunter2', 40); // bytes inside a packet are never touched
    const dir = outDir('attach');
    writeFileSync(join(dir, 'eth0 capture.pcap'), pcap);
    const log = 'I1121 kubelet started\nexport DB_PASSWORD=hunter2\n';
    writeFileSync(join(dir, 'kubelet.log'), log);
    const result = await collect({ out: join(dir, 'snap.tar.gz'), attach: [join(dir, 'eth0 capture.pcap'), join(dir, 'kubelet.log')] }, COMMANDS.slice(0, 1));
    expect(result.path).toBe(join(dir, 'snap.tar.gz'));
    const snapshot = await readSnapshot(result.path);
    expect(snapshot.members.get('attachments/01-eth0_capture.pcap')?.equals(pcap)).toBe(true);
    expect(find(snapshot.manifest.items, 'attachments', '01-eth0_capture.pcap')).toMatchObject({ kind: 'attachment', status: 'ok', reason: 'attachment kind: pcap', path: join(dir, 'eth0 capture.pcap') });
    const expected = redactText(log, 'attachments/02-kubelet.log').text;
    expect(expected).not.toContain('hunter2');
    expect(text(snapshot.members.get('attachments/02-kubelet.log'))).toBe(expected);
    expect(find(snapshot.manifest.items, 'attachments', '02-kubelet.log').reason).toBe('attachment kind: text');
    expect(snapshot.manifest.redactions.some((r) => r.member === 'attachments/02-kubelet.log')).toBe(true);
    expect(checksumProblems(snapshot)).toEqual([]);
  });

  it('records attachments left out by --skip without copying them', async () => {
    const dir = outDir('skip-attach');
    writeFileSync(join(dir, 'notes.txt'), 'notes\n');
    const sources: SourceSpec[] = [...COMMANDS.slice(0, 1), { name: 'attachments', category: 'capture', description: 'attached files', onDemand: true, items: [] }];
    const snapshot = await readSnapshot((await collect({ out: dir, attach: [join(dir, 'notes.txt')], skip: ['attachments'] }, sources)).path);
    expect(find(snapshot.manifest.items, 'attachments')).toMatchObject({ item: '01-notes.txt', kind: 'attachment', status: 'skipped', reason: 'excluded by --skip', path: join(dir, 'notes.txt') });
    expect([...snapshot.members.keys()].some((m) => m.startsWith('attachments/'))).toBe(false);
  });
});
