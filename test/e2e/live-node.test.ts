import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveNode, liveNodeSkipReason } from '../support/live-node.js';
import type { LiveNode } from '../support/live-node.js';
import { PLANTED_IPTABLES } from '../support/live-node-iptables.js';

// The fixture the other e2e tests trust: prove it builds the node it claims to, and cleans up.
const skipReason = liveNodeSkipReason();
if (skipReason) console.warn(`skipping live-node fixture tests: ${skipReason}`);

describe.skipIf(skipReason !== null)('live-node fixture', () => {
  let node: LiveNode;
  beforeAll(() => {
    node = createLiveNode();
  });
  afterAll(() => node?.destroy());

  const out = (argv: string[]) => {
    const r = node.run(argv);
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };

  it('has the vxlan device, bridge, veth and routes of a flannel node', () => {
    expect(out(['ip', '-d', 'link', 'show', 'flannel.1'])).toMatch(/vxlan id 1 local 192\.168\.50\.11 dev underlay0 .*dstport 8472 nolearning/);
    expect(out(['ip', 'link', 'show', 'veth3f2a9c1d'])).toMatch(/master cni0/);
    expect(out(['ip', 'route', 'show'])).toMatch(/10\.244\.2\.0\/24 via 10\.244\.2\.0 dev flannel\.1 onlink/);
    expect(out(['ip', 'route', 'show', 'table', '100'])).toMatch(/10\.96\.0\.0\/12 dev cni0/);
    expect(out(['bridge', 'fdb', 'show', 'dev', 'flannel.1'])).toMatch(/5e:8e:4c:1a:2b:3c dst 192\.168\.50\.12/);
    const pod = spawnSync('ip', ['-n', node.podNetns, 'route', 'show'], { encoding: 'utf8' });
    expect(pod.stdout).toMatch(/default via 10\.244\.1\.1 dev eth0/);
  });

  it('has kube-proxy rules and namespaced sysctls that the host does not', () => {
    const rules = out(['iptables-save']);
    expect(rules).toContain(PLANTED_IPTABLES.probabilityRule);
    expect(rules).toContain(PLANTED_IPTABLES.manualDnat);
    expect(rules).toContain(PLANTED_IPTABLES.forwardPolicy);
    expect(out(['sysctl', '-n', 'net.ipv4.tcp_keepalive_time']).trim()).toBe('7213');
    expect(spawnSync('iptables-save', { encoding: 'utf8' }).stdout).not.toContain(PLANTED_IPTABLES.serviceChain);
  });

  it('plants certificates (one expired), keys and a kubelet pem behind an absolute symlink', () => {
    const root = node.sysroot.root;
    // an absolute link means "inside the sysroot": follow it by hand, as the collectors must
    const inRoot = (path: string): string => {
      const host = join(root, path);
      return lstatSync(host).isSymbolicLink() ? join(root, readlinkSync(host)) : host;
    };
    for (const cert of node.sysroot.certs) {
      const x509 = new X509Certificate(readFileSync(inRoot(cert.path)));
      expect(x509.subject).toBe(cert.subject);
      expect(new Date(x509.validTo).getTime() < Date.now()).toBe(cert.expired);
    }
    expect(readlinkSync(join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem'))).toBe('/var/lib/kubelet/pki/kubelet-client-2024-01-01-00-00-00.pem');
    expect(readFileSync(inRoot('/var/lib/kubelet/pki/kubelet-client-current.pem'), 'utf8')).toMatch(/BEGIN CERTIFICATE[^]*BEGIN PRIVATE KEY/);
    expect(readFileSync(join(root, 'etc/kubernetes/admin.conf'), 'utf8')).toContain(`client-key-data: ${node.sysroot.secrets.clientKeyData}`);
    for (const path of [...node.sysroot.collected, ...node.sysroot.skippedKeys, ...node.sysroot.otherKeys]) expect(existsSync(inRoot(path)), path).toBe(true);
  });

  it('removes both namespaces and the folder on destroy', () => {
    const probe = createLiveNode();
    probe.destroy();
    probe.destroy();
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(list).not.toContain(probe.netns);
    expect(list).not.toContain(probe.podNetns);
    expect(existsSync(probe.work)).toBe(false);
  });
});
