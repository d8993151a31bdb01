import { describe, expect, it } from 'vitest';
import { cutInLine, errorsOf, fixture, parse, rowsOf, toCrlf } from './helpers.js';

const V4 = 'ip-route/ipv4.txt';
const V6 = 'ip-route/ipv6.txt';
const routes = (file: string, member: string) => rowsOf(parse('ip-route', fixture(file), member), 'routes');

describe('ip-route', () => {
  it('reads the JSON and the text of one node alike, each item keeping its own family', () => {
    const v4json = routes('captured/ip-route-ipv4.json', V4);
    const v6json = routes('captured/ip-route-ipv6.json', V6);
    expect(routes('captured/ip-route-ipv4.txt', V4)).toEqual(v4json);
    expect(routes('captured/ip-route-ipv6.txt', V6)).toEqual(v6json);
    // `ip route show table all` of iproute2 6.1 lists IPv6 routes too: they belong to the ipv6 item
    expect(fixture('captured/ip-route-ipv4.json')).toContain('fd00:244:2::/64');
    expect(v4json.every((r) => r.family === 'inet')).toBe(true);
    expect(v6json.every((r) => r.family === 'inet6')).toBe(true);
    expect(v4json).toHaveLength(34);
    expect(v6json).toHaveLength(27);
  });

  it('keeps every family when the member does not say which it asked for', () => {
    const rows = routes('captured/ip-route-ipv4.json', 'ip-route/other.txt');
    expect(rows).toHaveLength(34 + 27);
  });

  it('describes flannel, kube-ipvs0 and policy routes', () => {
    const rows = routes('captured/ip-route-ipv4.json', V4);
    const find = (table: string, dst: string) => rows.find((r) => r.rt_table === table && r.dst === dst)!;
    expect(find('main', '10.244.2.0/24')).toMatchObject({ type: 'unicast', gateway: '10.244.2.0', dev: 'flannel.1', onlink: 1, flags: 'onlink', dst_cidr: '10.244.2.0/24', dst_prefixlen: 24 });
    expect(find('main', 'default')).toMatchObject({ dst_cidr: '0.0.0.0/0', dst_prefixlen: 0, gateway: '192.168.80.2', protocol: 'static', metric: 100 });
    expect(find('local', '10.96.0.1')).toMatchObject({ type: 'local', dev: 'kube-ipvs0', scope: 'host', src: '10.96.0.1', dst_cidr: '10.96.0.1/32', protocol: 'kernel' });
    expect(find('local', '10.244.1.255')).toMatchObject({ type: 'broadcast', dev: 'cni0' });
    expect(find('main', '10.244.99.0/24')).toMatchObject({ type: 'blackhole', dev: null, gateway: null });
    expect(find('main', '10.251.0.0/16')).toMatchObject({ type: 'prohibit', metric: 10 });
    expect(find('100', '10.0.0.0/8')).toMatchObject({ type: 'throw' });
    expect(find('100', 'default')).toMatchObject({ gateway: '192.168.80.3' });
    expect(find('main', '10.60.0.0/16').mtu).toBe(1400);
    expect(find('main', '10.70.0.0/16').mtu).toBe(1300); // mtu lock 1300
    const multipath = find('main', '10.50.0.0/16');
    expect(multipath).toMatchObject({ gateway: null, dev: null });
    expect(JSON.parse(multipath.nexthops as string)).toEqual([
      { gateway: '192.168.80.2', dev: 'eth0', weight: 1, flags: [] },
      { gateway: '192.168.80.3', dev: 'eth0', weight: 2, flags: [] },
    ]);
  });

  it('gives IPv6 default routes ::/0 and keeps pref', () => {
    const rows = routes('captured/ip-route-ipv6.json', V6);
    expect(rows.find((r) => r.dst === 'default')).toMatchObject({ dst_cidr: '::/0', gateway: 'fd00:80::1', metric: 1024, pref: 'medium', rt_table: 'main' });
    expect(rows.find((r) => r.dst === 'fd00:dead::/64')).toMatchObject({ type: 'blackhole', dev: 'lo' });
    expect(rows.find((r) => r.rt_table === '100')).toMatchObject({ dst: '2001:db8:100::/48', gateway: 'fd00:80::1' });
  });

  it('fills the defaults iproute 3.10 leaves out (CentOS 7)', () => {
    const rows = routes('centos7/ip-route-ipv4.txt', V4);
    expect(rows).toHaveLength(19);
    expect(rows[1]).toMatchObject({ dst: '10.244.0.0/24', rt_table: 'main', type: 'unicast', protocol: 'boot', scope: 'global', metric: 0, onlink: 1, gateway: '10.244.0.0' });
    expect(rows.find((r) => r.dst === '10.96.92.170')).toMatchObject({ rt_table: 'local', type: 'local', dev: 'kube-ipvs0' });
    const multipath = rows.find((r) => r.dst === '10.60.0.0/16')!;
    expect(multipath).toMatchObject({ protocol: 'static', metric: 100 });
    expect(JSON.parse(multipath.nexthops as string)).toHaveLength(2);
    const v6 = routes('centos7/ip-route-ipv6.txt', V6);
    expect(v6).toHaveLength(10);
    expect(v6.find((r) => r.dst === 'default')).toMatchObject({ family: 'inet6', type: 'unreachable', rt_table: 'unspec', metric: 4294967295, dst_cidr: '::/0' });
    expect(v6.find((r) => r.dst === '::ffff:0.0.0.0/96')).toMatchObject({ family: 'inet6', type: 'unreachable' });
  });

  it('reads the seed 003 table local line of a broken IPVS node', () => {
    const rows = rowsOf(parse('ip-route', 'local 10.96.0.1 dev kube-ipvs0 proto kernel scope host src 10.96.0.1\n', V4), 'routes');
    expect(rows).toEqual([expect.objectContaining({ type: 'local', dst_cidr: '10.96.0.1/32', dev: 'kube-ipvs0', scope: 'host' })]);
  });

  it('names the well-known tables by number', () => {
    const rows = rowsOf(parse('ip-route', 'default via 10.0.0.1 dev eth0 table 254\n10.1.0.0/16 dev eth1 table 255\n10.2.0.0/16 dev eth1 table 253\n', V4), 'routes');
    expect(rows.map((r) => r.rt_table)).toEqual(['main', 'local', 'default']);
  });

  it('copes with CRLF, a cut line and junk', () => {
    const text = fixture('centos7/ip-route-ipv4.txt');
    expect(rowsOf(parse('ip-route', toCrlf(text), V4), 'routes')).toEqual(routes('centos7/ip-route-ipv4.txt', V4));
    const cut = parse('ip-route', cutInLine(text, 5), V4);
    expect(rowsOf(cut, 'routes')).toHaveLength(4);
    expect(errorsOf(cut)).toHaveLength(1);
    const junk = parse('ip-route', `garbage line here\n${text}\tnexthop stray\n`, V4);
    expect(rowsOf(junk, 'routes')).toHaveLength(19);
    expect(errorsOf(junk).map((e) => e.line)).toEqual([1, text.split('\n').length + 1]);
  });

  it('reports a continuation line without a route', () => {
    const rows = parse('ip-route', '\tnexthop via 10.0.0.1 dev eth0 weight 1\n10.0.0.0/8 dev eth0\n', V4);
    expect(rowsOf(rows, 'routes')).toHaveLength(1);
    expect(errorsOf(rows)).toEqual([{ line: 1, message: expect.stringMatching(/continuation/) }]);
  });

  it('keeps the routes of a cut JSON array', () => {
    const json = fixture('captured/ip-route-ipv4.json');
    const rows = parse('ip-route', json.slice(0, json.indexOf('"dst":"10.96.0.10"')), V4);
    expect(rowsOf(rows, 'routes')).toHaveLength(18);
    expect(errorsOf(rows)[0]!.message).toMatch(/cut off/);
  });
});
