import { describe, expect, it } from 'vitest';
import { MAX_LINES_PER_ORIGIN } from '../../../analyzer/parsers/system/logs/sections.js';
import { crlf, errors, fixture, parse, table, truncateLastLine } from './helpers.js';

function lines(source: string, text: string, overrides = {}) {
  const rows = parse(source, text, overrides);
  return { rows, log: table(rows, 'log_lines'), oom: table(rows, 'oom_kills') };
}

describe('kernel-log', () => {
  it('reads dmesg --time-format iso: stamps, OOM kill with its cgroup, conntrack table full', () => {
    const { log, oom, rows } = lines('kernel-log', fixture('logs/kernel-log-dmesg-iso.txt'));
    expect(errors(rows)).toEqual([]);
    expect(log).toHaveLength(14);
    expect(log[0]).toMatchObject({ source: 'kernel-log', origin: 'kernel', line_no: 1, timestamp: '2026-11-07T13:46:36.000Z', level: '', process: null });
    const full = log.filter((r) => String(r.text).includes('nf_conntrack: table full, dropping packet'));
    expect(full.map((r) => r.timestamp)).toEqual(['2026-11-21T15:40:03.883Z', '2026-11-21T15:40:03.884Z', '2026-11-21T15:40:08.901Z']);
    expect(oom).toEqual([
      {
        line_no: 9,
        timestamp: '2026-11-21T12:12:44.102Z',
        since_boot_seconds: null,
        pid: 24507,
        process: 'java',
        scope: 'memcg',
        memcg: '/kubepods/burstable/podc1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f/38a0963a6364b09ad867aa9a66c6d009673c21e182015461da236ec361877f77',
        container_id: '38a0963a6364b09ad867aa9a66c6d009673c21e182015461da236ec361877f77',
        pod_uid: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
        anon_rss_kb: 2085660,
      },
    ]);
  });

  it('reads plain CentOS 7 dmesg: seconds since boot, old-style OOM lines, a global OOM', () => {
    const { log, oom } = lines('kernel-log', fixture('logs/kernel-log-dmesg-plain-centos7.txt'));
    expect(log[0]).toMatchObject({ timestamp: null, since_boot_seconds: 0, text: 'Initializing cgroup subsys cpuset' });
    expect(log.find((r) => String(r.text).startsWith('nf_conntrack: table full'))?.since_boot_seconds).toBe(1210071.553012);
    expect(oom.map((o) => [o.pid, o.process, o.scope, o.container_id, o.since_boot_seconds])).toEqual([
      [24507, 'java', 'memcg', '38a0963a6364b09ad867aa9a66c6d009673c21e182015461da236ec361877f77', 1203344.116899],
      [31877, 'mysqld', 'global', null, 1203391.000456],
    ]);
  });

  it('reads journalctl -k: identifier, reboot marker kept, header dropped', () => {
    const { log } = lines('kernel-log', fixture('logs/kernel-log-journal-k.txt'));
    expect(log.map((r) => r.text)).toEqual([
      'nf_conntrack: nf_conntrack: table full, dropping packet',
      'net_ratelimit: 2813 callbacks suppressed',
      '-- Reboot --',
      expect.stringMatching(/^Linux version 3\.10/),
    ]);
    expect(log[0]).toMatchObject({ process: 'kernel', timestamp: '2026-11-21T15:40:03.000Z', line_no: 2 });
    expect(log[2]?.timestamp).toBeNull();
  });

  it('reads this machine\'s dmesg in both forms', () => {
    const iso = lines('kernel-log', fixture('logs/kernel-log-dmesg-iso-debian12.txt')).log;
    const plain = lines('kernel-log', fixture('logs/kernel-log-dmesg-plain-debian12.txt')).log;
    expect(iso).toHaveLength(40);
    expect(iso.every((r) => typeof r.timestamp === 'string')).toBe(true);
    expect(plain.every((r) => typeof r.since_boot_seconds === 'number')).toBe(true);
    expect(plain.map((r) => r.text)).toEqual(iso.map((r) => r.text));
  });

  it('keeps only the last lines of a huge ring buffer and says so', () => {
    const total = MAX_LINES_PER_ORIGIN + 500;
    const text = Array.from({ length: total }, (_, i) => `[${(i + 1).toFixed(6)}] line ${i + 1}`).join('\n');
    const { log, rows } = lines('kernel-log', text);
    expect(log).toHaveLength(MAX_LINES_PER_ORIGIN);
    expect(log[0]).toMatchObject({ line_no: 501, text: 'line 501' });
    expect(errors(rows)).toEqual([`kept the last ${MAX_LINES_PER_ORIGIN} of ${total} lines of kernel; 500 earlier lines dropped`]);
  });

  it('survives CRLF, a truncated line and empty input', () => {
    const { log } = lines('kernel-log', truncateLastLine(crlf(fixture('logs/kernel-log-dmesg-iso.txt'))));
    expect(log).toHaveLength(14);
    expect(log.every((r) => !String(r.text).endsWith('\r'))).toBe(true);
    expect(parse('kernel-log', '')).toEqual({});
  });
});

describe('journal units', () => {
  it('reads the kubelet journal: klog levels, x509 errors, a fatal and its stack', () => {
    const { log } = lines('log-kubelet', fixture('logs/log-kubelet-journal.txt'));
    expect(log.map((r) => r.level)).toEqual(['info', 'error', 'warning', 'error', '', '', 'fatal', 'fatal', '']);
    const x509 = log.filter((r) => String(r.text).includes('x509: certificate has expired or is not yet valid'));
    expect(x509).toHaveLength(2);
    expect(x509[0]).toMatchObject({ origin: 'kubelet', process: 'kubelet', pid: 2811, timestamp: '2026-11-21T15:43:56.000Z' });
    expect(log.find((r) => r.process === 'systemd')?.text).toMatch(/^kubelet\.service: main process exited/);
    // the indented continuation line inherits the fatal's stamp and level
    expect(log[7]).toMatchObject({ level: 'fatal', timestamp: '2026-11-21T15:48:22.000Z', process: 'kubelet', pid: 91422, line_no: 9 });
  });

  it('reads newer systemd offsets (+08:00) and logrus levels', () => {
    const { log } = lines('log-docker', crlf(fixture('logs/log-docker-journal-newsystemd.txt')));
    expect(log.map((r) => [r.origin, r.process, r.level, r.timestamp])).toEqual([
      ['docker', 'dockerd', 'info', '2026-11-21T15:40:01.000Z'],
      ['docker', 'dockerd', 'error', '2026-11-21T15:40:02.000Z'],
      ['docker', 'dockerd', 'warning', '2026-11-21T15:40:03.000Z'],
    ]);
  });

  it('gives nothing for "-- No entries --" and reads the classic syslog form', () => {
    expect(parse('log-flanneld', fixture('logs/log-flanneld-journal-empty.txt'))).toEqual({});
    const { log } = lines('log-containerd', 'Nov 21 23:40:01 node-2 containerd[812]: time="2026-11-21T23:40:01.1+08:00" level=info msg="loading plugin"\n');
    expect(log[0]).toMatchObject({ origin: 'containerd', process: 'containerd', pid: 812, level: 'info', timestamp: '2026-11-21T15:40:01.000Z' });
  });
});

describe('log-kubernetes-files', () => {
  const { log, rows } = lines('log-kubernetes-files', fixture('logs/log-kubernetes-files.txt'));

  it('splits by file and reads klog stamps at the node offset', () => {
    expect(errors(rows)).toEqual([]);
    expect([...new Set(log.map((r) => r.origin))]).toEqual([
      '/var/log/kubernetes/kube-proxy.ERROR',
      '/var/log/kubernetes/kube-proxy.WARNING',
      '/var/log/kubernetes/kube-apiserver.INFO',
      '/var/log/flanneld.log',
    ]);
    const refused = log.find((r) => String(r.text).includes('connect: connection refused'));
    expect(refused).toMatchObject({ level: 'error', timestamp: '2026-02-11T01:13:56.135Z', line_no: 6 });
  });

  it('finds the seeds\' kube-proxy unknown field and apiserver x509 lines', () => {
    expect(log.find((r) => String(r.text).includes('found unknown field: masqueradeAl'))).toMatchObject({ origin: '/var/log/kubernetes/kube-proxy.WARNING', level: 'error' });
    const apiserver = log.filter((r) => r.origin === '/var/log/kubernetes/kube-apiserver.INFO');
    expect(apiserver.map((r) => r.level)).toEqual(['info', 'info', 'error', 'info', 'info', 'error']);
    expect(apiserver.filter((r) => String(r.text).includes('tls: bad certificate'))).toHaveLength(2);
  });

  it('dates a December line read in November to the previous year, and none without the node offset', () => {
    expect(log.find((r) => r.origin === '/var/log/flanneld.log')?.timestamp).toBe('2025-12-27T04:09:56.991Z');
    const noOffset = table(parse('log-kubernetes-files', fixture('logs/log-kubernetes-files.txt'), { utcOffset: '' }), 'log_lines');
    expect(noOffset.every((r) => r.timestamp === null)).toBe(true);
  });

  it('leaves glog file headers without level or stamp', () => {
    expect(log.find((r) => String(r.text).startsWith('Log file created at'))).toMatchObject({ level: '', timestamp: null });
  });
});

describe('log-containers', () => {
  const { log, rows } = lines('log-containers', fixture('logs/log-containers.txt'));
  const byOrigin = (prefix: string) => log.filter((r) => String(r.origin).startsWith(prefix));

  it('reads the flannel seed: SubnetManager failure and the service VIP timeout', () => {
    expect(errors(rows)).toEqual([]);
    const flannel = byOrigin('k8s_kube-flannel_');
    expect(flannel).toHaveLength(5);
    const failure = flannel.find((r) => String(r.text).includes('Failed to create SubnetManager'));
    expect(failure).toMatchObject({ level: 'error', timestamp: '2026-02-11T02:04:51.457Z', line_no: 6 });
    expect(failure?.text).toMatch(/dial tcp 10\.96\.0\.1:443: i\/o timeout$/);
    expect(failure?.text).toMatch(/^E0211 02:04:51\.456912/);
  });

  it('reads kube-proxy strict decoding, apiserver x509, etcd JSON and capnslog, coredns brackets', () => {
    expect(byOrigin('k8s_kube-proxy_')[0]).toMatchObject({ level: 'error', text: expect.stringContaining('strict decoding error: unknown field') });
    expect(byOrigin('k8s_kube-apiserver_').map((r) => r.level)).toEqual(['info', 'error']);
    expect(byOrigin('k8s_etcd_').map((r) => r.level)).toEqual(['warning', 'warning']);
    expect(byOrigin('k8s_coredns_').map((r) => r.level)).toEqual(['error', 'info']);
    expect(byOrigin('k8s_kube-scheduler_')[0]).toMatchObject({ text: 'Error: No such container: 9f8e7d6c5b4a', timestamp: null, level: '' });
  });

  it('bounds each container separately', () => {
    const many = (name: string, n: number) =>
      [`==> ${name} <==`, ...Array.from({ length: n }, (_, i) => `2026-11-21T15:00:00.000000000Z I1121 15:00:00.000000       1 x.go:1] line ${i}`)].join('\n');
    const text = `${many('k8s_a_x_ns_u_0', MAX_LINES_PER_ORIGIN + 10)}\n${many('k8s_b_x_ns_u_0', 3)}\n`;
    const result = lines('log-containers', text);
    expect(result.log.filter((r) => r.origin === 'k8s_a_x_ns_u_0')).toHaveLength(MAX_LINES_PER_ORIGIN);
    expect(result.log.filter((r) => r.origin === 'k8s_b_x_ns_u_0')).toHaveLength(3);
    expect(errors(result.rows)).toHaveLength(1);
  });

  it("records kube-proxy's mode from its start-up line (kubeadm keeps its config in a ConfigMap)", () => {
    const text = [
      '==> k8s_kube-proxy_kube-proxy-7x2lq_kube-system_4f1d2c9e-7b1a-4e55-9b0c-2d6f1f0a7c11_0 <==',
      '2026-10-11T06:11:09.412871000Z I1011 06:11:09.412871       1 server_others.go:206] "Using iptables Proxier"',
      '2026-11-19T02:00:00.000000000Z I1119 02:00:00.000000       1 server_others.go:206] "Using ipvs Proxier"',
      '==> k8s_other_x_ns_u_0 <==',
      '2026-11-19T02:00:00.000000000Z Using userspace Proxier',
    ].join('\n');
    expect(table(parse('log-containers', `${text}\n`), 'node_facts')).toEqual([{ source: 'log-containers', key: 'kube.proxy.mode', value: 'ipvs' }]);
    expect(table(parse('log-containers', fixture('logs/log-containers.txt')), 'node_facts')).toEqual([]);
  });

  it('survives CRLF, truncation and empty input', () => {
    const { log: cut } = lines('log-containers', truncateLastLine(crlf(fixture('logs/log-containers.txt'))));
    expect(cut).toHaveLength(log.length);
    expect(parse('log-containers', '')).toEqual({});
  });
});
