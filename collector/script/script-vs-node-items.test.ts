import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest, ManifestItem } from '../registry/manifest.js';
import type { SourceSpec } from '../registry/types.js';
import { collect } from '../run/collect.js';
import { readSnapshot } from '../../test/support/snapshot-archive.js';
import type { ReadSnapshot } from '../../test/support/snapshot-archive.js';
import { writeCollectorScript } from '../../test/support/nodesnap-cli.js';
import { shVariants } from '../../test/support/sh-variants.js';

/**
 * The two collectors item by item on a registry made for the corner cases, without root or
 * namespaces: symlinks inside a sysroot (absolute, relative, through folders, loops, dangling),
 * dot-files, FIFOs and folders where files are expected, maxFiles and maxBytes, private key
 * names, redaction, hostile names; commands with fallbacks, missing tools, missing modules,
 * --since, $SYSROOT and $SINCE in shell items, output caps. Everything here is deterministic,
 * so the snapshots must agree member for member and byte for byte.
 */
const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeoAoGCCqGSM49\nAwEHoUQDQgAEFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\n-----END EC PRIVATE KEY-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfakeCERTIFICATEbody0123456789abcdefghijklmnopqrstuvwxyzABCDEF\n-----END CERTIFICATE-----\n';
const HOSTILE = ['we"ird\\name\ttab.conf', 'ünïcødé-配置.conf', "new\nline 'q' $(x).conf", '-dash.conf', ' space.conf'];

const REGISTRY: SourceSpec[] = [
  {
    name: 'certs',
    category: 'certs',
    description: 'find specs, links, keys',
    items: [
      {
        kind: 'files',
        id: 'certs',
        root: 'host',
        patterns: ['/etc/docker/*.pem'],
        find: [
          { dir: '/etc/kubernetes', maxDepth: 3, names: ['*.crt', '*.pem'] },
          { dir: '/var/lib/kubelet/pki', maxDepth: 1, names: ['*.pem'] },
          { dir: '/etc/absent', maxDepth: 2, names: ['*.crt'] },
        ],
        maxFiles: 50,
        maxBytes: 4096,
      },
    ],
  },
  {
    name: 'cni-config',
    category: 'cni',
    description: 'one-level patterns',
    items: [{ kind: 'files', id: 'net-d', root: 'host', patterns: ['/etc/cni/net.d/*'], maxFiles: 100 }],
  },
  {
    name: 'cni-ipam',
    category: 'cni',
    description: 'a glob in the middle, maxFiles',
    items: [{ kind: 'files', id: 'networks', root: 'host', patterns: ['/var/lib/cni/networks/*/*'], maxFiles: 4, maxBytes: 10 }],
  },
  {
    name: 'linked-dir',
    category: 'kubernetes',
    description: 'a folder reached through an absolute link; a literal path through it',
    items: [{ kind: 'files', id: 'configs', root: 'host', patterns: ['/etc/k8s-link/*.yaml', '/etc/k8s-link/admin.conf'] }],
  },
  { name: 'absent', category: 'system', description: 'nothing matches', items: [{ kind: 'files', id: 'none', root: 'host', patterns: ['/etc/absent/*', '/etc/absent.conf'] }] },
  { name: 'kernel-file', category: 'kernel', description: 'kernel root, through /proc/self', items: [{ kind: 'files', id: 'ostype', root: 'kernel', patterns: ['/proc/sys/kernel/ostype', '/proc/self/comm'] }] },
  {
    name: 'commands',
    category: 'system',
    description: 'command items',
    items: [
      { kind: 'command', id: 'echo', argv: ['echo', 'hello'], ext: 'txt' },
      { kind: 'command', id: 'fallback', argv: ['nodesnap-no-such-tool', '-j'], fallbacks: [['echo', 'from fallback']], ext: 'txt' },
      { kind: 'command', id: 'failing-then-ok', argv: ['false'], fallbacks: [['echo', 'second']], ext: 'txt' },
      { kind: 'command', id: 'failing', argv: ['sh', '-c', 'echo out; echo "token: abc123def" >&2; exit 3'], ext: 'txt' },
      { kind: 'command', id: 'missing', argv: ['nodesnap-no-such-tool'], fallbacks: [['nodesnap-no-such-tool-2']], ext: 'txt' },
      { kind: 'command', id: 'module', argv: ['echo', 'x'], ext: 'txt', requiresModules: ['nodesnap_no_such_module', 'nodesnap_other'] },
      { kind: 'command', id: 'any-module', argv: ['echo', 'x'], ext: 'txt', requiresAnyModule: ['nodesnap_no_such_module', 'nodesnap_other'] },
      { kind: 'command', id: 'since', argv: ['echo', 'logs'], sinceArgs: ['--since', '{since}', 'at={since}!'], ext: 'txt' },
      { kind: 'command', id: 'capped', argv: ['yes', 'nodesnap'], ext: 'txt', maxBytes: 1000 },
      { kind: 'command', id: 'json', argv: ['echo', '{"password": "hunter2", "ok": 1}'], ext: 'json' },
    ],
  },
  {
    name: 'shells',
    category: 'system',
    description: 'shell items',
    items: [
      { kind: 'shell', id: 'env', tools: ['cat'], ext: 'txt', script: 'echo "sysroot=${SYSROOT##*/}"; echo "since=$SINCE"; cat "$SYSROOT/etc/hostname"' },
      { kind: 'shell', id: 'no-tool', tools: ['nodesnap-no-such-tool'], ext: 'txt', script: 'nodesnap-no-such-tool' },
      { kind: 'shell', id: 'stderr-only', tools: ['sh'], ext: 'txt', script: 'echo "only stderr" >&2' },
    ],
  },
  { name: 'skipped-source', category: 'system', description: 'excluded by --skip', items: [{ kind: 'command', id: 'never', argv: ['echo', 'never'], sinceArgs: ['--since', '{since}'], ext: 'txt' }, { kind: 'files', id: 'f', root: 'host', patterns: ['/etc/hostname'] }] },
];

function put(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

function plant(root: string): void {
  put(root, '/etc/hostname', 'node-7\n');
  put(root, '/etc/kubernetes/pki/ca.crt', CERT);
  put(root, '/etc/kubernetes/pki/apiserver.key', KEY);
  put(root, '/etc/kubernetes/pki/etcd/server-key.pem', KEY);
  put(root, '/etc/kubernetes/pki/etcd/server.crt', CERT);
  put(root, '/etc/kubernetes/pki/etcd/deep/too-deep.crt', CERT);
  put(root, '/etc/kubernetes/.hidden.crt', CERT);
  put(root, '/etc/kubernetes/big.pem', CERT.repeat(60));
  mkdirSync(join(root, '/etc/kubernetes/dir.crt'), { recursive: true });
  put(root, '/opt/pki/linked.crt', CERT);
  symlinkSync('/opt/pki', join(root, '/etc/kubernetes/pki/linked'));
  symlinkSync('/etc/kubernetes', join(root, '/etc/kubernetes/pki/loop'));
  symlinkSync('../../nowhere.crt', join(root, '/etc/kubernetes/dangling.crt'));
  put(root, '/etc/docker/cert.pem', CERT);
  put(root, '/etc/docker/key.pem', KEY);
  put(root, '/etc/docker/ca.pem', CERT);
  put(root, '/var/lib/kubelet/pki/kubelet-client-2024.pem', CERT + KEY);
  symlinkSync('/var/lib/kubelet/pki/kubelet-client-2024.pem', join(root, '/var/lib/kubelet/pki/kubelet-client-current.pem'));
  put(root, '/etc/cni/net.d/10-flannel.conflist', '{"name":"cbr0","plugins":[{"type":"flannel"}]}\n');
  put(root, '/etc/cni/net.d/.hidden.conf', 'hidden\n');
  put(root, '/etc/cni/net.d/empty.conf', '');
  for (const name of HOSTILE) put(root, `/etc/cni/net.d/${name}`, `{"name":${JSON.stringify(name)}}\n`);
  mkdirSync(join(root, '/etc/cni/net.d/subdir.conf'));
  spawnSync('mkfifo', [join(root, '/etc/cni/net.d/fifo.conf')]);
  symlinkSync('/nowhere', join(root, '/etc/cni/net.d/dangling.conf'));
  symlinkSync('10-flannel.conflist', join(root, '/etc/cni/net.d/relative-link.conf'));
  for (const ip of ['10.244.1.2', '10.244.1.3', '10.244.1.4', '10.244.1.5', '10.244.1.6']) put(root, `/var/lib/cni/networks/cbr0/${ip}`, `container-${ip}\neth0`);
  put(root, '/var/lib/cni/networks/cbr0/last_reserved_ip.0', '10.244.1.6');
  put(root, '/opt/k8s/kubelet.yaml', 'kind: KubeletConfiguration\n');
  put(root, '/opt/k8s/admin.conf', ['users:', '- name: admin', '  user:', '    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUZha2U=', '    token: abcdef.0123456789abcdef', ''].join('\n'));
  symlinkSync('/opt/k8s', join(root, '/etc/k8s-link'));
  chmodSync(join(root, '/opt/k8s/admin.conf'), 0o600);
}

/** An item without what legitimately differs between two runs: durations, and how a capped command died. */
function comparable(item: ManifestItem): Partial<ManifestItem> {
  const { durationMs: _d, ...rest } = item;
  if (item.reason === 'output cap reached') {
    delete rest.exitCode;
    delete rest.signal;
  }
  return rest;
}

const work = mkdtempSync(join(tmpdir(), 'nodesnap-items-'));
const root = join(work, 'root');
const VARIANTS = shVariants(work);
const ATTACH = [join(work, 'notes.log'), join(work, 'blob.bin')];
const ARGS = ['--sysroot', root, '--since', '2d', '--skip', 'skipped-source', '--label', 'same', '--attach', ATTACH[0] as string, '--attach', ATTACH[1] as string];
let nodeRun: ReadSnapshot;

beforeAll(async () => {
  plant(root);
  writeFileSync(ATTACH[0] as string, 'kubelet restarted\nAuthorization: Bearer abcdefghijklmnop\n');
  writeFileSync(ATTACH[1] as string, Buffer.from([1, 0, 2, 0, 0x0a, 0x74, 0x6f, 0x6b]));
  mkdirSync(join(work, 'node'));
  const node = await collect({ sysroot: root, out: join(work, 'node'), since: '2d', skip: ['skipped-source'], label: 'same', attach: ATTACH }, REGISTRY);
  nodeRun = await readSnapshot(node.path);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(VARIANTS.map((v) => [v.name, v] as const))('sh collector (%s) vs Node collector, item by item', (name, variant) => {
  const runs = {} as { node: ReadSnapshot; sh: ReadSnapshot };

  beforeAll(async () => {
    runs.node = nodeRun;
    const out = join(work, `sh-${name.replace(/[^a-z]+/g, '-')}`);
    mkdirSync(out);
    const script = writeCollectorScript(join(out, 'collect.sh'), REGISTRY);
    const [program, ...pre] = variant.shell;
    const sh = spawnSync(program as string, [...pre, script, ...ARGS, '--out', out], { encoding: 'utf8', env: variant.env });
    if (sh.status !== 0) throw new Error(`sh collector failed (${sh.status}): ${sh.stderr}`);
    const file = readdirSync(out).find((f) => f.endsWith('.tar.gz'));
    runs.sh = await readSnapshot(join(out, file as string));
  }, 120_000);

  it('writes the same members', () => {
    expect([...runs.sh.order].sort()).toEqual([...runs.node.order].sort());
  });

  it('puts snapshot.json first and manifest.json last, and nothing but files', () => {
    for (const run of [runs.node, runs.sh]) {
      expect(run.order[0]).toBe('snapshot.json');
      expect(run.order.at(-1)).toBe('manifest.json');
      expect(run.otherEntries).toEqual([]);
    }
  });

  it('writes the same bytes in every member but the header and the manifest', () => {
    const node = runs.node as ReadSnapshot;
    const sh = runs.sh as ReadSnapshot;
    for (const [member, data] of node.members) {
      if (member === 'snapshot.json' || member === 'manifest.json' || member === 'kernel-file/proc/self/comm') continue;
      expect(sh.members.get(member)?.toString('latin1'), member).toBe(data.toString('latin1'));
    }
  });

  it('records the same items, in the same order, with the same fields', () => {
    const node = runs.node.manifest.items.filter((i) => i.path !== '/proc/self/comm');
    const sh = runs.sh.manifest.items.filter((i) => i.path !== '/proc/self/comm');
    const header = (m: Manifest['items']) => m.filter((i) => i.kind === 'header').map((i) => ({ keys: Object.keys(i).sort(), source: i.source, item: i.item, status: i.status, member: i.output?.member }));
    expect(header(sh)).toEqual(header(node));
    expect(sh.filter((i) => i.kind !== 'header').map(comparable)).toEqual(node.filter((i) => i.kind !== 'header').map(comparable));
  });

  it('lists the same redactions', () => {
    expect(runs.sh.manifest.redactions).toEqual(runs.node.manifest.redactions);
    expect(runs.node.manifest.redactions.length).toBeGreaterThan(0);
  });

  it('agrees on the manifest header fields that do not depend on the implementation', () => {
    const pick = (m: Manifest) => ({ ...m, collector: { ...m.collector, implementation: null }, commandLine: null, collectedAt: null, finishedAt: null, items: null, redactions: null, summary: { ...m.summary, bytes: null } });
    expect(pick(runs.sh.manifest)).toEqual(pick(runs.node.manifest));
    expect(runs.sh.manifest.collector.implementation).toBe('sh');
  });

  it('covers the corner cases it is meant to (the registry above exercises what it claims)', () => {
    const items = runs.sh.manifest.items;
    const byPath = (p: string) => items.find((i) => i.path === p);
    expect(byPath('/etc/docker/key.pem')?.reason).toBe('private key file');
    expect(byPath('/etc/kubernetes/pki/etcd/server-key.pem')?.reason).toBe('private key file');
    expect(byPath('/var/lib/kubelet/pki/kubelet-client-current.pem')?.status).toBe('ok');
    expect(byPath('/etc/kubernetes/pki/linked/linked.crt')?.status).toBe('ok');
    expect(byPath('/etc/kubernetes/.hidden.crt')?.status).toBe('ok');
    expect(byPath('/etc/cni/net.d/.hidden.conf')).toBeUndefined();
    expect(byPath('/etc/cni/net.d/fifo.conf')).toBeUndefined();
    expect(byPath('/etc/cni/net.d/relative-link.conf')?.status).toBe('ok');
    expect(byPath('/etc/kubernetes/pki/etcd/deep/too-deep.crt')).toBeUndefined();
    expect(items.some((i) => i.path?.includes('/loop/'))).toBe(false);
    expect(byPath('/etc/kubernetes/big.pem')).toMatchObject({ truncated: true, reason: 'output cap reached' });
    for (const name of HOSTILE) expect(byPath(`/etc/cni/net.d/${name}`)?.status, name).toBe('ok');
    expect(items.filter((i) => i.reason === 'more than maxFiles (4) files matched')).toHaveLength(2);
    expect(items.find((i) => i.source === 'absent')).toMatchObject({ status: 'skipped', reason: 'no matching files' });
    const cmd = (id: string) => items.find((i) => i.source === 'commands' && i.item === id);
    expect(cmd('fallback')).toMatchObject({ status: 'ok', argv: ['echo', 'from fallback'] });
    expect(cmd('missing')).toMatchObject({ status: 'skipped', reason: 'tool not found: nodesnap-no-such-tool, nodesnap-no-such-tool-2' });
    expect(cmd('module')).toMatchObject({ reason: 'module not loaded: nodesnap_no_such_module, nodesnap_other' });
    expect(cmd('since')).toMatchObject({ argv: ['echo', 'logs', '--since', '-48h', 'at=-48h!'] });
    expect(cmd('capped')).toMatchObject({ status: 'ok', truncated: true, output: { bytes: 1000 } });
    expect(cmd('failing')).toMatchObject({ status: 'failed', exitCode: 3, reason: 'exit code 3' });
    expect(items.find((i) => i.item === 'never')).toMatchObject({ status: 'skipped', reason: 'excluded by --skip', argv: ['echo', 'never'] });
    expect(items.filter((i) => i.kind === 'attachment').map((i) => [i.item, i.reason])).toEqual([
      ['01-notes.log', 'attachment kind: text'],
      ['02-blob.bin', 'attachment kind: binary'],
    ]);
    expect(runs.sh.members.get('attachments/01-notes.log')?.toString()).toContain('Bearer <REDACTED>');
    const env = runs.sh.members.get('shells/env.txt')?.toString();
    expect(env).toBe('sysroot=root\nsince=48h\nnode-7\n');
  });
});
