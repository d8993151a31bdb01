import { describe, expect, it } from 'vitest';
import { cutInLine, errorsOf, fixture, parse, rowsOf, toCrlf, without } from './helpers.js';

describe('ip-rule', () => {
  const rules = (file: string) => rowsOf(parse('ip-rule', fixture(file)), 'ip_rules');

  it('reads the JSON and the text of one node alike', () => {
    const json = rules('captured/ip-rule.json');
    expect(json).toHaveLength(12);
    expect(without(rules('captured/ip-rule.txt'), 'raw')).toEqual(without(json, 'raw'));
  });

  it('reads selectors and actions', () => {
    const byPriority = new Map(rules('captured/ip-rule.json').map((r) => [r.priority, r]));
    expect(byPriority.get(0)).toMatchObject({ src: 'all', action: 'lookup', rt_table: 'local' });
    expect(byPriority.get(100)).toMatchObject({ src: '10.244.1.0/24', rt_table: '100' });
    expect(byPriority.get(200)).toMatchObject({ fwmark: '0x4000/0x4000', rt_table: '100' });
    expect(byPriority.get(300)).toMatchObject({ dst: '10.0.0.0/8', iif: 'cni0', rt_table: 'main' });
    expect(byPriority.get(400)).toMatchObject({ negate: 1, src: '192.168.80.0/24', oif: 'eth0' });
    expect(byPriority.get(500)).toMatchObject({ tos: '0x10', action: 'goto', goto_priority: 32766, rt_table: null });
    expect(byPriority.get(600)).toMatchObject({ action: 'blackhole', rt_table: null });
    expect(byPriority.get(601)).toMatchObject({ action: 'prohibit' });
    expect(byPriority.get(700)).toMatchObject({ ipproto: 'tcp', dport: '8080' });
    expect(byPriority.get(800)).toMatchObject({ suppress_prefixlength: 0, rt_table: 'main' });
  });

  it('reads iproute 3.10 text with its trailing spaces, and CRLF', () => {
    const rows = rules('centos7/ip-rule.txt');
    expect(rows.map((r) => [r.priority, r.src, r.rt_table])).toEqual([
      [0, 'all', 'local'],
      [32765, '10.244.1.0/24', '100'],
      [32766, 'all', 'main'],
      [32767, 'all', 'default'],
    ]);
    expect(rowsOf(parse('ip-rule', toCrlf(fixture('centos7/ip-rule.txt'))), 'ip_rules')).toEqual(rows);
  });

  it('reports lines that are not rules and a cut last line', () => {
    const rows = parse('ip-rule', `RTNETLINK answers: Permission denied\n${cutInLine(fixture('captured/ip-rule.txt'), 12)}`);
    expect(rowsOf(rows, 'ip_rules')).toHaveLength(11);
    expect(errorsOf(rows).map((e) => e.line).sort((a, b) => Number(a) - Number(b))).toEqual([1, 13]);
  });
});

describe('ip-neigh', () => {
  const neigh = (file: string) => rowsOf(parse('ip-neigh', fixture(file)), 'neighbours');

  it('reads the JSON and the text of one node alike', () => {
    const json = neigh('captured/ip-neigh.json');
    expect(json).toHaveLength(8);
    expect(neigh('captured/ip-neigh.txt')).toEqual(json);
  });

  it('reads flannel VTEP entries, unresolved entries and IPv6 routers', () => {
    const rows = neigh('captured/ip-neigh.json');
    const find = (dst: string) => rows.find((r) => r.dst === dst)!;
    expect(find('10.244.0.0')).toMatchObject({ dev: 'flannel.1', lladdr: '6e:1c:9a:3e:11:02', state: 'PERMANENT', family: 'inet' });
    expect(find('10.244.2.7')).toMatchObject({ lladdr: null, state: 'INCOMPLETE' });
    expect(find('fd00:80::1')).toMatchObject({ family: 'inet6', router: 1, state: 'REACHABLE' });
  });

  it('reads iproute 3.10 text and proxy entries', () => {
    const rows = neigh('centos7/ip-neigh.txt');
    expect(rows.find((r) => r.dst === '10.244.1.9')).toMatchObject({ state: 'FAILED', lladdr: null });
    expect(rows.find((r) => r.dst === 'fe80::1')).toMatchObject({ router: 1, state: 'STALE' });
    const proxy = rowsOf(parse('ip-neigh', '192.168.80.77 dev eth0 proxy\n'), 'neighbours');
    expect(proxy).toEqual([expect.objectContaining({ proxy: 1, state: null })]);
    const json = rowsOf(parse('ip-neigh', '[{"dst":"192.168.80.77","dev":"eth0","proxy":null}]'), 'neighbours');
    expect(json).toEqual(proxy);
  });

  it('reports a line that does not start with an address', () => {
    const rows = parse('ip-neigh', 'Device "eth9" does not exist.\n10.0.0.1 dev eth0 lladdr 00:11:22:33:44:55 STALE\n');
    expect(rowsOf(rows, 'neighbours')).toHaveLength(1);
    expect(errorsOf(rows)).toHaveLength(1);
  });
});
