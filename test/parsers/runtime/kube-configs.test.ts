import { describe, expect, it } from 'vitest';
import { kubeConfigsParser } from '../../../analyzer/parsers/runtime/kube-configs.js';
import { kubeconfigsParser } from '../../../analyzer/parsers/runtime/kubeconfigs.js';
import { ctx, fixture, one, table } from './helpers.js';

const kube = (name: string, path: string) => kubeConfigsParser.parse(fixture(`kube/${name}`), ctx('kube-configs', path));
const kc = (name: string, path: string) => kubeconfigsParser.parse(fixture(`kube/kubeconfigs/${name}`), ctx('kubeconfigs', path));

describe('kube-proxy configuration', () => {
  it('catches the masqueradeAl typo of incident 003 and suggests the real field', () => {
    const rows = kube('kube-proxy-config-typo.yml', '/etc/kubernetes/kube-proxy-config.yml');
    expect(table(rows, 'kube_config_unknown_fields')).toEqual([
      { path: '/etc/kubernetes/kube-proxy-config.yml', doc_index: 0, kind: 'KubeProxyConfiguration', field: 'iptables.masqueradeAl', suggestion: 'masqueradeAll' },
      { path: '/etc/kubernetes/kube-proxy-config.yml', doc_index: 0, kind: 'KubeProxyConfiguration', field: 'conntrack.tcpEstablishedTimout', suggestion: 'tcpEstablishedTimeout' },
    ]);
    expect(one(rows, 'kube_config_files', () => true)).toMatchObject({ kind: 'KubeProxyConfiguration', component: 'kube-proxy', valid: 1 });
    expect(one(rows, 'kube_configs', (r) => r.key === 'iptables.masqueradeBit')).toMatchObject({ value: '14', value_text: '14', component: 'kube-proxy' });
    expect(one(rows, 'node_facts', () => true)).toEqual({ source: 'kube-configs', key: 'kube.proxy.mode', value: 'ipvs' });
  });

  it('knows every field kubeadm writes into config.conf', () => {
    const rows = kube('config.conf', '/var/lib/kube-proxy/config.conf');
    expect(table(rows, 'kube_config_unknown_fields')).toEqual([]);
    expect(one(rows, 'node_facts', () => true).value).toBe('iptables');
    expect(one(rows, 'kube_configs', (r) => r.key === 'conntrack.maxPerCore')).toMatchObject({ value: 'null', value_text: null });
  });
});

describe('kubelet and broken YAML', () => {
  it('flattens the kubelet config', () => {
    const rows = kube('kubelet-config.yaml', '/var/lib/kubelet/config.yaml');
    expect(one(rows, 'kube_configs', (r) => r.key === 'maxPods').value_text).toBe('110');
    expect(one(rows, 'kube_configs', (r) => r.key === 'clusterDNS').value).toBe('["10.96.0.10"]');
    expect(one(rows, 'kube_configs', (r) => r.key === 'evictionHard."memory.available"').value_text).toBe('100Mi');
    expect(one(rows, 'kube_configs', (r) => r.key === 'failSwapOn').value).toBe('false');
  });

  it('makes a YAML error a row with its line', () => {
    const rows = kube('broken.yaml', '/var/lib/kubelet/config.yaml');
    expect(one(rows, 'kube_config_files', () => true)).toMatchObject({ valid: 0, kind: null });
    expect(table(rows, 'kube_configs')).toEqual([]);
    expect(table(rows, 'parse_errors')[0]).toMatchObject({ line: expect.any(Number), message: expect.stringContaining('/var/lib/kubelet/config.yaml') });
  });

  it('keeps key material out of the rows', () => {
    const text = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n      - name: key1\n        secret: c2VjcmV0IGlzIHNlY3VyZQ==\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: aHVudGVyMg==\n';
    const rows = kubeConfigsParser.parse(text, ctx('kube-configs', '/etc/kubernetes/encryption.yaml'));
    expect(one(rows, 'kube_configs', (r) => String(r.key).endsWith('.secret')).value_text).toBe('<REDACTED>');
    expect(one(rows, 'kube_configs', (r) => r.key === 'data.password').value_text).toBe('<REDACTED>');
    expect(JSON.stringify(rows)).not.toContain('c2VjcmV0');
    expect(one(rows, 'kube_configs', (r) => String(r.key).endsWith('keys[0].name')).value_text).toBe('key1');
  });

  it('reads an empty file as nothing', () => {
    expect(kubeConfigsParser.parse('', ctx('kube-configs', '/etc/kubernetes/empty.yaml'))).toEqual({});
  });
});

describe('static pod manifests', () => {
  it('turns the apiserver command into manifest component flags', () => {
    const path = '/etc/kubernetes/manifests/kube-apiserver.yaml';
    const rows = kube('manifests/kube-apiserver.yaml', path);
    expect(one(rows, 'kube_components', () => true)).toMatchObject({ component: 'kube-apiserver', origin: 'manifest', path, pid: null });
    expect(one(rows, 'component_flags', (r) => r.flag === 'tls-cert-file').value).toBe('/etc/kubernetes/pki/apiserver.crt');
    expect(one(rows, 'component_flags', (r) => r.flag === 'allow-privileged').value).toBe('true');
    expect(one(rows, 'kube_config_files', () => true)).toMatchObject({ kind: 'Pod', component: 'kube-apiserver' });
    expect(one(rows, 'kube_configs', (r) => r.key === 'metadata.annotations."kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"').value_text).toBe('192.168.3.113:6443');
  });

  it('names a component by its container when the command is the image entrypoint', () => {
    const rows = kube('manifests/etcd.yaml', '/etc/kubernetes/manifests/etcd.yaml');
    expect(one(rows, 'kube_components', () => true)).toMatchObject({ component: 'etcd' });
    expect(table(rows, 'component_flags').map((r) => r.flag)).toEqual(['cert-file', 'data-dir', 'listen-client-urls']);
  });

  it('reports a badly indented backup manifest', () => {
    const rows = kube('manifests/kube-scheduler.yaml.bak', '/etc/kubernetes/manifests/kube-scheduler.yaml.bak');
    expect(one(rows, 'kube_config_files', () => true).valid).toBe(0);
    expect(table(rows, 'kube_components')).toEqual([]);
  });
});

describe('flag env files', () => {
  it('reads kubeadm-flags.env as kubelet flags', () => {
    const rows = kube('kubeadm-flags.env', '/var/lib/kubelet/kubeadm-flags.env');
    expect(one(rows, 'kube_components', () => true)).toMatchObject({ component: 'kubelet', origin: 'env-file' });
    expect(table(rows, 'component_flags').map((r) => r.flag)).toEqual(['container-runtime-endpoint', 'pod-infra-container-image']);
    expect(one(rows, 'kube_config_files', () => true)).toMatchObject({ kind: 'EnvFile', component: 'kubelet' });
  });

  it('reads an unquoted CRLF KUBELET_EXTRA_ARGS', () => {
    const rows = kube('sysconfig-kubelet', '/etc/sysconfig/kubelet');
    expect(table(rows, 'component_flags').map((r) => `${r.flag}=${r.value}`)).toEqual(['node-ip=192.168.3.114', 'max-pods=250']);
  });

  it('keeps shared RPM-era flags as settings only, and routes KUBE_PROXY_ARGS to kube-proxy', () => {
    const common = kube('etc-kubernetes-config', '/etc/kubernetes/config');
    expect(table(common, 'kube_components')).toEqual([]);
    expect(one(common, 'kube_configs', (r) => r.key === 'KUBE_MASTER').value_text).toBe('--master=http://127.0.0.1:8080');
    const proxy = kube('etc-kubernetes-proxy', '/etc/kubernetes/proxy');
    expect(one(proxy, 'kube_components', () => true).component).toBe('kube-proxy');
    expect(one(proxy, 'component_flags', (r) => r.flag === 'proxy-mode').value).toBe('ipvs');
  });
});

describe('flannel', () => {
  it('reads net-conf.json and reports a cut one', () => {
    const rows = kube('net-conf-vxlan.json', '/etc/kube-flannel/net-conf.json');
    expect(one(rows, 'flannel_net_conf', () => true)).toMatchObject({ network: '10.244.0.0/16', backend_type: 'vxlan', vni: 1, port: 8472, direct_routing: 1, config_map: null });
    const cut = kube('net-conf-truncated.json', '/etc/kube-flannel/net-conf.json');
    expect(table(cut, 'flannel_net_conf')).toEqual([]);
    expect(one(cut, 'kube_config_files', () => true).valid).toBe(0);
  });

  it('opens ConfigMaps of a multi-document manifest: flannel net-conf and kube-proxy config.conf', () => {
    const rows = kube('kube-flannel.yml', '/etc/kubernetes/kube-flannel.yml');
    expect(one(rows, 'flannel_net_conf', () => true)).toMatchObject({ backend_type: 'host-gw', config_map: 'kube-flannel-cfg/net-conf.json' });
    const files = table(rows, 'kube_config_files');
    expect(files.map((f) => `${f.doc_index}:${f.kind}:${f.config_map}`)).toEqual(['0:Namespace:null', '1:ConfigMap:null', '2:ConfigMap:null', '2:KubeProxyConfiguration:kube-proxy/config.conf']);
    expect(one(rows, 'kube_configs', (r) => r.kind === 'KubeProxyConfiguration' && r.key === 'iptables.masqueradeAll').value).toBe('true');
    expect(one(rows, 'node_facts', () => true).value).toBe('iptables');
  });
});

describe('kubeconfigs', () => {
  it('reads an admin.conf with embedded certificates (the expired client cert of incident 004)', () => {
    const rows = kc('admin.conf', '/etc/kubernetes/admin.conf');
    expect(one(rows, 'kubeconfigs', () => true)).toMatchObject({ context: 'kubernetes-admin@kubernetes', current: 1, cluster: 'kubernetes', server: 'https://192.168.3.113:6443', user: 'kubernetes-admin', auth: 'client-cert', ca_data: 1, client_cert_data: 1, insecure_skip_tls_verify: 0 });
    const certs = table(rows, 'certs');
    expect(certs.map((c) => c.source_field)).toEqual(['clusters[kubernetes].certificate-authority-data', 'users[kubernetes-admin].client-certificate-data']);
    expect(certs[1]).toMatchObject({ member: 'kubeconfigs/etc/kubernetes/admin.conf', path: '/etc/kubernetes/admin.conf', not_after: '2021-05-10T09:43:56.000Z', subject_cn: 'kube-apiserver-kubelet-client' });
    expect(table(rows, 'parse_errors')).toEqual([]);
  });

  it('reads file references of kubelet.conf', () => {
    const row = one(kc('kubelet.conf', '/etc/kubernetes/kubelet.conf'), 'kubeconfigs', () => true);
    expect(row).toMatchObject({ namespace: 'default', certificate_authority: '/etc/kubernetes/pki/ca.crt', client_certificate: '/var/lib/kubelet/pki/kubelet-client-current.pem', ca_data: 0, client_cert_data: 0 });
  });

  it('reads token and exec users, insecure clusters and skips redacted data', () => {
    const rows = kc('root-kube-config', '/root/.kube/config');
    expect(one(rows, 'kubeconfigs', (r) => r.context === 'prod')).toMatchObject({ auth: 'token', insecure_skip_tls_verify: 1, current: 0, namespace: 'saas-ec-tomcat-pl' });
    expect(one(rows, 'kubeconfigs', (r) => r.context === 'eks')).toMatchObject({ auth: 'exec', current: 1 });
    expect(table(rows, 'certs')).toEqual([]);
  });

  it('makes a YAML error a row', () => {
    const rows = kc('broken.kubeconfig', '/etc/kubernetes/bootstrap.kubeconfig');
    expect(one(rows, 'kube_config_files', () => true).valid).toBe(0);
    expect(table(rows, 'parse_errors')).toHaveLength(1);
  });

  it('routes a kubeconfig found among kube-configs to the same tables', () => {
    const rows = kubeConfigsParser.parse(fixture('kube/kubeconfigs/kubelet.conf'), ctx('kube-configs', '/etc/kubernetes/kubelet.yaml'));
    expect(table(rows, 'kubeconfigs')).toHaveLength(1);
    expect(table(rows, 'kube_configs')).toEqual([]);
  });
});
