import { describe, expect, it } from 'vitest';
import { crlf, errors, fixture, parse, table, truncateLastLine } from './helpers.js';

describe('df -PT / df -PTi', () => {
  it('reads this machine\'s df -PT', () => {
    const rows = table(parse('df', fixture('storage/df-PT-debian12.txt')), 'filesystems');
    expect(rows.find((r) => r.mountpoint === '/')).toMatchObject({ device: '/dev/vda', fstype: 'ext4', size_kb: 264212084, used_kb: 22848476, available_kb: 83542436, use_percent: 22 });
  });

  it('keeps mount points with blanks, long overlay paths and "-" figures', () => {
    const rows = parse('df', fixture('storage/df-PT-centos7-k8s.txt'));
    const fs = table(rows, 'filesystems');
    expect(errors(rows)).toEqual([]);
    expect(fs.find((r) => r.mountpoint === '/mnt/backup disk')).toMatchObject({ device: '/dev/sdb1', fstype: 'xfs', use_percent: 2 });
    expect(fs.find((r) => r.mountpoint === '/var/lib/docker')).toMatchObject({ device: '/dev/mapper/data-docker', use_percent: 91 });
    expect(fs.find((r) => r.mountpoint === '/mnt/nfs')).toMatchObject({ device: '192.168.3.20:/export/nfs', fstype: 'nfs4', used_kb: null, use_percent: null });
    expect(fs.filter((r) => String(r.mountpoint).startsWith('/var/lib/docker/overlay2/')).length).toBe(1);
  });

  it('reads inode use, with "-" for filesystems without an inode table', () => {
    const rows = table(parse('df-inodes', fixture('storage/df-PTi-centos7-k8s.txt')), 'inode_usage');
    expect(rows.find((r) => r.mountpoint === '/var/lib/docker')).toEqual({
      device: '/dev/mapper/data-docker', fstype: 'xfs', inodes: 104806400, used: 99566080, free: 5240320, use_percent: 95, mountpoint: '/var/lib/docker',
    });
    expect(rows.find((r) => r.mountpoint === '/data')).toMatchObject({ fstype: 'btrfs', inodes: 0, use_percent: null });
    expect(table(parse('df-inodes', fixture('storage/df-PTi-debian12.txt')), 'inode_usage').length).toBe(fixture('storage/df-PTi-debian12.txt').trim().split('\n').length - 1);
  });

  it('joins the wrapped device of df without -P (CentOS 6) and reads 1K-blocks', () => {
    const rows = parse('df', crlf(fixture('storage/df-T-wrapped-centos6.txt')));
    expect(table(rows, 'filesystems')[0]).toEqual({ device: '/dev/mapper/vg_root-lv_root', fstype: 'ext4', size_kb: 51475068, used_kb: 20153732, available_kb: 28700112, use_percent: 42, mountpoint: '/' });
    expect(errors(rows)).toEqual([]);
  });

  it('reads busybox df without a Type column, and 512-byte blocks', () => {
    expect(table(parse('df', fixture('storage/df-P-busybox.txt')), 'filesystems')[0]).toMatchObject({ device: '/dev/root', fstype: null, size_kb: 15205520, use_percent: 42 });
    const posix = 'Filesystem     512-blocks      Used Available Capacity Mounted on\n/dev/sda1        1000000    500000    500000      50% /\n';
    expect(table(parse('df', posix), 'filesystems')[0]).toMatchObject({ fstype: null, size_kb: 500000, used_kb: 250000 });
  });

  it('reports a truncated last line and keeps the others', () => {
    const rows = parse('df', truncateLastLine(fixture('storage/df-PT-centos7-k8s.txt')));
    expect(table(rows, 'filesystems').length).toBe(12);
    expect(table(rows, 'parse_errors').length).toBe(1);
    expect(parse('df', '')).toEqual({});
    expect(() => parse('df', 'Filesystem Type 1024-blocks Used Available Capacity Mounted on\ngarbage here\n')).toThrow(/no readable df line/);
  });
});

describe('/proc/mounts', () => {
  it('decodes octal escapes and flags read-only mounts', () => {
    const rows = table(parse('proc-mounts', fixture('storage/mounts-centos7-k8s.txt')), 'mounts');
    expect(rows.find((r) => r.device === '/dev/sdb1')).toEqual({ device: '/dev/sdb1', mountpoint: '/mnt/backup disk', fstype: 'xfs', options: 'ro,relatime,attr2,inode64,noquota', read_only: 1 });
    expect(rows.find((r) => r.fstype === 'overlay')?.options).toMatch(/^rw,relatime,lowerdir=/);
    expect(rows.find((r) => r.mountpoint === '/sys/fs/cgroup/cpu,cpuacct')?.read_only).toBe(0);
  });

  it('reads this machine and reports a cut-off line', () => {
    expect(table(parse('proc-mounts', fixture('storage/mounts-debian12.txt')), 'mounts').find((r) => r.mountpoint === '/')?.fstype).toBe('ext4');
    const rows = parse('proc-mounts', crlf('proc /proc proc rw 0 0\n/dev/sda1 /bo'));
    expect(table(rows, 'mounts').length).toBe(1);
    expect(table(rows, 'parse_errors')[0]).toMatchObject({ line: 2 });
  });
});

describe('lsblk', () => {
  it('reads this machine\'s JSON (numbers and booleans) and -P output alike', () => {
    const json = table(parse('lsblk', fixture('storage/lsblk-J-debian12.txt')), 'block_devices');
    const pairs = table(parse('lsblk', fixture('storage/lsblk-P-debian12.txt')), 'block_devices');
    expect(json.find((r) => r.name === 'vda')).toEqual({ name: 'vda', kname: 'vda', parent: null, type: 'disk', size_bytes: 274877906944, rotational: 1, scheduler: 'mq-deadline', fstype: null, mountpoint: '/', model: null });
    expect(pairs).toEqual(json);
  });

  it('flattens the tree of util-linux 2.31 JSON with string values', () => {
    const rows = table(parse('lsblk', fixture('storage/lsblk-J-util-linux-2.31.txt')), 'block_devices');
    expect(rows.map((r) => `${r.name}<${r.parent}`)).toEqual(['sda<null', 'sda1<sda', 'sda2<sda', 'centos-root<sda2', 'sdb<null']);
    expect(rows.find((r) => r.name === 'sdb')).toMatchObject({ rotational: 1, scheduler: 'cfq', size_bytes: 4000787030016, model: 'ST4000NM0035-1V4' });
    expect(rows.find((r) => r.name === 'centos-root')).toMatchObject({ kname: 'dm-0', rotational: 0, scheduler: null });
  });

  it('reads CentOS 7 -P with \\x escapes and CRLF', () => {
    const rows = table(parse('lsblk', crlf(fixture('storage/lsblk-P-centos7.txt'))), 'block_devices');
    expect(rows.length).toBe(5);
    expect(rows.find((r) => r.name === 'sdb')?.mountpoint).toBe('/mnt/backup disk');
  });

  it('throws on truncated JSON, reports empty input', () => {
    const json = fixture('storage/lsblk-J-debian12.txt');
    expect(() => parse('lsblk', json.slice(0, json.length / 2))).toThrow(/does not parse/);
    expect(errors(parse('lsblk', ''))).toEqual(['empty input']);
  });
});

describe('block queue', () => {
  const member = (dev: string, file: string) => ({ member: `block-queue/sys/block/${dev}/queue/${file}`, path: `/sys/block/${dev}/queue/${file}` });

  it('reads the bracketed scheduler of this machine, an old CFQ disk and a bracket-only NVMe', () => {
    expect(table(parse('block-queue', fixture('storage/block-queue/vda-scheduler-debian12.txt'), member('vda', 'scheduler')), 'block_queue')).toEqual([
      { device: 'vda', scheduler: 'mq-deadline', available: 'none mq-deadline kyber bfq', rotational: null },
    ]);
    expect(table(parse('block-queue', fixture('storage/block-queue/sda-scheduler-centos7.txt'), member('sda', 'scheduler')), 'block_queue')[0]).toMatchObject({ scheduler: 'cfq' });
    expect(table(parse('block-queue', fixture('storage/block-queue/nvme0n1-scheduler.txt'), member('nvme0n1', 'scheduler')), 'block_queue')[0]).toMatchObject({ scheduler: 'none', available: 'none' });
  });

  it('reads rotational and reports odd content', () => {
    expect(table(parse('block-queue', crlf(fixture('storage/block-queue/vda-rotational.txt')), member('vda', 'rotational')), 'block_queue')).toEqual([{ device: 'vda', scheduler: null, available: null, rotational: 1 }]);
    expect(errors(parse('block-queue', 'yes', member('vda', 'rotational')))[0]).toMatch(/neither 0 nor 1/);
    expect(errors(parse('block-queue', '', member('vda', 'scheduler')))[0]).toMatch(/empty scheduler file/);
    expect(errors(parse('block-queue', 'noop deadline cfq', member('sdc', 'scheduler')))[0]).toMatch(/no active scheduler/);
    expect(() => parse('block-queue', '1', { member: 'block-queue/sys/block/vda/size' })).toThrow(/not a \/sys\/block/);
  });
});
