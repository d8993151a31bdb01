import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterMembership } from './cluster-membership.js';

/** Only the columns cluster-membership reads. */
function batch(certs: [node: number, path: string, sourceField: string, fingerprint: string][], servers: [node: number, server: string][] = []) {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE certs (node_id INTEGER, path TEXT, source_field TEXT, fingerprint_sha256 TEXT, bundle_index INTEGER);
           CREATE TABLE kubeconfigs (node_id INTEGER, server TEXT);`);
  const cert = db.prepare('INSERT INTO certs VALUES (?, ?, ?, ?, 0)');
  for (const c of certs) cert.run(...c);
  const kubeconfig = db.prepare('INSERT INTO kubeconfigs VALUES (?, ?)');
  for (const s of servers) kubeconfig.run(...s);
  return db;
}

const KUBELET_CA = 'clusters[default-cluster].certificate-authority-data';
let open: Database.Database | undefined;
afterEach(() => open?.close());

describe('clusterMembership', () => {
  it('takes the CA the kubelet trusts before the CA files, and ignores an admin kubeconfig', () => {
    open = batch([
      [1, '/etc/kubernetes/kubelet.conf', KUBELET_CA, 'AA'],
      [1, '/etc/kubernetes/pki/ca.crt', 'file', 'OLD'],
      [2, '/etc/kubernetes/ssl/ca.pem', 'file', 'AA'],
      [2, '/root/.kube/config', 'clusters[prod].certificate-authority-data', 'PROD'],
      [3, '/root/.kube/config', 'clusters[prod].certificate-authority-data', 'PROD'],
      [4, '/etc/kubernetes/kube-proxy.kubeconfig', 'clusters[kubernetes].certificate-authority-data', 'BB'],
    ]);
    const m = clusterMembership(open);
    expect([1, 2, 3, 4].map((n) => m.clusterCa(n))).toEqual(['AA', 'AA', null, 'BB']);
    expect(m.provenSameCluster(1, 2)).toBe(true);
    expect(m.sameCluster(1, 4)).toBe(false);
    expect(m.sameCluster(1, 3)).toBe(true);
    expect(m.provenSameCluster(1, 3)).toBe(false);
    expect(m.groups([1, 2, 3, 4])).toEqual([
      [1, 2, 3],
      [4, 3],
    ]);
  });

  it('lets a shared API endpoint prove membership where a CA is missing, never tell clusters apart', () => {
    open = batch(
      [[1, '/etc/kubernetes/pki/ca.crt', 'file', 'AA']],
      [
        [1, 'https://192.168.10.11:6443'],
        [2, 'https://192.168.10.11:6443/'],
        [3, 'https://192.168.10.100:6443'],
        [4, 'https://127.0.0.1:6443'],
        [5, 'https://127.0.0.1:6443'],
      ],
    );
    const m = clusterMembership(open);
    expect(m.provenSameCluster(1, 2)).toBe(true);
    expect(m.provenSameCluster(2, 3)).toBe(false);
    expect(m.sameCluster(2, 3)).toBe(true);
    expect(m.provenSameCluster(4, 5)).toBe(false);
    expect(m.groups([2, 3])).toEqual([[2, 3]]);
    expect(m.groups([])).toEqual([]);
  });
});
