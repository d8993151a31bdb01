import { describe, expect, it } from 'vitest';
import { crlf, errors, facts, fixture, parse, table } from './helpers.js';

describe('uname', () => {
  it('reads this machine\'s uname -a', () => {
    const f = facts(parse('uname', fixture('identity/uname-debian12.txt')));
    expect(f['kernel.release']).toBe('6.18.44-fc-v595');
    expect(f['kernel.version']).toBe('#1 SMP PREEMPT_DYNAMIC @0');
    expect(f['kernel.arch']).toBe('x86_64');
    expect(f['kernel.name']).toBe('Linux');
  });

  it('takes the first of the repeated machine words of CentOS 7', () => {
    const f = facts(parse('uname', fixture('identity/uname-centos7.txt')));
    expect(f['kernel.release']).toBe('3.10.0-1160.el7.x86_64');
    expect(f['kernel.version']).toBe('#1 SMP Mon Oct 19 16:18:59 UTC 2020');
    expect(f['kernel.arch']).toBe('x86_64');
    expect(f['uname.nodename']).toBe('k8s-node01');
  });

  it('reads busybox aarch64 output with CRLF', () => {
    const rows = parse('uname', fixture('identity/uname-busybox-aarch64-crlf.txt'));
    expect(facts(rows)['kernel.arch']).toBe('aarch64');
    expect(facts(rows)['kernel.version']).toBe('#1 SMP Wed Apr 13 08:33:27 UTC 2022');
    expect(errors(rows)).toEqual([]);
  });

  it('keeps the release of a truncated line and says the machine is missing', () => {
    const rows = parse('uname', 'Linux node-1 5.15.0-91-generic #101-Ubuntu SMP Tue No');
    expect(facts(rows)['kernel.release']).toBe('5.15.0-91-generic');
    expect(facts(rows)['kernel.arch']).toBeUndefined();
    expect(errors(rows)[0]).toMatch(/no machine architecture/);
  });

  it('reports empty input and throws on garbage', () => {
    expect(errors(parse('uname', ''))).toEqual(['empty input']);
    expect(() => parse('uname', 'Linux\n')).toThrow(/at least 3/);
  });
});

describe('os-release', () => {
  it('gives facts from /etc/os-release and every key to os_release', () => {
    const rows = parse('os-release', fixture('identity/os-release-centos7.txt'), { member: 'os-release/etc/os-release', path: '/etc/os-release' });
    expect(facts(rows)).toMatchObject({ 'os.id': 'centos', 'os.version_id': '7', 'os.pretty_name': 'CentOS Linux 7 (Core)', 'os.name': 'CentOS Linux' });
    expect(table(rows, 'os_release')).toContainEqual({ path: '/etc/os-release', key: 'ID_LIKE', value: 'rhel fedora' });
    expect(errors(rows)).toEqual([]);
  });

  it('does not duplicate facts from /usr/lib/os-release', () => {
    const rows = parse('os-release', fixture('identity/os-release-debian12.txt'), { member: 'os-release/usr/lib/os-release' });
    expect(table(rows, 'node_facts')).toEqual([]);
    expect(table(rows, 'os_release')).toContainEqual({ path: '/usr/lib/os-release', key: 'ID', value: 'debian' });
  });

  it('reads /etc/redhat-release as text', () => {
    const rows = parse('os-release', fixture('identity/redhat-release-centos7.txt'), { member: 'os-release/etc/redhat-release', path: '/etc/redhat-release' });
    expect(facts(rows)).toEqual({ 'os.redhat_release': 'CentOS Linux release 7.9.2009 (Core)' });
  });

  it('unquotes shell escapes, survives CRLF and reports junk lines', () => {
    const text = crlf('PRETTY_NAME="Say \\"hi\\""\nID=\'alpine\'\nthis is not an assignment\nVERSION_ID=3.18.4');
    const rows = parse('os-release', text, { member: 'os-release/etc/os-release' });
    expect(facts(rows)).toMatchObject({ 'os.pretty_name': 'Say "hi"', 'os.id': 'alpine', 'os.version_id': '3.18.4' });
    expect(table(rows, 'parse_errors')).toEqual([{ line: 3, message: 'not a KEY=value line: this is not an assignment' }]);
  });
});

describe('hostname, machine-id, uptime', () => {
  it('reads the host name and machine id of this machine', () => {
    expect(facts(parse('hostname', fixture('identity/hostname.txt'))).hostname).toBe(fixture('identity/hostname.txt').trim());
    expect(facts(parse('machine-id', fixture('identity/machine-id.txt'))).machine_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps an odd machine id but flags it', () => {
    const rows = parse('machine-id', 'uninitialized\r\n');
    expect(facts(rows).machine_id).toBe('uninitialized');
    expect(errors(rows)[0]).toMatch(/not 32 lowercase hex/);
    expect(errors(parse('machine-id', ''))[0]).toMatch(/empty input/);
  });

  it('reads /proc/uptime and a truncated one', () => {
    const f = facts(parse('uptime', fixture('identity/uptime.txt')));
    expect(Number(f['uptime.seconds'])).toBeGreaterThan(0);
    const cut = parse('uptime', '350735.47');
    expect(facts(cut)['uptime.seconds']).toBe('350735.47');
    expect(errors(cut)).toEqual(['idle seconds missing']);
    expect(() => parse('uptime', 'oops')).toThrow();
  });
});

describe('timezone', () => {
  it('reads this machine (UTC, Debian /etc/timezone)', () => {
    expect(facts(parse('timezone', fixture('identity/timezone-debian12.txt')))).toMatchObject({
      'clock.utc_offset': '+0000',
      'clock.timezone': 'Etc/UTC',
    });
  });

  it('derives the zone from the localtime link when /etc/timezone is absent (CentOS)', () => {
    const f = facts(parse('timezone', crlf(fixture('identity/timezone-centos7-shanghai.txt'))));
    expect(f).toMatchObject({ 'clock.utc_offset': '+0800', 'clock.timezone': 'Asia/Shanghai', 'clock.abbreviation': 'CST', 'clock.epoch': '1795276141' });
  });

  it('reports a bad offset and missing lines without inventing facts', () => {
    const rows = parse('timezone', 'offset=8 hours\nabbreviation=CST');
    expect(facts(rows)['clock.utc_offset']).toBeUndefined();
    expect(errors(rows)).toEqual(['unreadable UTC offset: 8 hours']);
    expect(errors(parse('timezone', ''))).toEqual(['empty input']);
  });
});

describe('timedatectl', () => {
  it('reads `timedatectl show`', () => {
    const rows = parse('timedatectl', fixture('identity/timedatectl-show-systemd252.txt'));
    expect(table(rows, 'clock_sync')).toEqual([
      { source: 'timedatectl', synchronized: 1, ntp_service: 'active', leap_status: null, offset_seconds: null, stratum: null, reference: null, timezone: 'Asia/Shanghai' },
    ]);
    expect(facts(rows)['clock.synchronized']).toBe('yes');
  });

  it('reads CentOS 7 status ("NTP synchronized: no")', () => {
    const rows = parse('timedatectl', fixture('identity/timedatectl-status-centos7.txt'));
    expect(table(rows, 'clock_sync')[0]).toMatchObject({ synchronized: 0, ntp_service: 'active', timezone: 'Asia/Shanghai' });
    expect(facts(rows)['clock.synchronized']).toBe('no');
  });

  it('reads newer status and Ubuntu 18.04 status', () => {
    expect(table(parse('timedatectl', crlf(fixture('identity/timedatectl-status-systemd252.txt'))), 'clock_sync')[0]).toMatchObject({ synchronized: 1, ntp_service: 'active' });
    expect(table(parse('timedatectl', fixture('identity/timedatectl-status-ubuntu1804.txt')), 'clock_sync')[0]).toMatchObject({ synchronized: 0, ntp_service: 'active', timezone: 'Etc/UTC' });
  });

  it('handles empty input and text without clock state', () => {
    expect(errors(parse('timedatectl', ''))).toEqual(['empty input']);
    expect(() => parse('timedatectl', 'Failed to connect to bus: Host is down\n')).toThrow(/no clock state/);
  });
});

describe('chronyc tracking', () => {
  it('reads a synchronised chrony, offset negative when slow', () => {
    const rows = parse('chronyc', fixture('identity/chronyc-tracking-synced.txt'));
    expect(table(rows, 'clock_sync')).toEqual([
      { source: 'chronyc', synchronized: 1, ntp_service: 'active', leap_status: 'Normal', offset_seconds: -0.000012345, stratum: 4, reference: '169.254.169.123', timezone: null },
    ]);
    expect(facts(rows)).toMatchObject({ 'clock.synchronized': 'yes', 'clock.offset_seconds': '-0.000012345' });
  });

  it('reads an unsynchronised chrony, offset positive when fast', () => {
    const rows = parse('chronyc', crlf(fixture('identity/chronyc-tracking-unsynced.txt')));
    expect(table(rows, 'clock_sync')[0]).toMatchObject({ synchronized: 0, leap_status: 'Not synchronised', offset_seconds: 3.127000093, stratum: 0, reference: null });
    expect(facts(rows)['clock.synchronized']).toBe('no');
  });

  it('keeps what a truncated output has and refuses daemon errors', () => {
    const cut = fixture('identity/chronyc-tracking-synced.txt').split('\n').slice(0, 4).join('\n');
    const rows = parse('chronyc', cut);
    expect(table(rows, 'clock_sync')[0]).toMatchObject({ synchronized: null, offset_seconds: -0.000012345, stratum: 4 });
    expect(() => parse('chronyc', '506 Cannot talk to daemon\n')).toThrow(/506/);
  });
});
