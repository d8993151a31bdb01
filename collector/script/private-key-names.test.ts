import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isPrivateKeyPath, PRIVATE_KEY_NAME_ERES } from '../redact/index.js';
import { keyNameSedProgram, pathEre } from './private-key-names.js';

/** Names around every pattern's edges: matches, near misses, case, position in the path. */
const NAMES = [
  'apiserver.key', 'sa.key', 'ca.KEY', 'apiserver.key.bak', 'key', '.key', 'x.keys', 'keyfile',
  'admin-key.pem', 'etcd_key.pem', 'server.key.pem', 'ADMIN-KEY.PEM', 'key.pem', 'Key.Pem', 'monkey.pem', 'key.pem.bak', 'cert-key.pem.1',
  'private.key.pem', 'privkey.pem', 'privkey12.pem', 'privkey1a.pem', 'private-key', 'priv_key.txt', 'privatekey', 'a-private.key.pem', 'myprivkey.pem',
  'id_rsa', 'id_rsa.pub', 'id_ed25519', 'ID_ECDSA', 'id_ecdsa_sk', 'id_xmss', 'x_id_rsa', 'id_rsa2',
  'ssh_host_rsa_key', 'ssh_host_ed25519_key', 'ssh_host_rsa_key.pub', 'ssh_host__key', 'SSH_HOST_DSA_KEY',
  'store.p12', 'a.pfx', 'b.jks', 'c.keystore', 'd.pk8', 'e.ppk', 'f.p8', 'g.p12.txt', 'h.P12',
  'secring.gpg', 'pubring.gpg', 'SECRING.GPG',
  'ca.crt', 'apiserver.crt', 'kubelet-client-current.pem', 'cert.pem', 'ca.pem', 'front-proxy-client.crt', 'admin.conf', 'key-ring.crt', 'server-key.crt',
];
const DIRS = ['/etc/kubernetes/pki', '/etc/kubernetes/key.pem.d', '/root/.ssh', '/var/lib/id_rsa', '/x/server.key'];

describe('private key names in the sh collector', () => {
  const paths = DIRS.flatMap((dir) => NAMES.map((name) => `${dir}/${name}`));

  it('the whole-path EREs only look at the last component', () => {
    const res = PRIVATE_KEY_NAME_ERES.map((e) => new RegExp(pathEre(e), 'i'));
    for (const path of paths) expect(res.some((re) => re.test(path)), path).toBe(isPrivateKeyPath(path));
  });

  it('the sed program marks exactly the private key paths (GNU sed)', () => {
    const r = spawnSync('sed', ['-E', '-e', keyNameSedProgram()], { input: `${paths.join('\n')}\n`, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    expect(r.status, r.stderr).toBe(0);
    const marked = r.stdout.split('\n').slice(0, -1);
    expect(marked).toHaveLength(paths.length);
    marked.forEach((line, i) => expect(line, paths[i]).toBe(`${isPrivateKeyPath(paths[i] as string) ? 'K' : '-'} ${paths[i]}`));
  });

  it.skipIf(spawnSync('sh', ['-c', 'command -v busybox']).status !== 0)('and under busybox sed', () => {
    const r = spawnSync('busybox', ['sed', '-E', '-e', keyNameSedProgram()], { input: `${paths.join('\n')}\n`, encoding: 'utf8' });
    const marked = r.stdout.split('\n').slice(0, -1);
    marked.forEach((line, i) => expect(line, paths[i]).toBe(`${isPrivateKeyPath(paths[i] as string) ? 'K' : '-'} ${paths[i]}`));
  });
});
