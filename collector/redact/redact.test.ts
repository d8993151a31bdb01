import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parse as parseToml } from 'smol-toml';
import { createRedactor, redactText, REDACTED, REDACTED_PRIVATE_KEY } from './index.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/redact');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function certificatesIn(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

describe('kubeconfig', () => {
  const input = fixture('kubeconfig.yaml');
  const { text, records } = redactText(input, 'kubeconfigs/etc/kubernetes/admin.conf');
  const doc = parseYaml(text) as {
    clusters: { cluster: Record<string, unknown> }[];
    users: { name: string; user: Record<string, unknown> & { 'auth-provider'?: { config: Record<string, string> }; exec?: { env: { name: string; value: string }[] } } }[];
  };
  const user = (name: string) => doc.users.find((u) => u.name === name)!.user;

  it('removes client-key-data, tokens, passwords and auth-provider secrets, keeping the keys', () => {
    expect(user('kubernetes-admin')['client-key-data']).toBe(REDACTED);
    expect(user('deployer').token).toBe(REDACTED);
    expect(user('bootstrap').token).toBe(REDACTED);
    expect(user('basic').password).toBe(REDACTED);
    expect(user('basic').username).toBe('admin');
    const config = user('oidc')['auth-provider']!.config;
    for (const key of ['client-secret', 'id-token', 'refresh-token', 'access-token']) expect(config[key]).toBe(REDACTED);
    expect(config['client-id']).toBe('kubernetes');
    expect(config['idp-issuer-url']).toBe('https://oidcidp.tremolo.lan:8443/auth/idp/OidcIdP');
    const env = user('exec-user').exec!.env;
    expect(env).toEqual([
      { name: 'AWS_PROFILE', value: 'prod' },
      { name: 'AWS_SECRET_ACCESS_KEY', value: REDACTED },
    ]);
    expect(doc.clusters[1]!.cluster.server).toBe(`https://admin:${REDACTED}@lb.example.com:8443`);
  });

  it('keeps the embedded certificates byte for byte', () => {
    const caData = /certificate-authority-data: (\S+)/.exec(input)![1]!;
    expect(doc.clusters[0]!.cluster['certificate-authority-data']).toBe(caData);
    const clientCert = Buffer.from(user('kubernetes-admin')['client-certificate-data'] as string, 'base64').toString();
    expect(certificatesIn(clientCert)[0]!.subject).toContain('CN=kubernetes-admin');
    expect(user('oidc')['auth-provider']!.config['idp-certificate-authority-data']).toBe(caData);
  });

  it('leaves no secret value behind', () => {
    for (const secret of ['f395accd246ae52d', "it''s a secret", '1db158f6-177d', 'ya29.a0AfH6', 'q1bKLFOyUiosT', 's3cr3t-basic', 'wJalrXUtnFEMI', 'eyJpc3Mi']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/LS0tLS1CRUdJTiBFQyBQUklWQVRF/);
  });

  it('records counts and line numbers per rule, never values', () => {
    const byRule = Object.fromEntries(records.map((r) => [r.rule, r]));
    expect(byRule['config-secret']).toEqual({ member: 'kubeconfigs/etc/kubernetes/admin.conf', rule: 'config-secret', count: 8, lines: [23, 26, 29, 33, 39, 40, 43, 44] });
    expect(byRule['base64-private-key']?.lines).toEqual([23]);
    expect(byRule['jwt']?.lines).toEqual([26, 40]);
    expect(byRule['url-credentials']?.lines).toEqual([9]);
    expect(byRule['env-secret-next-line']?.lines).toEqual([59]);
    expect(JSON.stringify(records)).not.toMatch(/f395accd|eyJ|s3cr3t/);
  });
});

describe('docker inspect', () => {
  const { text, records } = redactText(fixture('docker-inspect.json'), 'docker-inspect/docker-inspect.json');
  const containers = JSON.parse(text) as { Args: string[]; Config: { Env: string[] } }[];

  it('redacts env values under secret-like keys, whatever their case, and keeps the rest', () => {
    expect(containers[0]!.Config.Env).toEqual([
      'TZ=Asia/Shanghai',
      `MYSQL_ROOT_PASSWORD=${REDACTED}`,
      `MYSQL_PWD=${REDACTED}`,
      `db_password=${REDACTED}`,
      `REDIS_URL=redis://:${REDACTED}@redis:6379/0`,
      `AWS_SECRET_ACCESS_KEY=${REDACTED}`,
      'API_KEY=', // empty: nothing to hide, and docker/secret-in-env must not fire
      'KEYCLOAK_URL=https://sso.example.com', // KEY is not a whole word of the name
      'PWD=/', // the working directory, not a password
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'GOSU_VERSION=1.12',
      `GPG_KEY=${REDACTED}`,
      'MYSQL_MAJOR=5.7',
      'MYSQL_VERSION=5.7.44-1.el7',
    ]);
    expect(records.find((r) => r.rule === 'env-secret')).toMatchObject({ count: 5, lines: [38, 39, 40, 42, 48] });
  });

  it('keeps key-file paths and auth mode flags in Args, redacts the secret flag', () => {
    const args = containers[1]!.Args;
    expect(args).toContain('--tls-private-key-file=/etc/kubernetes/pki/apiserver.key');
    expect(args).toContain('--service-account-signing-key-file=/etc/kubernetes/pki/sa.key');
    expect(args).toContain('--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key');
    expect(args).toContain('--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key');
    expect(args).toContain('--token-auth-file=/etc/kubernetes/known_tokens.csv');
    expect(args).toContain('--anonymous-auth=false');
    expect(args).toContain('--authorization-mode=Node,RBAC');
    expect(args).toContain('--enable-bootstrap-token-auth=true');
    expect(args).toContain(`--oidc-client-secret=${REDACTED}`);
    expect(containers[0]!.Args).toContain('--default-authentication-plugin=mysql_native_password');
  });
});

describe('PEM bundle', () => {
  const input = fixture('pem-bundle.pem');
  const { text, records } = redactText(input, 'certs/etc/kubernetes/pki/bundle.pem');

  it('removes every private key block (RSA, EC with parameters, PKCS#8, encrypted, legacy encrypted, OpenSSH)', () => {
    expect(text).not.toMatch(/PRIVATE KEY-----/);
    expect(text.split('\n').filter((l) => l === REDACTED_PRIVATE_KEY)).toHaveLength(6);
    expect(text).not.toContain('Proc-Type');
    expect(text).not.toContain('b3BlbnNzaC1rZXktdjE');
    expect(records).toEqual([{ member: 'certs/etc/kubernetes/pki/bundle.pem', rule: 'pem-private-key', count: 6, lines: [19, 49, 73, 76, 94, 124] }]);
  });

  it('keeps the certificates and the EC parameters intact', () => {
    expect(certificatesIn(text).map((c) => c.subject)).toEqual(certificatesIn(input).map((c) => c.subject));
    expect(certificatesIn(text)).toHaveLength(2);
    expect(text).toContain('-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n');
  });

  it('keeps a certificate glued to the END line of a key', () => {
    const out = redactText(fixture('pem-no-newline.pem'), 'm').text;
    expect(out.startsWith(`${REDACTED_PRIVATE_KEY}\n-----BEGIN CERTIFICATE-----\n`)).toBe(true);
    expect(certificatesIn(out)).toHaveLength(1);
  });

  it('keeps CRLF line endings, the marker line included', () => {
    const out = redactText(fixture('pem-crlf.pem'), 'm').text;
    expect(out).toContain(`-----END CERTIFICATE-----\r\n${REDACTED_PRIVATE_KEY}\r\n`);
    expect(out.endsWith(`${REDACTED_PRIVATE_KEY}\r\n`)).toBe(true);
    expect(out.split('\n').slice(0, -1).every((l) => l.endsWith('\r'))).toBe(true);
    expect(certificatesIn(out)).toHaveLength(1);
  });

  it('handles keys inside one line of JSON, indented YAML, and an unterminated key', () => {
    const json = '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIB\\n-----END PRIVATE KEY-----\\n", "client_email": "x@y"}\n';
    expect(redactText(json, 'm').text).toBe(`{"type": "service_account", "private_key": "${REDACTED}", "client_email": "x@y"}\n`);
    const yaml = 'data:\n  tls.key: |\n    -----BEGIN EC PRIVATE KEY-----\n    MHcCAQEE\n    -----END EC PRIVATE KEY-----\n  tls.crt: x\n';
    expect(redactText(yaml, 'm').text).toBe(`data:\n  tls.key: |\n    ${REDACTED_PRIVATE_KEY}\n  tls.crt: x\n`);
    const truncated = 'a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nMIIEow';
    expect(redactText(truncated, 'm').text).toBe(`a\n${REDACTED_PRIVATE_KEY}\n`);
  });
});

describe('process arguments (ps -eo ... args)', () => {
  const { text, records } = redactText(fixture('ps.txt'), 'ps/ps.txt');
  const line = (pid: number) => text.split('\n').find((l) => new RegExp(`^ *${pid} `).test(l))!;

  it('keeps every kube-apiserver and etcd flag that is configuration', () => {
    const apiserver = line(1733);
    for (const flag of [
      '--anonymous-auth=false',
      '--authorization-mode=Node,RBAC',
      '--enable-bootstrap-token-auth=true',
      '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
      '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
      '--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key',
      '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
      '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
      '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
      '--token-auth-file=/etc/kubernetes/known_tokens.csv',
      '--etcd-servers=https://127.0.0.1:2379',
    ]) {
      expect(apiserver).toContain(` ${flag}`);
    }
    expect(apiserver).toContain(`--oidc-client-secret=${REDACTED} `);
    const etcd = line(1740);
    expect(etcd).toContain('--client-cert-auth=true');
    expect(etcd).toContain('--peer-client-cert-auth=true');
    expect(etcd).toContain('--key-file=/etc/kubernetes/pki/etcd/server.key');
    expect(etcd).toContain(`--initial-cluster-token=${REDACTED}`);
    expect(line(912)).toBe(fixture('ps.txt').split('\n')[2]);
    expect(line(3700)).toContain('--tlskey=/etc/docker/key.pem --authorization-plugin=authz-broker');
    expect(line(3600)).toContain('-proto tcp -host-ip 0.0.0.0'); // docker-proxy's -proto is not mysql's -p
  });

  it('redacts passwords and tokens in every argument form', () => {
    expect(line(2210)).toMatch(/-etcd-username=flannel -etcd-password=<REDACTED>$/);
    expect(line(3300)).toMatch(/mysql -uroot -p<REDACTED> -P3306 -h 127\.0\.0\.1 appdb$/);
    expect(line(3301)).toMatch(/mysql -uroot -p -h 127\.0\.0\.1$/); // bare -p prompts: nothing to hide
    expect(line(3302)).toContain(`--password=${REDACTED} appdb`);
    expect(line(3400)).toContain(`-Dspring.datasource.password=${REDACTED} -jar`);
    expect(line(3500)).toMatch(/env DB_TOKEN=<REDACTED> PGPASSWORD=<REDACTED> \/usr\/local\/bin\/backup --db-password <REDACTED> --api-key=<REDACTED> --verbose$/);
    expect(line(3800)).toMatch(/Authorization: Bearer <REDACTED> https:\/\/10\.0\.0\.10:6443\/api$/);
    expect(line(3900)).toMatch(/--token <REDACTED> --discovery-token-ca-cert-hash sha256:1234567890abcdef\S+ --certificate-key <REDACTED>$/);
    for (const secret of ['Zm9vYmFy', 'fl4nn3l', 'S3cr3t', 'b4ckup', 'j4v4pw', 't0k3n', 'pg pass', 'quoted secret', 'AKIA1234', '0a1b2c3d4e5f', '9c2a0c7b']) {
      expect(text).not.toContain(secret);
    }
    expect(records.map((r) => [r.rule, r.count])).toEqual([
      ['env-secret', 1],
      ['cli-secret', 7],
      ['mysql-password', 1],
      ['auth-header', 1],
    ]);
  });
});

describe('configuration files', () => {
  it('containerd config.toml: registry password, auth and identitytoken; the result is still TOML', () => {
    const { text } = redactText(fixture('containerd-config.toml'), 'm');
    const toml = parseToml(text) as { plugins: Record<string, { registry: { configs: Record<string, { auth?: Record<string, string>; tls?: Record<string, unknown> }>; mirrors: Record<string, { endpoint: string[] }> } }> };
    const registry = toml.plugins['io.containerd.grpc.v1.cri']!.registry;
    expect(registry.configs['harbor.example.com']!.auth).toEqual({ username: 'robot$ci', password: REDACTED });
    expect(registry.configs['gcr.example.com']!.auth).toEqual({ auth: REDACTED, identitytoken: REDACTED });
    expect(registry.configs['harbor.example.com']!.tls).toEqual({ insecure_skip_verify: true, key_file: '/etc/containerd/certs/client.key' });
    expect(registry.mirrors['docker.io']!.endpoint).toEqual([`https://mirror:${REDACTED}@mirror.example.com`]);
  });

  it('daemon.json: credentials in mirror and proxy URLs; the result is still JSON', () => {
    const json = JSON.parse(redactText(fixture('daemon.json'), 'm').text) as Record<string, unknown>;
    expect(json['registry-mirrors']).toEqual([`https://user:${REDACTED}@mirror.example.com`]);
    expect(json['proxies']).toEqual({ 'http-proxy': `http://proxyuser:${REDACTED}@proxy.corp:3128`, 'no-proxy': 'localhost,127.0.0.1' });
    expect(json['tlskey']).toBe('/etc/docker/key.pem');
    expect(json['authorization-plugins']).toEqual(['authz-broker']);
  });

  it('systemd drop-in with CRLF: Environment secrets go, flag lists and line endings stay', () => {
    const input = fixture('kubelet-dropin-crlf.conf');
    const { text } = redactText(input, 'm');
    const lines = text.split('\r\n');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\n').length).toBe(input.split('\n').length);
    expect(lines[2]).toBe('Environment="KUBELET_AUTHZ_ARGS=--authorization-mode=Webhook --client-ca-file=/etc/kubernetes/pki/ca.crt"');
    expect(lines[3]).toBe(`Environment="HTTP_PROXY=http://corp:${REDACTED}@proxy:3128" "NO_PROXY=10.0.0.0/8"`);
    expect(lines[4]).toBe(`Environment=REGISTRY_PASSWORD=${REDACTED}`);
    expect(lines[5]).toBe(`Environment="ETCD_TOKEN=${REDACTED}" "LOG_LEVEL=2"`);
    expect(lines[8]).toBe(`ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_AUTHZ_ARGS --token=${REDACTED}`);
  });

  it('static pod manifest: env values under secret names, on the next line or inline', () => {
    const { text } = redactText(fixture('static-pod.yaml'), 'm');
    const pod = parseYaml(text) as { spec: { tolerations: { key: string }[]; containers: { env: { name: string; value?: string; valueFrom?: unknown }[] }[]; volumes: { secret?: { secretName: string } }[] } };
    const env = pod.spec.containers[0]!.env;
    expect(env.map((e) => [e.name, e.value])).toEqual([
      ['TZ', 'Asia/Shanghai'],
      ['MYSQL_ROOT_PASSWORD', REDACTED],
      ['MYSQL_PASSWORD', undefined],
      ['REPL_TOKEN', REDACTED],
      ['API_KEY', 'inline-flow'], // flow mappings on one line are not parsed: a documented limit
    ]);
    expect(env[2]!.valueFrom).toEqual({ secretKeyRef: { name: 'mysql-secret', key: 'password' } });
    expect(pod.spec.tolerations[0]!.key).toBe('node-role.kubernetes.io/control-plane');
    expect(pod.spec.volumes[0]!.secret).toEqual({ secretName: 'mysql-tls' });
  });

  it('kubeadm config: bootstrap token, certificateKey, encryption secret; kubelet auth settings stay', () => {
    const { text } = redactText(fixture('kubeadm-config.yaml'), 'm');
    const [init, enc, kubelet] = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
    expect((init!.bootstrapTokens as { token: string }[])[0]!.token).toBe(REDACTED);
    expect(init!.certificateKey).toBe(REDACTED);
    expect(JSON.stringify(enc)).toContain(`"secret":"${REDACTED}"`);
    expect(JSON.stringify(enc)).toContain('"name":"key1"');
    expect(kubelet).toMatchObject({ authentication: { anonymous: { enabled: false }, webhook: { enabled: true } }, authorization: { mode: 'Webhook' }, tlsPrivateKeyFile: '/var/lib/kubelet/pki/kubelet.key' });
  });

  it('kubelet and flannel journal lines: bearer tokens, basic auth, registry auth, cookies, URL passwords', () => {
    const input = fixture('kubelet-journal.txt');
    const lines = redactText(input, 'm').text.split('\n');
    expect(lines[0]).toContain(`-H "Authorization: Bearer ${REDACTED}" 'https://10.0.0.10:6443/api/v1/nodes/master1'`);
    expect(lines[1]).toBe(input.split('\n')[1]);
    expect(lines[2]).toBe(input.split('\n')[2]);
    expect(lines[3]).toContain(`registry="https://ci:${REDACTED}@harbor.example.com/v2/"`);
    expect(lines[4]).toMatch(/authorization: Basic <REDACTED>$/);
    expect(lines[6]).toMatch(/Using bearer token for auth, token=<REDACTED>$/);
    expect(lines[7]).toMatch(/X-Registry-Auth: <REDACTED>$/);
    expect(lines[8]).toMatch(/Cookie: <REDACTED>$/);
  });
});

describe('values that are not secrets stay', () => {
  it.each([
    ['docker info', '{"Plugins":{"Authorization":null,"Log":["json-file"]},"SecurityOptions":["name=seccomp,profile=builtin"]}'],
    ['kernel config', 'CONFIG_SECRETMEM=y\nCONFIG_HAVE_KVM_IRQ_BYPASS=m\nCONFIG_ASYMMETRIC_KEY_TYPE=y'],
    ['sysctl', 'kernel.keys.maxkeys = 200\nnet.ipv4.tcp_keepalive_time = 7200'],
    ['manifest flag', '    - --use-service-account-credentials=true\n    - --authentication-token-webhook=true'],
    ['kubelet config', 'authorization:\n  mode: Webhook\nauthentication:\n  anonymous:\n    enabled: false'],
    ['toleration', '  - key: node-role.kubernetes.io/master\n    effect: NoSchedule'],
    ['certificate data', '    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM='],
    ['ssh URL', 'git clone ssh://git@github.com:22/org/repo.git'],
    ['URL with port', 'https://10.0.0.1:6443/api?watch=1@x'],
    ['iptables', '-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y'],
    ['prose', 'kubelet: Use bearer token from file, token file changed'],
  ])('%s', (_name, input) => {
    const { text, records } = redactText(input, 'm');
    expect(text).toBe(input);
    expect(records).toEqual([]);
  });
});

describe('streaming', () => {
  it('keeps bytes that are not valid UTF-8, and NULs, unchanged', () => {
    const input = Buffer.concat([Buffer.from('caf\xe9 \x00 token: x\n', 'latin1'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('PASSWORD=\xe9t\xe9\n', 'latin1')]);
    const redactor = createRedactor('m');
    const out = Buffer.concat([redactor.push(input), redactor.end()]);
    expect(out.equals(Buffer.from(`caf\xe9 \x00 token: x\n\xff\xfe\nPASSWORD=${REDACTED}\n`, 'latin1'))).toBe(true);
  });

  it('returns the very chunk when nothing in it is redacted', () => {
    const redactor = createRedactor('m');
    const chunk = Buffer.from('line one\nline two\n');
    expect(redactor.push(chunk)).toBe(chunk);
  });

  it('keeps a missing final newline missing, and an empty member empty', () => {
    const redactor = createRedactor('m');
    expect(Buffer.concat([redactor.push(Buffer.from('a\ntoken: x')), redactor.end()]).toString()).toBe(`a\ntoken: ${REDACTED}`);
    const empty = createRedactor('m');
    expect(Buffer.concat([empty.push(Buffer.alloc(0)), empty.end()]).length).toBe(0);
    expect(empty.records()).toEqual([]);
  });
});

describe('systemd units', () => {
  it("keeps hardening settings such as PrivateTmp=yes and redacts secrets in Environment=", () => {
    const unit = '[Service]\nPrivateTmp=yes\nPrivateDevices=yes\nProtectSystem=strict\nEnvironment=DB_PASSWORD=hunter2 SSH_PRIVATE=abc\n';
    const { text } = redactText(unit, 'systemd-units/etc/systemd/system/app.service');
    expect(text).toContain('PrivateTmp=yes\nPrivateDevices=yes\n');
    expect(text).toContain(`DB_PASSWORD=${REDACTED}`);
    expect(text).toContain(`SSH_PRIVATE=${REDACTED}`);
    expect(text).not.toContain('hunter2');
  });
});
