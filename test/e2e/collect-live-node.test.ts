import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestItem } from '../../collector/registry/manifest.js';
import { PLANTED_IPTABLES } from '../support/live-node-iptables.js';
import { createLiveNode, liveNodeSkipReason } from '../support/live-node.js';
import type { LiveNode } from '../support/live-node.js';
import { HOSTILE_NAMES } from '../support/live-node-sysroot.js';
import { ensureBuilt } from '../support/nodesnap-cli.js';
import { runCollector } from '../support/run-collector.js';
import type { Implementation } from '../support/run-collector.js';
import { readSnapshot, sha256 } from '../support/snapshot-archive.js';
import type { ReadSnapshot } from '../support/snapshot-archive.js';

/**
 * Both collectors on a live flannel + kube-proxy node (network namespaces of our own and a
 * sysroot folder, see test/support/live-node.ts): the snapshot must hold the node's real state,
 * be internally consistent, and carry no secret.
 */
const skipReason = liveNodeSkipReason();
if (skipReason) console.warn(`skipping live-node collect tests: ${skipReason}`);

let node: LiveNode;

beforeAll(() => {
  if (skipReason) return;
  ensureBuilt();
  node = createLiveNode();
}, 300_000);

afterAll(() => node?.destroy());

/** Output member text of the item `source/item`, failing the test when it is missing. */
function output(snap: ReadSnapshot, source: string, item: string): string {
  const record = snap.manifest.items.find((i) => i.source === source && i.item === item);
  expect(record, `${source}/${item}`).toBeDefined();
  expect(record?.status, `${source}/${item}: ${record?.reason}`).toBe('ok');
  const data = snap.members.get(record?.output?.member ?? '');
  expect(data, `${source}/${item} member`).toBeDefined();
  return (data as Buffer).toString('utf8');
}

function fileItem(snap: ReadSnapshot, path: string): ManifestItem | undefined {
  return snap.manifest.items.find((i) => i.kind === 'files' && i.path === path);
}

describe.skipIf(skipReason !== null).each<Implementation>(['node', 'sh'])('%s collector on a live node', (implementation) => {
  let snap: ReadSnapshot;

  beforeAll(async () => {
    const traffic = node.startPodTraffic(6);
    try {
      const run = runCollector(node, implementation, ['--sysroot', node.sysroot.root, '--pcap', 'cni0', '--pcap-seconds', '2', '--label', 'e2e']);
      snap = await readSnapshot(run.path);
    } finally {
      traffic.kill();
    }
  }, 300_000);

  it('names the snapshot and its header after the node, the sysroot and the implementation', () => {
    expect(snap.top).toMatch(/^nodesnap-[A-Za-z0-9_.-]+-e2e-\d{8}T\d{6}Z$/);
    expect(snap.header.collector.implementation).toBe(implementation);
    expect(snap.header.sysroot).toBe(node.sysroot.root);
    expect(snap.header.machineId).toBe('4f1c2a9be0d84c6fa1a2b3c4d5e6f708');
    expect(snap.header.root).toBe(true);
    expect(snap.header.label).toBe('e2e');
    expect(snap.header.limits.pcapSeconds).toBe(2);
  });

  it('lists every member but manifest.json with its true size and sha256, snapshot.json first, manifest.json last', () => {
    const listed = new Map<string, { bytes: number; sha256: string }>();
    for (const item of snap.manifest.items) {
      for (const record of [item.output, item.stderr]) if (record) listed.set(record.member, record);
    }
    expect([...listed.keys()].sort()).toEqual(snap.order.filter((m) => m !== 'manifest.json').sort());
    for (const [member, record] of listed) {
      const data = snap.members.get(member) as Buffer;
      expect(data.length, member).toBe(record.bytes);
      expect(sha256(data), member).toBe(record.sha256);
    }
    expect(snap.order[0]).toBe('snapshot.json');
    expect(snap.order.at(-1)).toBe('manifest.json');
    expect(snap.otherEntries).toEqual([]);
    const s = snap.manifest.summary;
    expect(s.ok + s.failed + s.timeout + s.skipped).toBe(snap.manifest.items.length);
    expect(s.bytes).toBe([...listed.values()].reduce((n, r) => n + r.bytes, 0));
  });

  it('captures the kube-proxy and manual netfilter rules of the node namespace', () => {
    const rules = output(snap, 'iptables-save', 'iptables-save');
    for (const text of [PLANTED_IPTABLES.probabilityRule, PLANTED_IPTABLES.manualDnat, PLANTED_IPTABLES.postroutingMasquerade, PLANTED_IPTABLES.endpointDnat]) {
      expect(rules).toContain(text);
    }
    expect(rules).toMatch(new RegExp(`^${PLANTED_IPTABLES.forwardPolicy} \\[\\d+:\\d+\\]$`, 'm'));
    expect(rules).toMatch(/^\[\d+:\d+\] -A KUBE-SERVICES .* -j KUBE-SVC-3FNBBYIZCXANEL3B$/m);
    for (const chain of PLANTED_IPTABLES.endpointChains) expect(rules).toContain(`:${chain} - [0:0]`);
  });

  it('captures routes of every table, the vxlan route among them', () => {
    const routes = JSON.parse(output(snap, 'ip-route', 'ipv4')) as { dst: string; gateway?: string; dev?: string; table?: string; flags?: string[] }[];
    expect(routes).toContainEqual(expect.objectContaining({ dst: '10.244.2.0/24', gateway: '10.244.2.0', dev: 'flannel.1', flags: expect.arrayContaining(['onlink']) }));
    expect(routes).toContainEqual(expect.objectContaining({ dst: '10.96.0.0/12', dev: 'cni0', table: '100' }));
    expect(routes).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '192.168.50.1' }));
    expect(output(snap, 'ip-rule', 'ip-rule')).toContain('"table":"100"');
  });

  it('captures the links with their driver details: vxlan id 1 port 8472, the bridge and its veth', () => {
    type Link = { ifname: string; master?: string; linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> } };
    const links = JSON.parse(output(snap, 'ip-link', 'ip-link')) as Link[];
    const vxlan = links.find((l) => l.ifname === 'flannel.1');
    expect(vxlan?.linkinfo?.info_kind).toBe('vxlan');
    expect(vxlan?.linkinfo?.info_data).toMatchObject({ id: 1, port: 8472, local: '192.168.50.11', learning: false });
    expect(links.find((l) => l.ifname === 'cni0')?.linkinfo?.info_kind).toBe('bridge');
    expect(links.find((l) => l.ifname === node.planted.hostVeth)).toMatchObject({ master: 'cni0', linkinfo: { info_kind: 'veth' } });
    const addrs = output(snap, 'ip-addr', 'ip-addr');
    expect(addrs).toContain('"local":"10.244.1.0","prefixlen":32');
    expect(output(snap, 'bridge-fdb', 'bridge-fdb')).toContain('"mac":"5e:8e:4c:1a:2b:3c"');
  });

  it('captures the namespaced sysctls', () => {
    const sysctl = output(snap, 'sysctl', 'sysctl');
    for (const [key, value] of Object.entries(node.planted.sysctls)) expect(sysctl).toMatch(new RegExp(`^${key.replace(/\./g, '\\.')} = ${value}$`, 'm'));
  });

  it('brings back every planted sysroot file, links resolved inside the sysroot, secrets removed', () => {
    for (const path of node.sysroot.collected) {
      const item = fileItem(snap, path);
      expect(item?.status, path).toBe('ok');
      expect(snap.members.has(item?.output?.member ?? ''), path).toBe(true);
    }
    for (const name of HOSTILE_NAMES) expect(fileItem(snap, `/etc/cni/net.d/${name}`)?.status, name).toBe('ok');
    const plain = ['/etc/docker/daemon.json', '/etc/cni/net.d/10-flannel.conflist', '/run/flannel/subnet.env', '/var/lib/cni/networks/cbr0/10.244.1.5', '/etc/os-release'];
    for (const path of plain) {
      const member = fileItem(snap, path)?.output?.member ?? '';
      expect(snap.members.get(member)?.equals(readFileSync(join(node.sysroot.root, path))), path).toBe(true);
    }
    const kubelet = snap.members.get(fileItem(snap, '/var/lib/kubelet/pki/kubelet-client-current.pem')?.output?.member ?? '')?.toString() ?? '';
    expect(kubelet).toContain('-----BEGIN CERTIFICATE-----');
    expect(kubelet).toContain('<REDACTED PRIVATE KEY>');
  });

  it('keeps certificates readable, the expired one included, with file metadata', () => {
    for (const cert of node.sysroot.certs) {
      const item = fileItem(snap, cert.path);
      expect(item?.mtime, cert.path).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(item?.mode, cert.path).toMatch(/^0[0-7]{3}$/);
      const x509 = new X509Certificate(snap.members.get(item?.output?.member ?? '') as Buffer);
      expect(x509.subject).toBe(cert.subject);
      expect(new Date(x509.validTo).getTime() < Date.now()).toBe(cert.expired);
    }
  });

  it('never reads a private key file, and says so', () => {
    for (const path of node.sysroot.skippedKeys) expect(fileItem(snap, path)).toMatchObject({ status: 'skipped', reason: 'private key file' });
    for (const member of snap.order) expect(member).not.toMatch(/\.key$|\/key\.pem$/);
    for (const path of [...node.sysroot.skippedKeys, ...node.sysroot.otherKeys]) {
      const item = fileItem(snap, path);
      expect(item?.output, path).toBeUndefined();
    }
  });

  it('leaves no private key, token or key data in any member, the manifest included', () => {
    const { token, clientKeyData, keyBodyLines } = node.sysroot.secrets;
    const needles = [token, clientKeyData, clientKeyData.slice(0, 48), ...keyBodyLines];
    for (const [member, data] of snap.members) {
      const text = data.toString('latin1');
      expect(text, member).not.toMatch(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/);
      for (const needle of needles) expect(text.includes(needle), `${member} holds a planted secret`).toBe(false);
    }
  });

  it('lists what it redacted, where, never the values', () => {
    const admin = snap.manifest.redactions.filter((r) => r.member === 'kubeconfigs/etc/kubernetes/admin.conf');
    expect(admin.map((r) => r.rule)).toContain('config-secret');
    expect(admin.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(2);
    const pem = snap.manifest.redactions.find((r) => r.member === 'certs/var/lib/kubelet/pki/kubelet-client-current.pem');
    expect(pem).toMatchObject({ rule: 'pem-private-key', count: 1 });
    for (const r of snap.manifest.redactions) {
      expect(Object.keys(r).sort()).toEqual(['count', 'lines', 'member', 'rule']);
      expect(r.lines.every((n) => Number.isInteger(n) && n >= 1)).toBe(true);
    }
  });

  it('captures the pod traffic on cni0 as a classic pcap', () => {
    const item = snap.manifest.items.find((i) => i.source === 'pcap');
    expect(item).toMatchObject({ kind: 'pcap', item: 'cni0', status: 'ok' });
    const pcap = snap.members.get('pcap/cni0.pcap') as Buffer;
    expect([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1]).toContain(pcap.readUInt32BE(0));
    expect(pcap.includes(Buffer.from('nodesnap-live-node'))).toBe(true);
  });
});
