import { describe, expect, it } from 'vitest';
import { crlf, errors, fixture, parse, table, truncateLastLine } from './helpers.js';

function sysctlMap(text: string): Map<string, { value: unknown; int_value: unknown }> {
  return new Map(table(parse('sysctl', text), 'sysctls').map((r) => [r.key as string, { value: r.value, int_value: r.int_value }]));
}

describe('sysctl -a', () => {
  it('reads this machine\'s sysctl -a: tabs kept, empty values, repeated keys joined', () => {
    const text = fixture('kernel/sysctl-debian12.txt');
    const rows = parse('sysctl', text);
    const map = new Map(table(rows, 'sysctls').map((r) => [r.key as string, r]));
    expect(errors(rows)).toEqual([]);
    expect(map.get('net.ipv4.ip_local_port_range')?.value).toMatch(/^\d+\t\d+$/);
    expect(map.get('net.ipv4.ip_local_port_range')?.int_value).toBeNull();
    expect(map.get('net.ipv4.ip_local_reserved_ports')?.value).toBe('');
    expect(map.get('kernel.core_modes')?.value).toBe('file\npipe\nsocket');
    expect(typeof map.get('kernel.pid_max')?.int_value).toBe('number');
    // one row per distinct key
    const distinct = new Set(text.split('\n').filter(Boolean).map((l) => l.split(' = ')[0]));
    expect(table(rows, 'sysctls').length).toBe(distinct.size);
  });

  it('reads the values the kernel rules need and keeps over-64-bit numbers as text', () => {
    const map = sysctlMap(fixture('kernel/sysctl-centos7-excerpt.txt'));
    expect(map.get('net.ipv4.ip_forward')).toEqual({ value: '1', int_value: 1 });
    expect(map.get('net.bridge.bridge-nf-call-iptables')?.int_value).toBe(1);
    expect(map.get('net.netfilter.nf_conntrack_count')?.int_value).toBe(243102);
    expect(map.get('fs.file-nr')?.value).toBe('4160\t0\t3247524');
    expect(map.get('kernel.shmall')).toEqual({ value: '18446744073692774399', int_value: null });
  });

  it('survives CRLF, stderr lines, a trailing " =" and a truncated last line', () => {
    const text = crlf('sysctl: reading key "net.ipv6.conf.all.stable_secret"\nkernel.hostname = node-1\nkernel.domainname =\nvm.swappiness = 6');
    const rows = parse('sysctl', truncateLastLine(text) + '\r\nnot a sysctl line');
    const map = new Map(table(rows, 'sysctls').map((r) => [r.key as string, r.value]));
    expect(map.get('kernel.hostname')).toBe('node-1');
    expect(map.get('kernel.domainname')).toBe('');
    expect(map.has('vm.swappiness')).toBe(false);
    expect(table(rows, 'parse_errors').map((e) => e.line)).toEqual([4, 5]);
    expect(parse('sysctl', '')).toEqual({});
  });
});

describe('modules', () => {
  it('reads /proc/modules of a CentOS 7 ipvs node', () => {
    const rows = table(parse('proc-modules', fixture('kernel/proc-modules-centos7.txt')), 'modules');
    expect(rows.length).toBe(31);
    expect(rows.find((r) => r.name === 'ip_vs')).toEqual({ name: 'ip_vs', how: 'loaded', size: 145497, refcount: 10, used_by: 'ip_vs_sh,ip_vs_wrr,ip_vs_rr', state: 'Live' });
    expect(rows.find((r) => r.name === 'overlay')).toMatchObject({ used_by: '', state: 'Live' });
    expect(rows.find((r) => r.name === 'nvidia')).toMatchObject({ refcount: 100, state: 'Live' });
  });

  it('keeps the name of a truncated last module line', () => {
    const rows = parse('proc-modules', crlf('overlay 71964 12 - Live 0x0\nbr_netfilter 222'));
    expect(table(rows, 'modules').map((r) => r.name)).toEqual(['overlay', 'br_netfilter']);
    expect(table(rows, 'modules')[1]).toMatchObject({ size: 222, refcount: null });
    expect(table(rows, 'parse_errors')[0]).toMatchObject({ line: 2 });
  });

  it('reads /sys/module of this machine', () => {
    const rows = table(parse('sys-modules', fixture('kernel/sys-module-debian12.txt')), 'modules');
    expect(rows.length).toBe(fixture('kernel/sys-module-debian12.txt').trim().split('\n').length);
    expect(rows.every((r) => r.how === 'sysfs')).toBe(true);
    expect(rows.map((r) => r.name)).toContain('bridge');
  });

  it('reads modules.builtin with "-" normalised to "_"', () => {
    const names = table(parse('modules-builtin', fixture('kernel/modules-builtin-ubuntu2204.txt')), 'modules').map((r) => r.name);
    expect(names).toContain('dm_mod');
    expect(names).toContain('br_netfilter');
    expect(names).toContain('crc32c_intel');
    const bad = parse('modules-builtin', 'kernel/net/netfilter/nf_conntrack.ko\nkernel/net/netfilter/nf_nat');
    expect(errors(bad)[0]).toMatch(/not a module object path/);
  });

  it('turns =y config symbols of known modules into how=config rows', () => {
    const rows = parse('kernel-config', fixture('kernel/kernel-config-debian12.txt'));
    expect(table(rows, 'kernel_config').length).toBe(fixture('kernel/kernel-config-debian12.txt').trim().split('\n').length);
    const config = table(rows, 'modules').filter((r) => r.how === 'config').map((r) => r.name);
    expect(config).toEqual(expect.arrayContaining(['nf_conntrack', 'br_netfilter', 'overlay', 'vxlan', 'veth', 'ip_tables', 'nf_tables', 'ip_set']));
    const m = parse('kernel-config', 'CONFIG_IP_VS=m\nCONFIG_OVERLAY_FS=y\r\n# CONFIG_FOO is not set\ngarbage');
    expect(table(m, 'modules')).toEqual([{ name: 'overlay', how: 'config', size: null, refcount: null, used_by: null, state: null }]);
    expect(table(m, 'kernel_config')).toContainEqual({ symbol: 'CONFIG_IP_VS', value: 'm' });
    expect(table(m, 'parse_errors')).toEqual([{ line: 4, message: 'not a CONFIG_X=value line: garbage' }]);
  });
});

describe('/proc counters', () => {
  it('reads vmstat and meminfo of this machine', () => {
    const vm = table(parse('proc-vmstat', fixture('kernel/vmstat-debian12.txt')), 'vmstat');
    expect(vm.length).toBe(fixture('kernel/vmstat-debian12.txt').trim().split('\n').length);
    expect(typeof vm.find((r) => r.key === 'nr_kernel_stack')?.value).toBe('number');
    const mem = table(parse('proc-meminfo', fixture('kernel/meminfo-debian12.txt')), 'meminfo');
    expect(mem.find((r) => r.key === 'MemTotal')?.kb).toBe(24684096);
    expect(mem.find((r) => r.key === 'HugePages_Total')).toMatchObject({ kb: null, value: 0 });
  });

  it('reports broken vmstat and meminfo lines', () => {
    const vm = parse('proc-vmstat', crlf('nr_free_pages 12\nnr_kernel_stack'));
    expect(table(vm, 'vmstat')).toEqual([{ key: 'nr_free_pages', value: 12 }]);
    expect(table(vm, 'parse_errors')[0]).toMatchObject({ line: 2 });
    const mem = parse('proc-meminfo', 'MemTotal:       16314564 kB\nSwapTotal:    8 MB\nMemFree:');
    expect(table(mem, 'meminfo')).toEqual([{ key: 'MemTotal', kb: 16314564, value: 16314564 }]);
    expect(errors(mem).length).toBe(2);
  });

  it('reads loadavg, and a truncated one', () => {
    expect(table(parse('proc-loadavg', fixture('kernel/loadavg-debian12.txt')), 'loadavg')[0]).toMatchObject({ load1: 0.09, running: 2, total_tasks: 108 });
    const cut = parse('proc-loadavg', fixture('kernel/loadavg-truncated.txt'));
    expect(table(cut, 'loadavg')[0]).toEqual({ load1: 0.52, load5: 0.58, load15: 0.59, running: 2, total_tasks: 1227, last_pid: null });
    expect(errors(cut)[0]).toMatch(/incomplete/);
    expect(errors(parse('proc-loadavg', ''))).toEqual(['empty input']);
  });

  it('reads pressure files, resource from the member path', () => {
    const cpu = parse('proc-pressure', fixture('kernel/pressure/cpu'), { member: 'proc-pressure/proc/pressure/cpu', path: '/proc/pressure/cpu' });
    expect(table(cpu, 'pressure').map((r) => `${r.resource}/${r.kind}`)).toEqual(['cpu/some', 'cpu/full']);
    const io = parse('proc-pressure', crlf('some avg10=1.50 avg60=0.25 avg300=0.05 total=123456789\nfull avg10=0.'), { member: 'proc-pressure/proc/pressure/io' });
    expect(table(io, 'pressure')).toEqual([
      { resource: 'io', kind: 'some', avg10: 1.5, avg60: 0.25, avg300: 0.05, total_us: 123456789 },
      { resource: 'io', kind: 'full', avg10: 0, avg60: null, avg300: null, total_us: null },
    ]);
    expect(errors(io)).toEqual(['pressure line without total: full avg10=0.']);
  });
});
