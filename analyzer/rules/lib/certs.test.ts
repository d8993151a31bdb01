import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../collector/registry/version.js';
import { certLocation, groupByCertificate, selfSigned, signedBy, supersededRotations, type CertRow } from './certs.js';
import { kubernetesServiceVip } from './service-vip.js';

/** A certs row for one PEM file of a fixture, the way the certs parser fills it. */
function row(pemFile: string, path: string, notAfter = '2027-01-01T00:00:00.000Z'): CertRow {
  const pem = readFileSync(join(projectRoot(), 'rules', pemFile), 'utf8');
  const cert = new X509Certificate(pem);
  return {
    node_id: 1,
    member: `certs${path}`,
    path,
    source_field: 'file',
    bundle_index: 0,
    subject: cert.subject.split('\n').join(', '),
    subject_cn: null,
    issuer: cert.issuer.split('\n').join(', '),
    issuer_cn: null,
    serial: cert.serialNumber,
    not_before: null,
    not_after: notAfter,
    sans: null,
    key_type: 'rsa',
    key_bits: 2048,
    signature_algorithm: null,
    signature_hash: null,
    is_ca: cert.ca ? 1 : 0,
    fingerprint_sha256: cert.fingerprint256,
    subject_key_id: null,
    authority_key_id: null,
    der_base64: cert.raw.toString('base64'),
    mtime: null,
  };
}

const ETCD = 'cert/issuer-mismatch.fixtures';

describe('certificate helpers', () => {
  it('verifies signatures against the issuing CA only', () => {
    const ca = row(`${ETCD}/quiet-etcd-chain/certs/etc/kubernetes/pki/etcd/ca.crt`, '/etc/kubernetes/pki/etcd/ca.crt');
    const leaf = row(`${ETCD}/quiet-etcd-chain/certs/etc/kubernetes/pki/etcd/server.crt`, '/etc/kubernetes/pki/etcd/server.crt');
    const otherCa = row(`${ETCD}/fires-etcd-ca-regenerated/certs/etc/kubernetes/pki/etcd/ca.crt`, '/etc/kubernetes/pki/etcd/ca.crt');
    expect(signedBy(leaf, ca)).toBe(true);
    expect(signedBy(leaf, otherCa)).toBe(false);
    expect(selfSigned(ca)).toBe(true);
    expect(selfSigned(leaf)).toBe(false);
  });

  it('treats the kubelet serving certificate without keyCertSign as self-signed', () => {
    const kubelet = row('../samples/nodes/master-1/certs/var/lib/kubelet/pki/kubelet.crt', '/var/lib/kubelet/pki/kubelet.crt');
    expect(selfSigned(kubelet)).toBe(true);
  });

  it('groups copies of one certificate and names the file first', () => {
    const ca = row(`${ETCD}/quiet-etcd-chain/certs/etc/kubernetes/pki/etcd/ca.crt`, '/etc/kubernetes/pki/etcd/ca.crt');
    const embedded = { ...ca, path: '/etc/kubernetes/admin.conf', source_field: 'clusters[kubernetes].certificate-authority-data' };
    const groups = groupByCertificate([ca, embedded]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.places.map(certLocation)).toEqual(['/etc/kubernetes/pki/etcd/ca.crt', '/etc/kubernetes/admin.conf clusters[kubernetes].certificate-authority-data']);
    expect(certLocation({ path: '/etc/kubernetes/pki/ca.crt', source_field: 'file', bundle_index: 1 })).toBe('/etc/kubernetes/pki/ca.crt (certificate #2 of the bundle)');
  });

  it('finds the kubelet rotation files that a newer certificate replaced', () => {
    const base = row(`${ETCD}/quiet-etcd-chain/certs/etc/kubernetes/pki/etcd/server.crt`, '/x');
    const old = { ...base, path: '/var/lib/kubelet/pki/kubelet-client-2025-07-19-11-02-00.pem', not_after: '2026-07-19T11:02:00.000Z' };
    const current = { ...base, path: '/var/lib/kubelet/pki/kubelet-client-current.pem', not_after: '2027-07-19T11:02:00.000Z' };
    const newest = { ...base, path: '/var/lib/kubelet/pki/kubelet-client-2026-07-19-11-02-00.pem', not_after: '2027-07-19T11:02:00.000Z' };
    const server = { ...base, path: '/var/lib/kubelet/pki/kubelet-server-2025-07-19-11-02-00.pem', not_after: '2026-07-19T11:02:00.000Z' };
    const gone = supersededRotations([old, current, newest, server]);
    expect([...gone].map((c) => c.path)).toEqual(['/var/lib/kubelet/pki/kubelet-client-2025-07-19-11-02-00.pem']);
  });

  it('derives the kubernetes Service VIP from the service range', () => {
    expect(kubernetesServiceVip('10.96.0.0/12')).toBe('10.96.0.1');
    expect(kubernetesServiceVip('172.20.0.0/16,fd00:10:96::/108')).toBe('172.20.0.1');
    expect(kubernetesServiceVip('fd00:10:96::/108')).toBe('fd00:10:96::1');
    expect(kubernetesServiceVip('not a range')).toBeNull();
  });
});
