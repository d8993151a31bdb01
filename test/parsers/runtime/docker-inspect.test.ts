import { describe, expect, it } from 'vitest';
import { dockerInspectParser } from '../../../analyzer/parsers/runtime/docker-inspect.js';
import { ctx, fixture, one, table } from './helpers.js';

const parse = (text: string) => dockerInspectParser.parse(text, ctx('docker-inspect'));

describe('docker inspect (Docker 18.09, dockershim node)', () => {
  const rows = parse(fixture('docker/inspect-18.09.json'));

  it('reads the pod sandbox and its container with their kubernetes identity', () => {
    const sandbox = one(rows, 'containers', (r) => r.name === 'k8s_POD_operation-cf45b5777-vq8x4_ncss-v3_57501f2c-60f3-4acf-95b0-19c9ee1ec293_10');
    expect(sandbox).toMatchObject({
      engine: 'docker',
      k8s_type: 'podsandbox',
      pod_name: 'operation-cf45b5777-vq8x4',
      pod_namespace: 'ncss-v3',
      sandbox_id: '2dce6e228773c1d93a1b7a24ef43ab8cc6d5a2d2d35b1d1b5b1c0f6e9a8e7d41',
      image: 'registry.nscloud:5000/google_containers/pause:3.1',
      pid: 23199,
      running: 1,
      finished_at: null,
      started_at: '2021-10-11T02:13:41.310Z',
      init: null,
      log_max_size: '100m',
      network_mode: 'none',
    });
    const app = one(rows, 'containers', (r) => r.k8s_container_name === 'operation');
    expect(app).toMatchObject({
      k8s_type: 'container',
      k8s_attempt: 760,
      restart_count: 0,
      sandbox_id: '2dce6e228773c1d93a1b7a24ef43ab8cc6d5a2d2d35b1d1b5b1c0f6e9a8e7d41',
      network_mode: 'container:2dce6e228773c1d93a1b7a24ef43ab8cc6d5a2d2d35b1d1b5b1c0f6e9a8e7d41',
      path: '/bin/sh',
      overlay_layer_id: '4e9fa83caff3e8f4cc83693fa407a4a9fac9573deaf481506c102d484dd1e6a1',
      upper_dir: '/var/lib/docker/overlay2/4e9fa83caff3e8f4cc83693fa407a4a9fac9573deaf481506c102d484dd1e6a1/diff',
      log_max_size: null,
      cpu_quota: 100000,
      memory_limit: 2147483648,
      gpu_requested: 0,
    });
    expect(JSON.parse(String(app.args))).toEqual(['-c', expect.stringContaining('tail -f /etc/hosts')]);
  });

  it('keeps env keys, never secret values, and values only for allow-listed keys', () => {
    const env = table(rows, 'container_env').filter((r) => r.container_id === '0000936684d05d4c98c67fa8606d89f367a7985a0d05449bbef812422897b1b2');
    const byKey = Object.fromEntries(env.map((r) => [r.key, r]));
    expect(byKey.MYSQL_ROOT_PASSWORD).toMatchObject({ redacted: 1, has_value: 1, value: null });
    expect(byKey.API_TOKEN).toMatchObject({ redacted: 0, has_value: 0, value: null });
    expect(byKey.HTTP_PROXY).toMatchObject({ redacted: 0, has_value: 0 });
    expect(byKey.NVIDIA_VISIBLE_DEVICES).toMatchObject({ value: 'all' });
    expect(byKey.PATH?.value).toBeNull();
    const all = JSON.stringify(table(rows, 'container_env'));
    expect(all).not.toContain('REDACTED');
    expect(all).not.toContain('prod');
  });

  it('records the OOM-killed, privileged, socket-mounting nvidia container', () => {
    const c = one(rows, 'containers', (r) => r.name === 'signature-handwriting');
    expect(c).toMatchObject({ oom_killed: 1, exit_code: 137, status: 'exited', restart_count: 12, privileged: 1, runtime: 'nvidia', pid: 0, gpu_requested: 1, gpu_request_via: 'env', restart_policy: 'on-failure', restart_max_retries: 20 });
    expect(c.k8s_type).toBeNull();
    const sock = one(rows, 'container_mounts', (r) => r.container_id === c.id && r.destination === '/var/run/docker.sock');
    expect(sock).toMatchObject({ type: 'bind', source: '/var/run/docker.sock', rw: 1 });
    expect(one(rows, 'container_ports', (r) => r.container_id === c.id)).toMatchObject({ origin: 'binding', container_port: 8080, protocol: 'tcp', host_port: 18080, host_ip: null });
    // a stopped container keeps its network but has no address
    expect(one(rows, 'container_networks', (r) => r.container_id === c.id)).toMatchObject({ network: 'bridge', ip: null, prefixlen: null });
  });

  it('keeps labels', () => {
    expect(one(rows, 'container_labels', (r) => r.key === 'io.kubernetes.sandbox.id').value).toBe('2dce6e228773c1d93a1b7a24ef43ab8cc6d5a2d2d35b1d1b5b1c0f6e9a8e7d41');
  });
});

describe('docker inspect (Docker 27)', () => {
  const rows = parse(fixture('docker/inspect-27.json'));

  it('reads Init, DeviceRequests and published ports of both address families', () => {
    const portainer = one(rows, 'containers', (r) => r.name === 'portainer');
    expect(portainer).toMatchObject({ init: 1, log_type: 'json-file', log_max_size: '10m', log_max_file: '3', gpu_requested: 0, restart_policy: 'always' });
    const published = table(rows, 'container_ports').filter((r) => r.container_id === portainer.id && r.origin === 'published');
    expect(published.map((r) => `${r.host_ip} ${r.host_port} ${r.container_port}`).sort()).toEqual(['0.0.0.0 9000 9000', ':: 9000 9000', 'null null 8000', 'null null 9443']);
    expect(one(rows, 'container_networks', (r) => r.container_id === portainer.id)).toMatchObject({ ip: '172.17.0.2', prefixlen: 16, gateway: '172.17.0.1', mac: '02:42:ac:11:00:02' });
    expect(one(rows, 'container_mounts', (r) => r.container_id === portainer.id && r.type === 'volume')).toMatchObject({ name: 'portainer_data', driver: 'local' });

    const trainer = one(rows, 'containers', (r) => r.name === 'trainer');
    expect(trainer).toMatchObject({ gpu_requested: 1, gpu_request_via: 'device-requests,env', health_status: 'healthy', nano_cpus: 8000000000, pid_mode: 'host', init: null });
    expect(one(rows, 'container_env', (r) => r.container_id === trainer.id && r.key === 'TZ').value).toBe('Asia/Shanghai');
    expect(one(rows, 'container_networks', (r) => r.container_id === trainer.id)).toMatchObject({ ip: '172.20.0.5', ipv6: 'fd00:dead:beef::5', ipv6_prefixlen: 48 });
  });

  it('copes with the containerd image store (no GraphDriver data) and never-started containers', () => {
    const web = one(rows, 'containers', (r) => r.name === 'web');
    expect(web).toMatchObject({ graph_driver: 'overlayfs', upper_dir: null, overlay_layer_id: null, started_at: null, init: 0, readonly_rootfs: 1, gpu_request_via: 'devices', created: '2024-09-04T12:00:00.500Z', error: expect.stringContaining('port is already allocated') });
  });
});

describe('docker inspect, ugly input', () => {
  it('keeps the containers before a cut and reports the cut (CRLF)', () => {
    const rows = parse(fixture('docker/inspect-27-truncated-crlf.json'));
    expect(table(rows, 'containers').map((r) => r.name)).toEqual(['portainer', 'trainer']);
    expect(table(rows, 'parse_errors')).toHaveLength(1);
    expect(String(table(rows, 'parse_errors')[0]?.message)).toMatch(/truncated/);
  });

  it('reads an empty list and empty output as nothing', () => {
    expect(parse('[]\n')).toEqual({});
    expect(parse('')).toEqual({});
  });

  it('reports elements without an Id and throws on output that is not JSON at all', () => {
    const rows = parse('[{"Name": "/x"}, {"Id": "abc", "Name": "/y"}]');
    expect(table(rows, 'containers')).toHaveLength(1);
    expect(table(rows, 'parse_errors')).toHaveLength(1);
    expect(() => parse('Error response from daemon: No such container\n{')).toThrow();
  });
});
