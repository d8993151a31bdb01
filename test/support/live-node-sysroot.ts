import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A host root folder (what a DaemonSet sees at /host) for a flannel + kube-proxy node: real
 * certificates made with openssl (one of them expired), their private keys next to them, a
 * kubelet client pem holding cert AND key behind an absolute symlink (as kubelet writes it), an
 * admin.conf with embedded key and token, and the CNI/flannel/docker/kubelet files the
 * collector must bring back. Hostile file names exercise JSON and tar escaping.
 */
export interface PlantedSysroot {
  root: string;
  /** Absolute node paths (sysroot removed) of files the collector must bring back. */
  collected: string[];
  /** Node paths of private key files a collection pattern matches (docker's key.pem, kubespray's *-key.pem): never read, recorded as skipped. */
  skippedKeys: string[];
  /** Node paths of *.key files (kubeadm's naming), which no pattern asks for: they must not show up anywhere. */
  otherKeys: string[];
  /** Values that must not survive anywhere in the snapshot. */
  secrets: {
    token: string;
    clientKeyData: string;
    /** Every private key PEM planted, whole. */
    keyPems: string[];
    /** The base64 body lines of those keys (a key must not leak even without its BEGIN line). */
    keyBodyLines: string[];
  };
  /** Certificate files with what the analyzer should see. */
  certs: { path: string; subject: string; expired: boolean }[];
}

/** File names a careless tool would mangle: quotes, backslash, control characters, non-ASCII. */
export const HOSTILE_NAMES = ['we"ird\\name\ttab.conf', 'ünïcødé-配置.conf', "new\nline 'q' $(x).conf"];

const CA_CONFIG = (dir: string) => `[ ca ]
default_ca = fixture
[ fixture ]
database = ${dir}/index.txt
new_certs_dir = ${dir}/issued
serial = ${dir}/serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
email_in_dn = no
[ anything ]
organizationName = optional
commonName = supplied
`;

interface Issued {
  certPem: string;
  keyPem: string;
}

/** A small openssl CA in `work`: certificates with chosen validity windows (openssl 3.0 has no -not_after on x509). */
class FixtureCa {
  private readonly config: string;
  readonly certPem: string;
  readonly keyPem: string;

  constructor(private readonly work: string) {
    mkdirSync(join(work, 'issued'), { recursive: true });
    writeFileSync(join(work, 'index.txt'), '');
    writeFileSync(join(work, 'serial'), '1000\n');
    this.config = join(work, 'ca.cnf');
    writeFileSync(this.config, CA_CONFIG(work));
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(work, 'ca.key'), '-out', join(work, 'ca.crt'), '-subj', '/CN=kubernetes', '-days', '3650']);
    this.certPem = readFileSync(join(work, 'ca.crt'), 'utf8');
    this.keyPem = readFileSync(join(work, 'ca.key'), 'utf8');
  }

  issue(name: string, subject: string, window: { start: string; end: string }, sans: string[] = []): Issued {
    const key = join(this.work, `${name}.key`);
    const csr = join(this.work, `${name}.csr`);
    const crt = join(this.work, `${name}.crt`);
    const ext = sans.length > 0 ? ['-addext', `subjectAltName=${sans.join(',')}`] : [];
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', subject, ...ext]);
    openssl([
      'ca', '-batch', '-notext', '-config', this.config, '-cert', join(this.work, 'ca.crt'), '-keyfile', join(this.work, 'ca.key'),
      '-in', csr, '-out', crt, '-startdate', window.start, '-enddate', window.end,
    ]);
    return { certPem: readFileSync(crt, 'utf8'), keyPem: readFileSync(key, 'utf8') };
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** YYMMDDHHMMSSZ (openssl ca -startdate/-enddate) `days` from now. */
function opensslDate(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/** Base64 body lines of a PEM block (what a leak of the key material would contain). */
function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length > 0 && !l.startsWith('-----'));
}

/** Builds the sysroot under `root` (created), with openssl scratch files under `work`. */
export function plantSysroot(root: string, work: string): PlantedSysroot {
  const collected: string[] = [];
  const put = (path: string, content: string | Buffer, collect = true): void => {
    const host = join(root, path);
    mkdirSync(dirname(host), { recursive: true });
    writeFileSync(host, content);
    if (collect) collected.push(path);
  };

  const ca = new FixtureCa(work);
  const valid = { start: opensslDate(-30), end: opensslDate(335) };
  const apiserver = ca.issue('apiserver', '/CN=kube-apiserver', valid, ['DNS:kubernetes', 'DNS:kubernetes.default.svc.cluster.local', 'IP:10.96.0.1', 'IP:192.168.50.11']);
  const expired = ca.issue('etcd-peer', '/CN=node-1', { start: opensslDate(-800), end: opensslDate(-435) });
  const kubelet = ca.issue('kubelet-client', '/O=system:nodes/CN=system:node:node-1', valid);
  const admin = ca.issue('admin', '/O=system:masters/CN=kubernetes-admin', valid);
  const dockerTls = ca.issue('docker', '/CN=node-1', valid, ['IP:192.168.50.11']);

  put('/etc/kubernetes/pki/ca.crt', ca.certPem);
  put('/etc/kubernetes/pki/ca.key', ca.keyPem, false);
  put('/etc/kubernetes/pki/apiserver.crt', apiserver.certPem);
  put('/etc/kubernetes/pki/apiserver.key', apiserver.keyPem, false);
  put('/etc/kubernetes/pki/etcd/peer.crt', expired.certPem);
  put('/etc/kubernetes/pki/etcd/peer.key', expired.keyPem, false);
  // docker TLS keeps its key as key.pem: a *.pem a certificate pattern matches
  put('/etc/docker/ca.pem', ca.certPem);
  put('/etc/docker/cert.pem', dockerTls.certPem);
  put('/etc/docker/key.pem', dockerTls.keyPem, false);
  // kubespray names its keys *-key.pem next to the certificates: the certificate search finds them
  put('/etc/kubernetes/ssl/apiserver.pem', apiserver.certPem);
  put('/etc/kubernetes/ssl/apiserver-key.pem', apiserver.keyPem, false);

  const kubeletPem = '/var/lib/kubelet/pki/kubelet-client-2024-01-01-00-00-00.pem';
  put(kubeletPem, kubelet.certPem + kubelet.keyPem);
  mkdirSync(join(root, 'var/lib/kubelet/pki'), { recursive: true });
  // absolute, as kubelet writes it: it must resolve inside the sysroot, not on the collecting host
  symlinkSync(kubeletPem, join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem'));
  collected.push('/var/lib/kubelet/pki/kubelet-client-current.pem');

  const token = 'fixturetoken.Zq3lAXq8N5yRkG7vTt0pW2hD';
  const clientKeyData = Buffer.from(admin.keyPem).toString('base64');
  put(
    '/etc/kubernetes/admin.conf',
    [
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      `    certificate-authority-data: ${Buffer.from(ca.certPem).toString('base64')}`,
      '    server: https://192.168.50.11:6443',
      '  name: kubernetes',
      'contexts:',
      '- context:',
      '    cluster: kubernetes',
      '    user: kubernetes-admin',
      '  name: kubernetes-admin@kubernetes',
      'current-context: kubernetes-admin@kubernetes',
      'kind: Config',
      'preferences: {}',
      'users:',
      '- name: kubernetes-admin',
      '  user:',
      `    client-certificate-data: ${Buffer.from(admin.certPem).toString('base64')}`,
      `    client-key-data: ${clientKeyData}`,
      '- name: bootstrap',
      '  user:',
      `    token: ${token}`,
      '',
    ].join('\n'),
  );
  put(
    '/etc/kubernetes/manifests/kube-apiserver.yaml',
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: kube-apiserver',
      '  namespace: kube-system',
      'spec:',
      '  hostNetwork: true',
      '  containers:',
      '  - name: kube-apiserver',
      '    image: registry.k8s.io/kube-apiserver:v1.28.4',
      '    command:',
      '    - kube-apiserver',
      '    - --advertise-address=192.168.50.11',
      '    - --service-cluster-ip-range=10.96.0.0/12',
      '    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
      '    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
      '    - --etcd-servers=https://127.0.0.1:2379',
      '',
    ].join('\n'),
  );
  put(
    '/var/lib/kubelet/config.yaml',
    [
      'apiVersion: kubelet.config.k8s.io/v1beta1',
      'kind: KubeletConfiguration',
      'cgroupDriver: systemd',
      'clusterDNS:',
      '- 10.96.0.10',
      'clusterDomain: cluster.local',
      'maxPods: 110',
      'rotateCertificates: true',
      '',
    ].join('\n'),
  );
  put('/etc/docker/daemon.json', '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "log-driver": "json-file",\n  "log-opts": { "max-size": "100m" },\n  "storage-driver": "overlay2",\n  "bip": "172.17.0.1/16"\n}\n');
  put(
    '/etc/cni/net.d/10-flannel.conflist',
    '{\n  "name": "cbr0",\n  "cniVersion": "0.3.1",\n  "plugins": [\n    {\n      "type": "flannel",\n      "delegate": {\n        "hairpinMode": true,\n        "isDefaultGateway": true\n      }\n    },\n    {\n      "type": "portmap",\n      "capabilities": {\n        "portMappings": true\n      }\n    }\n  ]\n}\n',
  );
  for (const name of HOSTILE_NAMES) put(`/etc/cni/net.d/${name}`, `{"name":"hostile","note":${JSON.stringify(name)}}\n`);
  put('/run/flannel/subnet.env', 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
  put('/var/lib/cni/networks/cbr0/10.244.1.5', '462cf658ef71d558b36884dfb6d068e100a3209d36ba2602ad04dd9445e63684\neth0');
  put('/var/lib/cni/networks/cbr0/last_reserved_ip.0', '10.244.1.5');
  put('/etc/machine-id', '4f1c2a9be0d84c6fa1a2b3c4d5e6f708\n');
  put(
    '/etc/os-release',
    'PRETTY_NAME="Ubuntu 22.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.3 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\n',
  );
  put('/etc/hosts', '127.0.0.1 localhost\n192.168.50.11 node-1\n');
  put('/etc/resolv.conf', 'nameserver 192.168.50.1\nsearch cluster.local\n');

  const keyPems = [ca.keyPem, apiserver.keyPem, expired.keyPem, dockerTls.keyPem, kubelet.keyPem, admin.keyPem];
  return {
    root,
    collected,
    skippedKeys: ['/etc/docker/key.pem', '/etc/kubernetes/ssl/apiserver-key.pem'],
    otherKeys: ['/etc/kubernetes/pki/ca.key', '/etc/kubernetes/pki/apiserver.key', '/etc/kubernetes/pki/etcd/peer.key'],
    secrets: { token, clientKeyData, keyPems, keyBodyLines: keyPems.flatMap(pemBodyLines) },
    certs: [
      { path: '/etc/kubernetes/pki/ca.crt', subject: 'CN=kubernetes', expired: false },
      { path: '/etc/kubernetes/pki/apiserver.crt', subject: 'CN=kube-apiserver', expired: false },
      { path: '/etc/kubernetes/pki/etcd/peer.crt', subject: 'CN=node-1', expired: true },
      { path: '/var/lib/kubelet/pki/kubelet-client-current.pem', subject: 'O=system:nodes\nCN=system:node:node-1', expired: false },
    ],
  };
}
