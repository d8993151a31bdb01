import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isPrivateKeyPath, PRIVATE_KEY_NAME_ERES } from './index.js';

describe('isPrivateKeyPath', () => {
  it.each([
    '/etc/kubernetes/pki/apiserver.key',
    '/etc/kubernetes/pki/sa.key',
    '/etc/kubernetes/pki/etcd/peer.key',
    '/etc/etcd/ssl/etcd-key.pem',
    '/etc/kubernetes/ssl/admin-key.pem',
    '/etc/kubernetes/ssl/kube_proxy_key.pem',
    '/etc/ssl/server.key.pem',
    '/etc/docker/key.pem',
    '/etc/letsencrypt/live/x/privkey.pem',
    '/etc/ssl/private/private.key.pem',
    '/root/.ssh/id_rsa',
    '/home/u/.ssh/id_ed25519',
    '/etc/ssh/ssh_host_ecdsa_key',
    '/opt/app/keystore.jks',
    '/opt/app/client.p12',
    '/opt/app/client.PFX',
    'relative/tls.KEY',
  ])('%s is a private key by name', (path) => {
    expect(isPrivateKeyPath(path)).toBe(true);
  });

  it.each([
    '/etc/kubernetes/pki/apiserver.crt',
    '/etc/kubernetes/pki/sa.pub',
    '/etc/etcd/ssl/etcd.pem',
    '/etc/docker/cert.pem',
    '/etc/docker/ca.pem',
    '/var/lib/kubelet/pki/kubelet-client-current.pem', // cert and key: collected, the key block is removed by content
    '/etc/kubernetes/pki/apiserver-key.crt', // a certificate by extension; content redaction covers a key inside
    '/root/.ssh/id_rsa.pub',
    '/etc/ssh/ssh_host_ecdsa_key.pub',
    '/etc/kubernetes/keys/',
    '/etc/keyring.conf',
    '/etc/monkey.pem',
  ])('%s is collected', (path) => {
    expect(isPrivateKeyPath(path)).toBe(false);
  });

  it('the EREs give the same answers to grep -E -i on base names (the sh collector uses them)', () => {
    const names = ['apiserver.key', 'tls.KEY', 'admin-key.pem', 'key.pem', 'privkey12.pem', 'id_ed25519', 'id_rsa.pub', 'ca.crt', 'kubelet-client-current.pem', 'client.p12', 'monkey.pem', 'keyring.conf'];
    const args = ['-E', '-i', ...PRIVATE_KEY_NAME_ERES.flatMap((ere) => ['-e', ere])]; // one base name per line
    const grep = spawnSync('grep', args, { input: `${names.join('\n')}\n`, env: { ...process.env, LC_ALL: 'C' } });
    const matched = grep.stdout.toString().split('\n').filter((l) => l !== '');
    expect(matched).toEqual(names.filter((n) => isPrivateKeyPath(`/etc/x/${n}`)));
    expect(matched.length).toBeGreaterThan(5);
  });
});
