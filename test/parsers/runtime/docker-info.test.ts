import { describe, expect, it } from 'vitest';
import { dockerInfoParser } from '../../../analyzer/parsers/runtime/docker-info.js';
import { dockerVersionParser } from '../../../analyzer/parsers/runtime/docker-version.js';
import { ctx, fixture, one, table } from './helpers.js';

const info = (text: string) => dockerInfoParser.parse(text, ctx('docker-info'));
const version = (text: string) => dockerVersionParser.parse(text, ctx('docker-version'));
const facts = (rows: ReturnType<typeof info>) => Object.fromEntries(table(rows, 'node_facts').map((r) => [r.key, r.value]));

describe('docker info', () => {
  it('reads Docker 18.09: xfs without d_type, nvidia default runtime, an insecure registry', () => {
    const rows = info(fixture('docker/info-18.09.json'));
    expect(one(rows, 'docker_info', () => true)).toMatchObject({
      server_version: '18.09.7',
      storage_driver: 'overlay2',
      backing_filesystem: 'xfs',
      supports_d_type: 0,
      cgroup_driver: 'cgroupfs',
      cgroup_version: null,
      docker_root_dir: '/data/lib/docker',
      default_runtime: 'nvidia',
      runtimes: '["nvidia","runc"]',
      insecure_registries: '["registry.nscloud:5000"]',
      warnings: null,
      server_errors: null,
    });
    expect(one(rows, 'docker_runtimes', (r) => r.name === 'nvidia')).toMatchObject({ path: '/usr/bin/nvidia-container-runtime', is_default: 1 });
    expect(facts(rows)).toMatchObject({ 'runtime.docker.version': '18.09.7', 'runtime.docker.storage_driver': 'overlay2' });
  });

  it('reads Docker 27: cgroup v2, warnings, insecure CIDR beyond the loopback default', () => {
    const row = one(info(fixture('docker/info-27.json')), 'docker_info', () => true);
    expect(row).toMatchObject({ cgroup_version: '2', cgroup_driver: 'systemd', supports_d_type: 1, bridge_nf_iptables: 0, live_restore: 1, insecure_registries: '["10.20.0.0/16"]', http_proxy: 'http://proxy.corp:3128' });
    expect(JSON.parse(String(row.warnings))).toHaveLength(2);
    expect(JSON.parse(String(row.driver_status))).toMatchObject({ 'Native Overlay Diff': 'true', userxattr: 'false' });
  });

  it('keeps the server error when the daemon is down and states no version fact', () => {
    const rows = info(fixture('docker/info-daemon-down.json'));
    expect(String(one(rows, 'docker_info', () => true).server_errors)).toContain('Cannot connect to the Docker daemon');
    expect(table(rows, 'node_facts')).toEqual([]);
  });

  it('throws on output holding no JSON object', () => {
    expect(() => info('Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n')).toThrow();
  });
});

describe('docker version', () => {
  it('reads engine, containerd and runc versions (19.03+ components)', () => {
    expect(facts(version(fixture('docker/version-27.json')))).toEqual({
      'runtime.docker.client_version': '27.2.0',
      'runtime.docker.version': '27.2.0',
      'runtime.docker.api_version': '1.47',
      'runtime.containerd.version': '1.7.21',
      'runtime.runc.version': '1.1.13',
      'runtime.docker_init.version': '0.19.0',
    });
  });

  it('reads 18.09 (engine only) and a down daemon (client only)', () => {
    expect(facts(version(fixture('docker/version-18.09.json')))['runtime.containerd.version']).toBeUndefined();
    expect(facts(version(fixture('docker/version-18.09.json')))['runtime.docker.version']).toBe('18.09.7');
    expect(facts(version(fixture('docker/version-daemon-down.json')))).toEqual({ 'runtime.docker.client_version': '24.0.7' });
  });
});
