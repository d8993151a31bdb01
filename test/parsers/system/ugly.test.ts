/**
 * The same ugly variants for every parser: CRLF line endings read like LF, a last line cut in
 * half never loses the lines before it, empty input never throws.
 */
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../../analyzer/parsers/types.js';
import { crlf, fixture, parse, table, truncateLastLine } from './helpers.js';

interface Case {
  source: string;
  file: string;
  ctx?: Partial<ParseContext>;
  /** The table whose rows a cut last line may reduce by at most one. */
  rows: string;
}

const CASES: Case[] = [
  { source: 'uname', file: 'identity/uname-centos7.txt', rows: 'node_facts' },
  { source: 'os-release', file: 'identity/os-release-centos7.txt', ctx: { member: 'os-release/etc/os-release' }, rows: 'os_release' },
  { source: 'hostname', file: 'identity/hostname.txt', rows: 'node_facts' },
  { source: 'machine-id', file: 'identity/machine-id.txt', rows: 'node_facts' },
  { source: 'timezone', file: 'identity/timezone-centos7-shanghai.txt', rows: 'node_facts' },
  { source: 'uptime', file: 'identity/uptime.txt', rows: 'node_facts' },
  { source: 'timedatectl', file: 'identity/timedatectl-status-centos7.txt', rows: 'clock_sync' },
  { source: 'chronyc', file: 'identity/chronyc-tracking-synced.txt', rows: 'clock_sync' },
  { source: 'sysctl', file: 'kernel/sysctl-debian12.txt', rows: 'sysctls' },
  { source: 'proc-modules', file: 'kernel/proc-modules-centos7.txt', rows: 'modules' },
  { source: 'sys-modules', file: 'kernel/sys-module-debian12.txt', rows: 'modules' },
  { source: 'modules-builtin', file: 'kernel/modules-builtin-ubuntu2204.txt', rows: 'modules' },
  { source: 'kernel-config', file: 'kernel/kernel-config-debian12.txt', rows: 'kernel_config' },
  { source: 'proc-vmstat', file: 'kernel/vmstat-debian12.txt', rows: 'vmstat' },
  { source: 'proc-meminfo', file: 'kernel/meminfo-debian12.txt', rows: 'meminfo' },
  { source: 'proc-loadavg', file: 'kernel/loadavg-debian12.txt', rows: 'loadavg' },
  { source: 'proc-pressure', file: 'kernel/pressure/memory', ctx: { member: 'proc-pressure/proc/pressure/memory' }, rows: 'pressure' },
  { source: 'df', file: 'storage/df-PT-centos7-k8s.txt', rows: 'filesystems' },
  { source: 'df-inodes', file: 'storage/df-PTi-centos7-k8s.txt', rows: 'inode_usage' },
  { source: 'proc-mounts', file: 'storage/mounts-centos7-k8s.txt', rows: 'mounts' },
  { source: 'lsblk', file: 'storage/lsblk-P-centos7.txt', rows: 'block_devices' },
  { source: 'block-queue', file: 'storage/block-queue/sda-scheduler-centos7.txt', ctx: { member: 'block-queue/sys/block/sda/queue/scheduler' }, rows: 'block_queue' },
  { source: 'ps', file: 'process/ps-centos7-procps3.3.10-cgroupv1.txt', rows: 'processes' },
  { source: 'kernel-log', file: 'logs/kernel-log-dmesg-plain-centos7.txt', rows: 'log_lines' },
  { source: 'log-kubelet', file: 'logs/log-kubelet-journal.txt', rows: 'log_lines' },
  { source: 'log-kubernetes-files', file: 'logs/log-kubernetes-files.txt', rows: 'log_lines' },
  { source: 'log-containers', file: 'logs/log-containers.txt', rows: 'log_lines' },
];

describe('ugly input, every parser', () => {
  for (const c of CASES) {
    it(`${c.source}: CRLF, cut-off last line, empty input`, () => {
      const text = fixture(c.file);
      const clean = parse(c.source, text, c.ctx);
      expect(table(clean, c.rows).length, 'the fixture yields rows').toBeGreaterThan(0);
      expect(parse(c.source, crlf(text), c.ctx)).toEqual(clean);
      const cut = parse(c.source, truncateLastLine(text), c.ctx);
      expect(table(cut, c.rows).length).toBeGreaterThanOrEqual(table(clean, c.rows).length - 1);
      expect(() => parse(c.source, '', c.ctx)).not.toThrow();
      expect(() => parse(c.source, '\n\n', c.ctx)).not.toThrow();
    });
  }
});
