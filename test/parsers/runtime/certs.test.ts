import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certsParser, parseCertFile } from '../../../analyzer/parsers/runtime/certs.js';
import { readCertificateDer } from '../../../analyzer/parsers/runtime/der.js';
import { splitSans } from '../../../analyzer/parsers/runtime/x509.js';
import type { Row } from '../../../analyzer/parsers/types.js';
import { ctx, fixtureBytes, one, parseStream, table } from './helpers.js';

const file = (path: string) => parseCertFile(fixtureBytes(`certs${path}`), ctx('certs', path)).rows();
const cert = (path: string): Row => one(file(path), 'certs', () => true);

describe('certificate files', () => {
  it('reads the kubernetes CA', () => {
    expect(cert('/etc/kubernetes/pki/ca.crt')).toMatchObject({
      member: 'certs/etc/kubernetes/pki/ca.crt',
      path: '/etc/kubernetes/pki/ca.crt',
      source_field: 'file',
      bundle_index: 0,
      subject: 'CN=kubernetes',
      subject_cn: 'kubernetes',
      issuer_cn: 'kubernetes',
      serial: '59A682839FB3A3D63FEEF9EA4FD85410FB609A28',
      key_type: 'rsa',
      key_bits: 2048,
      signature_algorithm: 'sha256WithRSAEncryption',
      signature_hash: 'sha256',
      is_ca: 1,
      self_signed: 1,
      fingerprint_sha256: '9E:61:38:BE:45:E8:04:6E:FD:FE:3D:11:CB:EB:B9:88:9F:1B:35:DB:D4:9B:3F:3B:A1:9B:4B:58:C1:06:A8:10',
      subject_key_id: '80:F8:D8:26:25:C6:E8:E0:3B:1A:FF:5A:30:D8:F3:48:DB:0A:53:1E',
      authority_key_id: '80:F8:D8:26:25:C6:E8:E0:3B:1A:FF:5A:30:D8:F3:48:DB:0A:53:1E',
    });
  });

  it('reads the apiserver serving cert: SANs, EKU, issuer linkage and a DER that verifies against the CA', () => {
    const rows = file('/etc/kubernetes/pki/apiserver.crt');
    const c = one(rows, 'certs', () => true);
    expect(c).toMatchObject({ subject_cn: 'kube-apiserver', issuer: 'CN=kubernetes', is_ca: 0, self_signed: 0, ext_key_usage: 'serverAuth', serial: '1000', authority_key_id: '80:F8:D8:26:25:C6:E8:E0:3B:1A:FF:5A:30:D8:F3:48:DB:0A:53:1E' });
    expect(String(c.sans)).toContain('IP Address:10.96.0.1');
    expect(table(rows, 'cert_sans').map((s) => `${s.type}:${s.value}`)).toEqual([
      'DNS:k8s-master',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
      'IP Address:10.96.0.1',
      'IP Address:192.168.3.113',
    ]);
    const ca = new X509Certificate(Buffer.from(String(cert('/etc/kubernetes/pki/ca.crt').der_base64), 'base64'));
    const leaf = new X509Certificate(Buffer.from(String(c.der_base64), 'base64'));
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
  });

  it('gives exact validity instants of an expired and a not-yet-valid certificate', () => {
    expect(cert('/etc/kubernetes/pki/apiserver-kubelet-client.crt')).toMatchObject({ not_before: '2020-05-10T09:43:56.000Z', not_after: '2021-05-10T09:43:56.000Z', subject: 'CN=kube-apiserver-kubelet-client, O=system:masters', subject_cn: 'kube-apiserver-kubelet-client', ext_key_usage: 'clientAuth' });
    expect(cert('/etc/kubernetes/pki/front-proxy-client.crt')).toMatchObject({ not_before: '2030-01-01T00:00:00.000Z', not_after: '2031-01-01T00:00:00.000Z' });
  });

  it('flags weak keys and digests: RSA 1024 with SHA-1', () => {
    expect(cert('/etc/docker/ca.pem')).toMatchObject({ key_bits: 1024, signature_algorithm: 'sha1WithRSAEncryption', signature_hash: 'sha1', subject: 'C=CN, O=docker, CN=docker-ca' });
  });

  it('reads EC and Ed25519 keys', () => {
    expect(cert('/etc/kubernetes/pki/etcd/server.crt')).toMatchObject({ key_type: 'ec', key_curve: 'secp384r1', key_bits: 384, signature_algorithm: 'ecdsa-with-SHA384', ext_key_usage: 'serverAuth,clientAuth', subject_key_id: 'C2:62:BD:69:E0:E1:6F:3D:79:2C:06:21:CA:4F:B9:63:57:FD:DE:54' });
    expect(one(file('/etc/kubernetes/pki/etcd/server.crt'), 'cert_sans', (s) => s.value === '0:0:0:0:0:0:0:1').type).toBe('IP Address');
    expect(cert('/etc/kubernetes/pki/etcd/ca.crt')).toMatchObject({ key_type: 'ec', key_curve: 'prime256v1', key_bits: 256, signature_algorithm: 'ecdsa-with-SHA256' });
    expect(cert('/etc/kubernetes/pki/front-proxy-ca.crt')).toMatchObject({ key_type: 'ed25519', signature_algorithm: 'ED25519', signature_hash: null });
  });

  it('reads a binary DER certificate', () => {
    const rows = file('/etc/docker/certs.d/registry.nscloud:5000/ca.crt');
    expect(one(rows, 'cert_files', () => true)).toMatchObject({ format: 'der', certificates: 1, valid: 1 });
    expect(one(rows, 'certs', () => true).fingerprint_sha256).toBe(cert('/etc/kubernetes/pki/ca.crt').fingerprint_sha256);
  });

  it('reads every certificate of a CRLF bundle with a comment line', () => {
    const rows = file('/etc/kubernetes/pki/ca-bundle.crt');
    expect(table(rows, 'certs').map((c) => `${c.bundle_index}:${c.subject_cn}`)).toEqual(['0:kubernetes', '1:etcd-ca']);
    expect(table(rows, 'parse_errors')).toEqual([]);
  });

  it('keeps the certificate next to a redacted private key and notes the marker', () => {
    const rows = file('/var/lib/kubelet/pki/kubelet-client-current.pem');
    expect(one(rows, 'cert_files', () => true)).toMatchObject({ private_key_redacted: 1, certificates: 1, valid: 1 });
    expect(one(rows, 'certs', () => true)).toMatchObject({ subject: 'O=system:nodes, CN=system:node:k8s-node01', issuer_cn: 'kubernetes' });
    const keyOnly = parseCertFile(Buffer.from('<REDACTED PRIVATE KEY>\n'), ctx('certs', '/etc/etcd/ssl/server-key.pem')).rows();
    expect(one(keyOnly, 'cert_files', () => true)).toMatchObject({ certificates: 0, private_key_redacted: 1, valid: 1 });
    expect(table(keyOnly, 'parse_errors')).toEqual([]);
  });

  it('notes PEM blocks that are not certificates', () => {
    const rows = file('/etc/kubernetes/pki/sa-pub.pem');
    expect(one(rows, 'cert_files', () => true)).toMatchObject({ format: 'pem', certificates: 0, other_blocks: 'PUBLIC KEY', valid: 1 });
  });

  it('reports files that hold no certificate or a cut one', () => {
    const junk = file('/etc/kubernetes/pki/not-a-cert.pem');
    expect(one(junk, 'cert_files', () => true)).toMatchObject({ format: 'unknown', certificates: 0, valid: 0 });
    expect(table(junk, 'parse_errors')).toHaveLength(1);
    const cut = file('/etc/kubernetes/pki/truncated.crt');
    expect(one(cut, 'cert_files', () => true)).toMatchObject({ format: 'pem', certificates: 0, valid: 0 });
    expect(String(table(cut, 'parse_errors')[0]?.message)).toContain('without an END line');
    expect(table(parseCertFile(Buffer.alloc(0), ctx('certs', '/etc/kubernetes/pki/empty.crt')).rows(), 'parse_errors')).toHaveLength(1);
  });

  it('streams bytes through the stream parser in small chunks', async () => {
    const rows = await parseStream(certsParser, fixtureBytes('certs/etc/kubernetes/pki/ca-bundle.crt'), ctx('certs', '/etc/kubernetes/pki/ca-bundle.crt'), 100);
    expect(table(rows, 'certs')).toHaveLength(2);
    expect(table(rows, 'cert_files')).toHaveLength(1);
  });
});

describe('DER helpers', () => {
  it('reads validity and signature OID like node does', () => {
    const der = fixtureBytes('certs/etc/docker/certs.d/registry.nscloud:5000/ca.crt');
    const x = new X509Certificate(der);
    const raw = readCertificateDer(der);
    expect(raw.notBefore).toBe(new Date(x.validFrom).toISOString());
    expect(raw.notAfter).toBe(new Date(x.validTo).toISOString());
    expect(raw.signatureOid).toBe('1.2.840.113549.1.1.11');
    expect(() => readCertificateDer(Buffer.from([0x30, 0x82, 0x05]))).toThrow();
  });

  it('splits SAN lists with quoted values', () => {
    expect(splitSans('DNS:a.example, IP Address:10.0.0.1, DNS:"weird, name"')).toEqual([
      { type: 'DNS', value: 'a.example' },
      { type: 'IP Address', value: '10.0.0.1' },
      { type: 'DNS', value: 'weird, name' },
    ]);
  });
});
