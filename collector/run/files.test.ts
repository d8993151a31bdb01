import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestItem } from '../registry/manifest.js';
import type { SourceSpec } from '../registry/types.js';
import { collect } from './collect.js';
import type { ReadSnapshot } from './test-helpers/read-snapshot.js';
import { checksumProblems, readSnapshot } from './test-helpers/read-snapshot.js';

const SECRET_KEY_DATA = 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVBdGVzdA==';

let work: string;
let sysroot: string;
let snapshot: ReadSnapshot;

function put(path: string, content: string): void {
  const full = join(sysroot, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
}

const SOURCES: SourceSpec[] = [
  {
    name: 'configs',
    category: 'kubernetes',
    description: 'one-level globs',
    items: [{ kind: 'files', id: 'configs', root: 'host', patterns: ['/etc/kubernetes/*.yaml', '/etc/kubernetes/manifests/*', '/etc/kubernetes/absent.yaml'] }],
  },
  {
    name: 'kubeconfigs',
    category: 'kubernetes',
    description: 'redacted files',
    items: [{ kind: 'files', id: 'kubeconfigs', root: 'host', patterns: ['/etc/kubernetes/*.conf'] }],
  },
  {
    name: 'certs',
    category: 'certs',
    description: 'find with symlinks',
    items: [
      {
        kind: 'files',
        id: 'certs',
        root: 'host',
        patterns: [],
        find: [
          { dir: '/etc/kubernetes', maxDepth: 2, names: ['*.crt', '*.key'] },
          { dir: '/var/lib/kubelet/pki', maxDepth: 1, names: ['*.pem'] },
        ],
      },
    ],
  },
  {
    name: 'capped',
    category: 'cni',
    description: 'maxFiles',
    items: [{ kind: 'files', id: 'networks', root: 'host', patterns: ['/var/lib/cni/networks/*/*'], maxFiles: 3, maxBytes: 4 }],
  },
  { name: 'nothing', category: 'cni', description: 'matches nothing', items: [{ kind: 'files', id: 'subnet-env', root: 'host', patterns: ['/run/flannel/subnet.env'] }] },
  {
    name: 'kernel-files',
    category: 'kernel',
    description: '/proc files report size 0',
    items: [{ kind: 'files', id: 'proc', root: 'kernel', patterns: ['/proc/loadavg', '/proc/self/mem'] }],
  },
];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nodesnap-files-'));
  sysroot = join(work, 'host');
  put('etc/machine-id', 'f00dfeedf00dfeedf00dfeedf00dfeed\n');
  put('etc/kubernetes/kubelet.yaml', 'kind: KubeletConfiguration\n');
  put('etc/kubernetes/.hidden.yaml', 'not for a glob\n');
  put('etc/kubernetes/manifests/etcd.yaml', 'kind: Pod\n');
  put('etc/kubernetes/manifests/kube-apiserver.yaml', 'kind: Pod\n');
  put('etc/kubernetes/admin.conf', `apiVersion: v1\nusers:\n- name: admin\n  user:\n    client-certificate-data: Q0VSVA==\n    client-key-data: ${SECRET_KEY_DATA}\n`);
  put('etc/kubernetes/pki/ca.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  put('etc/kubernetes/pki/apiserver.key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n');
  put('etc/kubernetes/pki/etcd/too-deep.crt', 'depth 3\n');
  put('var/lib/kubelet/pki/kubelet-client-2024-01-01.pem', '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n');
  // kubelet's rotation link is absolute: under a sysroot it must resolve inside it
  symlinkSync('/var/lib/kubelet/pki/kubelet-client-2024-01-01.pem', join(sysroot, 'var/lib/kubelet/pki/kubelet-client-current.pem'));
  // links that try to leave the sysroot land inside it (and find nothing there)
  put('../outside/stolen.crt', 'outside the sysroot\n');
  symlinkSync('../../../../../outside/stolen.crt', join(sysroot, 'etc/kubernetes/pki/escape.crt'));
  symlinkSync('/etc/hostname', join(sysroot, 'etc/kubernetes/pki/host-hostname.crt'));
  for (const n of [5, 1, 4, 2, 3]) put(`var/lib/cni/networks/cbr0/10.244.0.${n}`, `container-${n}\n`);
  utimesSync(join(sysroot, 'etc/kubernetes/pki/ca.crt'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
  chmodSync(join(sysroot, 'etc/kubernetes/pki/ca.crt'), 0o640);

  const result = await collect({ out: work, sysroot }, SOURCES);
  snapshot = await readSnapshot(result.path);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const items = (source: string): ManifestItem[] => snapshot.manifest.items.filter((i) => i.source === source);
const paths = (source: string): string[] => items(source).map((i) => i.path ?? '');

describe('file items under a sysroot', () => {
  it('expands one-level globs without dot-files, sorted, and records nothing for absent paths', () => {
    expect(paths('configs')).toEqual(['/etc/kubernetes/kubelet.yaml', '/etc/kubernetes/manifests/etcd.yaml', '/etc/kubernetes/manifests/kube-apiserver.yaml']);
    expect(snapshot.members.get('configs/etc/kubernetes/manifests/etcd.yaml')?.toString()).toBe('kind: Pod\n');
  });

  it('follows finds to their depth, resolves symlinks inside the sysroot, and never reads private keys', () => {
    const certs = items('certs');
    expect(certs.map((i) => [i.path, i.status])).toEqual([
      ['/etc/kubernetes/pki/apiserver.key', 'skipped'],
      ['/etc/kubernetes/pki/ca.crt', 'ok'],
      ['/var/lib/kubelet/pki/kubelet-client-2024-01-01.pem', 'ok'],
      ['/var/lib/kubelet/pki/kubelet-client-current.pem', 'ok'],
    ]);
    expect(certs[0]?.reason).toBe('private key file');
    expect(certs[0]?.output).toBeUndefined();
    expect(snapshot.members.get('certs/var/lib/kubelet/pki/kubelet-client-current.pem')?.toString()).toContain('MIIC');
    for (const data of snapshot.members.values()) expect(data.toString()).not.toContain('outside the sysroot');
    expect(snapshot.members.has('certs/etc/kubernetes/pki/etcd/too-deep.crt')).toBe(false);
  });

  it('records path, mtime, mode and size of each file', () => {
    expect(items('certs').find((i) => i.path === '/etc/kubernetes/pki/ca.crt')).toMatchObject({
      item: 'certs',
      kind: 'files',
      mtime: '2024-01-02T03:04:05.000Z',
      mode: '0640',
      fileSize: 59,
      output: { member: 'certs/etc/kubernetes/pki/ca.crt', bytes: 59 },
    });
  });

  it('takes at most maxFiles files and records the rest as skipped', () => {
    expect(items('capped').map((i) => [i.path, i.status])).toEqual([
      ['/var/lib/cni/networks/cbr0/10.244.0.1', 'ok'],
      ['/var/lib/cni/networks/cbr0/10.244.0.2', 'ok'],
      ['/var/lib/cni/networks/cbr0/10.244.0.3', 'ok'],
      ['/var/lib/cni/networks/cbr0/10.244.0.4', 'skipped'],
      ['/var/lib/cni/networks/cbr0/10.244.0.5', 'skipped'],
    ]);
    // maxBytes 4 per file
    expect(items('capped')[0]).toMatchObject({ truncated: true, output: { bytes: 4 } });
    expect(snapshot.members.get('capped/var/lib/cni/networks/cbr0/10.244.0.1')?.toString()).toBe('cont');
  });

  it('says "no matching files" once for a source that found nothing', () => {
    expect(items('nothing')).toEqual([expect.objectContaining({ item: 'subnet-env', status: 'skipped', reason: 'no matching files' })]);
  });

  it('reads /proc files to EOF although they report size 0, and records read errors', () => {
    const loadavg = items('kernel-files').find((i) => i.path === '/proc/loadavg');
    expect(loadavg).toMatchObject({ status: 'ok', fileSize: 0 });
    expect(loadavg?.output?.bytes).toBeGreaterThan(10);
    const mem = items('kernel-files').find((i) => i.path === '/proc/self/mem');
    expect(mem?.status).toBe('failed');
    expect(mem?.reason).toMatch(/EIO|input\/output/i);
  });

  it('redacts secrets in collected files and lists what it removed', () => {
    const conf = snapshot.members.get('kubeconfigs/etc/kubernetes/admin.conf')?.toString() ?? '';
    expect(conf).toContain('client-certificate-data: Q0VSVA==');
    expect(conf).not.toContain(SECRET_KEY_DATA);
    expect(snapshot.manifest.redactions.some((r) => r.member === 'kubeconfigs/etc/kubernetes/admin.conf' && r.count > 0)).toBe(true);
  });

  it('reads the machine id from the sysroot and checksums every member', () => {
    expect(snapshot.manifest.machineId).toBe('f00dfeedf00dfeedf00dfeedf00dfeed');
    expect(checksumProblems(snapshot)).toEqual([]);
  });
});
