import { describe, expect, it } from 'vitest';
import { containerdConfigParser } from '../../../analyzer/parsers/runtime/containerd-config.js';
import { daemonConfigParser } from '../../../analyzer/parsers/runtime/daemon-config.js';
import { expandExecStart, systemdUnitsParser, unitOf } from '../../../analyzer/parsers/runtime/systemd-units.js';
import { ctx, fixture, one, table } from './helpers.js';

const daemon = (name: string, path: string) => daemonConfigParser.parse(fixture(`config/${name}`), ctx('docker-daemon-config', path));
const value = (rows: ReturnType<typeof daemon>, table_: string, key: string) => one(rows, table_, (r) => r.key === key);

describe('docker daemon config', () => {
  it('flattens the seed GPU daemon.json', () => {
    const rows = daemon('daemon-gpu.json', '/etc/docker/daemon.json');
    expect(one(rows, 'daemon_config_files', () => true)).toEqual({ path: '/etc/docker/daemon.json', format: 'json', valid: 1, error: null });
    expect(JSON.parse(String(value(rows, 'daemon_config', 'hosts').value))).toContain('tcp://10.36.245.149:8137');
    expect(value(rows, 'daemon_config', 'default-runtime')).toMatchObject({ value: '"nvidia"', value_text: 'nvidia' });
    expect(value(rows, 'daemon_config', 'runtimes.nvidia.path').value_text).toBe('/usr/bin/nvidia-container-runtime');
    expect(value(rows, 'daemon_config', 'runtimes.nvidia.runtimeArgs').value).toBe('[]');
  });

  it('walks arrays of objects with indexes and keeps scalar arrays whole', () => {
    const rows = daemon('daemon-full.json', '/etc/docker/daemon.json');
    expect(value(rows, 'daemon_config', 'log-opts.max-size').value_text).toBe('100m');
    expect(value(rows, 'daemon_config', 'default-address-pools[0].size')).toMatchObject({ value: '24', value_text: '24' });
    expect(value(rows, 'daemon_config', 'live-restore').value_text).toBe('true');
    expect(value(rows, 'daemon_config', 'insecure-registries').value_text).toBeNull();
    expect(value(rows, 'daemon_config', 'features.containerd-snapshotter').value).toBe('false');
  });

  it('records a truncated daemon.json as invalid, with a parse error', () => {
    const rows = daemon('daemon-truncated.json', '/etc/docker/daemon.json');
    expect(one(rows, 'daemon_config_files', () => true)).toMatchObject({ valid: 0, error: expect.any(String) });
    expect(table(rows, 'daemon_config')).toEqual([]);
    expect(table(rows, 'parse_errors')).toHaveLength(1);
  });

  it('reads /etc/sysconfig/docker: variables and the dockerd flags of OPTIONS and INSECURE_REGISTRY', () => {
    const rows = daemon('sysconfig-docker', '/etc/sysconfig/docker');
    expect(value(rows, 'daemon_config', 'OPTIONS').value_text).toContain('-H tcp://0.0.0.0:2375');
    const flags = table(rows, 'component_flags').map((r) => `${r.flag}=${r.value}`);
    expect(flags).toEqual([
      'selinux-enabled=true',
      'log-driver=journald',
      'signature-verification=false',
      'H=tcp://0.0.0.0:2375',
      'H=unix:///var/run/docker.sock',
      'insecure-registry=192.168.1.10:5000',
    ]);
    expect(one(rows, 'kube_components', () => true)).toMatchObject({ component: 'dockerd', origin: 'env-file', path: '/etc/sysconfig/docker', pid: null });
    expect(table(rows, 'component_flags').every((r) => r.origin === 'env-file' && r.component === 'dockerd')).toBe(true);
    // the stock file's `if` block is shell around an assignment: skipped, not an error
    expect(table(rows, 'parse_errors')).toEqual([]);
    expect(one(rows, 'daemon_config_files', () => true)).toMatchObject({ format: 'env', valid: 1 });
    expect(value(rows, 'daemon_config', 'DOCKER_CERT_PATH').value_text).toBe('/etc/docker');
  });

  it('reads /etc/default/docker with CRLF, export and a continued quoted value', () => {
    const rows = daemon('default-docker-crlf', '/etc/default/docker');
    expect(value(rows, 'daemon_config', 'http_proxy').value_text).toBe('http://127.0.0.1:3128/');
    expect(table(rows, 'component_flags').map((r) => `${r.flag}=${r.value}`)).toEqual(['dns=8.8.8.8', 'dns=8.8.4.4']);
  });
});

describe('containerd config.toml', () => {
  it('flattens version 2 with TOML-quoted plugin keys', () => {
    const rows = containerdConfigParser.parse(fixture('config/containerd-v2.toml'), ctx('containerd-config', '/etc/containerd/config.toml'));
    expect(one(rows, 'containerd_config_files', () => true)).toMatchObject({ version: 2, valid: 1 });
    expect(value(rows, 'containerd_config', 'plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options.SystemdCgroup').value).toBe('false');
    expect(value(rows, 'containerd_config', 'plugins."io.containerd.grpc.v1.cri".sandbox_image').value_text).toBe('registry.k8s.io/pause:3.6');
    expect(value(rows, 'containerd_config', 'plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io".endpoint').value).toBe('["https://registry-1.docker.io"]');
    expect(value(rows, 'containerd_config', 'timeouts."io.containerd.timeout.shim.cleanup"').value_text).toBe('5s');
  });

  it('keeps registry passwords out of the rows', () => {
    const rows = containerdConfigParser.parse(fixture('config/containerd-v2.toml'), ctx('containerd-config', '/etc/containerd/config.toml'));
    expect(value(rows, 'containerd_config', 'plugins."io.containerd.grpc.v1.cri".registry.configs."registry.nscloud:5000".auth.password').value_text).toBe('<REDACTED>');
    expect(value(rows, 'containerd_config', 'plugins."io.containerd.grpc.v1.cri".registry.configs."registry.nscloud:5000".auth.username').value_text).toBe('puller');
    expect(JSON.stringify(rows)).not.toContain('hunter2');
  });

  it('makes a broken file a row, not a crash', () => {
    const rows = containerdConfigParser.parse(fixture('config/containerd-broken.toml'), ctx('containerd-config', '/etc/containerd/config.toml'));
    expect(one(rows, 'containerd_config_files', () => true)).toMatchObject({ valid: 0, version: null });
    expect(table(rows, 'parse_errors')).toHaveLength(1);
  });
});

describe('systemd units', () => {
  it("expands the kubeadm drop-in's Environment= into kubelet flags", () => {
    const path = '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
    const rows = systemdUnitsParser.parse(fixture('config/units/10-kubeadm.conf'), ctx('systemd-units', path));
    expect(one(rows, 'kube_components', () => true)).toMatchObject({ component: 'kubelet', origin: 'unit', path, config_path: '/var/lib/kubelet/config.yaml' });
    expect(table(rows, 'component_flags').map((r) => r.flag)).toEqual(['bootstrap-kubeconfig', 'kubeconfig', 'config']);
    expect(table(rows, 'systemd_units').filter((r) => r.key === 'ExecStart')).toHaveLength(2);
    expect(table(rows, 'systemd_units').every((r) => r.unit === 'kubelet.service' && r.dropin === 1)).toBe(true);
  });

  it('joins continuation lines of a binary kube-proxy unit', () => {
    const rows = systemdUnitsParser.parse(fixture('config/units/kube-proxy.service'), ctx('systemd-units', '/etc/systemd/system/kube-proxy.service'));
    expect(one(rows, 'kube_components', () => true)).toMatchObject({ component: 'kube-proxy', config_path: '/etc/kubernetes/kube-proxy-config.yml' });
    expect(one(rows, 'component_flags', (r) => r.flag === 'v').value).toBe('2');
    expect(one(rows, 'systemd_units', (r) => r.key === 'ExecStart').line).toBe(8);
  });

  it('reads docker.service and a CRLF override with a comment inside the continuation', () => {
    const plain = systemdUnitsParser.parse(fixture('config/units/docker.service'), ctx('systemd-units', '/lib/systemd/system/docker.service'));
    expect(one(plain, 'kube_components', () => true)).toMatchObject({ component: 'dockerd', args: '/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock' });
    const override = systemdUnitsParser.parse(fixture('config/units/docker-override-crlf.conf'), ctx('systemd-units', '/etc/systemd/system/docker.service.d/override.conf'));
    expect(table(override, 'component_flags').map((r) => `${r.flag}=${r.value}`)).toEqual(['H=tcp://0.0.0.0:2375', 'H=unix:///var/run/docker.sock']);
    expect(table(override, 'parse_errors')).toEqual([{ line: 7, message: expect.stringContaining('garbage') }]);
  });

  it("looks inside RHEL etcd's bash -c wrapper", () => {
    const rows = systemdUnitsParser.parse(fixture('config/units/etcd.service'), ctx('systemd-units', '/usr/lib/systemd/system/etcd.service'));
    expect(one(rows, 'kube_components', () => true)).toMatchObject({ component: 'etcd', origin: 'unit' });
    expect(table(rows, 'component_flags').map((r) => r.flag)).toEqual(['name', 'data-dir', 'listen-client-urls']);
  });

  it('expands variables like systemd and names units', () => {
    expect(expandExecStart('@/usr/bin/kubelet $ARGS ${ONE} --x=${NONE}y $MISSING', new Map([['ARGS', '--a=1 --b'], ['ONE', 'two words']]))).toEqual(['/usr/bin/kubelet', '--a=1', '--b', 'two words', '--x=y']);
    expect(unitOf('/usr/lib/systemd/system/containerd.service')).toEqual({ unit: 'containerd.service', dropin: false });
  });
});
