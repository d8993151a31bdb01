import { describe, expect, it } from 'vitest';
import { COLLECTED_AT, crlf, errors, fixture, parse, table, truncateLastLine } from './helpers.js';

const collectedMs = Date.parse(COLLECTED_AT);
const ID = {
  kubeProxy: '1241936d4dd3aad68fe7bfbdfe854b935926bc678fc72377e15166078916227a',
  flannel: 'd3c12ac18adbe4ccbbb1a94db004777b53677fb314b334b6001ec9e11700c543',
  apiserver: '8fa8c3a431ee4c139617ddd7a142a179a95edab4f317a427a31eceab4c9d5d01',
  java: '38a0963a6364b09ad867aa9a66c6d009673c21e182015461da236ec361877f77',
  v2KubeProxy: 'cf0c9a3c276aafe465ce89618d5e52e4eccec0b55c4ede75a8353cddfdf5aa0b',
  crio: '03d1449ae4df4a148f4039741872b2f18251f081b4f359ddaf169692ef250215',
  dockerScope: '6c8c8823b0bfd296e7a3d19908c4721313b5c5cd4ccfd0cfbf6c29c94950b7c6',
};

function byPid(rows: ReturnType<typeof table>) {
  return new Map(rows.map((r) => [r.pid as number, r]));
}

describe('ps on this machine (procps-ng 4.0.2, registry argv)', () => {
  for (const file of ['process/ps-debian12-procps4.txt', 'process/ps-debian12-cgroup4096.txt', 'process/ps-debian12-nocgroup.txt']) {
    it(`reads ${file}`, () => {
      const rows = parse('ps', fixture(file), { collectedAt: '2026-11-22T00:02:40.000Z', utcOffset: '+0000' });
      expect(errors(rows)).toEqual([]);
      const procs = byPid(table(rows, 'processes'));
      expect(procs.size).toBe(13);
      expect(procs.get(2)).toMatchObject({ ppid: 1, state: 'S', comm: 'kubelet', cgroup: null, container_id: null, user: 'root' });
      expect(procs.get(9)).toMatchObject({ stat: 'Sl', threads: 8 });
      expect(procs.get(10)).toMatchObject({ user: '12345', comm: 'nginx', args: 'nginx: worker process' });
      expect(procs.get(13)).toMatchObject({ state: 'Z', comm: 'perl', args: '[perl] <defunct>' });
      // lstart is local time; at +0000 it is the UTC start time itself
      expect(procs.get(1)?.start_time).toMatch(/^2026-11-22T00:0\d:\d\d\.000Z$/);
      const components = table(rows, 'kube_components').map((r) => r.component).sort();
      expect(components).toEqual(['containerd', 'dockerd', 'flanneld', 'kube-apiserver', 'kube-proxy', 'kubelet']);
    });
  }
});

describe('ps of a CentOS 7 node (procps-ng 3.3.10, cgroup v1, docker + kubepods)', () => {
  const rows = parse('ps', fixture('process/ps-centos7-procps3.3.10-cgroupv1.txt'));
  const procs = byPid(table(rows, 'processes'));

  it('reads every line', () => {
    expect(errors(rows)).toEqual([]);
    expect(procs.size).toBe(15);
  });

  it('turns local lstart into UTC, consistent with collectedAt - etimes', () => {
    for (const p of procs.values()) {
      expect(p.start_time).toBe(new Date(collectedMs - (p.elapsed_seconds as number) * 1000).toISOString());
    }
    // single-digit days are padded with a blank ("Sat Nov  7")
    expect(procs.get(1)?.start_time).toBe('2026-11-07T13:46:36.000Z');
  });

  it('finds container and pod ids in cgroup v1 paths', () => {
    expect(procs.get(3402)).toMatchObject({ container_id: ID.kubeProxy, pod_uid: '6f1c6d2e-8b1f-4c53-9a51-3c2a9f0e7b11', comm: 'kube-proxy' });
    expect(procs.get(3555)).toMatchObject({ container_id: ID.flannel, pod_uid: 'a3c9e1f2-4b5d-4e6f-8a7b-9c0d1e2f3a4b' });
    expect(procs.get(4120)).toMatchObject({ container_id: ID.apiserver, pod_uid: '0d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f' });
    expect(procs.get(74327)).toMatchObject({ container_id: ID.java, pod_uid: null, user: 'elasticsearch-service-account-l+', threads: 87 });
    expect(procs.get(2811)).toMatchObject({ container_id: null, pod_uid: null });
    expect(procs.get(2)).toMatchObject({ cgroup: null, comm: 'kthreadd' });
    expect(procs.get(74841)).toMatchObject({ state: 'Z', comm: 'java', container_id: ID.java });
    expect(procs.get(90211)).toMatchObject({ state: 'D', user: '1000' });
  });

  it('lists the node components with their flags', () => {
    const components = table(rows, 'kube_components');
    expect(components.map((r) => `${r.component}:${r.pid}`).sort()).toEqual([
      'containerd:1021', 'dockerd:1187', 'flanneld:3555', 'kube-apiserver:4120', 'kube-proxy:3402', 'kubelet:2811',
    ]);
    expect(components.find((r) => r.component === 'kubelet')).toMatchObject({ origin: 'process', path: null, config_path: '/var/lib/kubelet/config.yaml' });
    const flags = table(rows, 'component_flags');
    expect(flags).toContainEqual({ component: 'kubelet', origin: 'process', pid: 2811, path: null, flag: 'fail-swap-on', value: 'false' });
    expect(flags).toContainEqual({ component: 'kube-apiserver', origin: 'process', pid: 4120, path: null, flag: 'tls-cert-file', value: '/etc/kubernetes/pki/apiserver.crt' });
    expect(flags).toContainEqual({ component: 'dockerd', origin: 'process', pid: 1187, path: null, flag: 'H', value: 'fd://' });
  });
});

describe('ps with cgroup v2 and the systemd driver', () => {
  const procs = byPid(table(parse('ps', fixture('process/ps-ubuntu2204-cgroupv2-systemd.txt')), 'processes'));

  it('finds containerd, CRI-O and docker scopes, pod UIDs with dashes restored', () => {
    expect(procs.get(2201)).toMatchObject({ container_id: ID.v2KubeProxy, pod_uid: '6f1c6d2e-8b1f-4c53-9a51-3c2a9f0e7b11' });
    expect(procs.get(2388)).toMatchObject({ container_id: ID.crio, pod_uid: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f', comm: 'nginx' });
    expect(procs.get(3001)).toMatchObject({ container_id: ID.dockerScope, pod_uid: null, user: '101' });
    expect(procs.get(3100)).toMatchObject({ container_id: null, comm: '-bash' });
  });
});

describe('ps ugly input', () => {
  const base = fixture('process/ps-centos7-procps3.3.10-cgroupv1.txt');

  it('reads CRLF and reports a truncated last line', () => {
    const rows = parse('ps', truncateLastLine(crlf(base)));
    expect(table(rows, 'processes').length).toBe(14);
    expect(table(rows, 'parse_errors')).toHaveLength(1);
    expect(table(rows, 'parse_errors')[0]).toMatchObject({ line: 16 });
  });

  it('falls back to collectedAt - elapsed without the node offset, and to nothing without either', () => {
    const noOffset = byPid(table(parse('ps', base, { utcOffset: '' }), 'processes'));
    expect(noOffset.get(2811)?.start_time).toBe(new Date(collectedMs - 259217 * 1000).toISOString());
    const wrongOffset = byPid(table(parse('ps', base, { utcOffset: '+0000' }), 'processes'));
    expect(wrongOffset.get(2811)?.start_time).toBe(new Date(collectedMs - 259217 * 1000 + 8 * 3600 * 1000).toISOString());
    const nothing = byPid(table(parse('ps', base, { utcOffset: '', collectedAt: '' }), 'processes'));
    expect(nothing.get(2811)?.start_time).toBeNull();
  });

  it('guesses the layout without a header, reads etime [[dd-]hh:]mm:ss', () => {
    const lines = base.split('\n').slice(1).join('\n');
    expect(table(parse('ps', lines), 'processes').length).toBe(15);
    const etime = '  PID  PPID STAT NLWP     ELAPSED                  STARTED USER     COMMAND\n 2811     1 Ssl    27 3-00:00:17 Wed Nov 18 23:48:44 2026 root     /usr/bin/kubelet\n   77     1 S       1      05:02 Sat Nov 21 23:44:00 2026 root     sleep 1000\n';
    const rows = byPid(table(parse('ps', etime), 'processes'));
    expect(rows.get(2811)).toMatchObject({ elapsed_seconds: 259217, cgroup: null, comm: 'kubelet' });
    expect(rows.get(77)?.elapsed_seconds).toBe(302);
  });

  it('handles empty input, a header only and junk', () => {
    expect(errors(parse('ps', ''))).toEqual(['empty input']);
    expect(parse('ps', '  PID  PPID STAT NLWP ELAPSED                  STARTED USER   CGROUP  COMMAND\n')).toEqual({});
    expect(() => parse('ps', 'PID COMMAND\nnot a process line\n')).toThrow(/no readable ps line/);
  });
});

describe('ps components', () => {
  it('knows the old docker daemon but not a docker client run with -d', () => {
    const text = '  PID  PPID STAT NLWP ELAPSED                  STARTED USER     COMMAND\n' +
      '  900     1 Ssl    30  500000 Mon Nov 16 04:55:41 2026 root     /usr/bin/docker -d -H unix:///var/run/docker.sock --selinux-enabled\n' +
      ' 5000  4000 Sl+    9      20 Sat Nov 21 23:48:41 2026 root     docker run -d --name web nginx\n';
    const rows = parse('ps', text);
    expect(table(rows, 'kube_components').map((r) => `${r.component}:${r.pid}`)).toEqual(['dockerd:900']);
    expect(table(rows, 'component_flags')).toContainEqual({ component: 'dockerd', origin: 'process', pid: 900, path: null, flag: 'H', value: 'unix:///var/run/docker.sock' });
  });
});
