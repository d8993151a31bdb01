import { describe, expect, it } from 'vitest';
import { ctx, cutInLine, errorsOf, fixture, parse, rowsOf, toCrlf } from './helpers.js';
import { PARSERS } from '../../../analyzer/parsers/network/index.js';
import type { TextParser } from '../../../analyzer/parsers/types.js';

const counter = (rows: ReturnType<typeof parse>, mib: string, name: string) =>
  rowsOf(rows, 'netstat_counters').find((r) => r.mib === mib && r.name === name)?.value;

describe('proc-net-netstat / proc-net-snmp', () => {
  it('pairs names with values', () => {
    const netstat = parse('proc-net-netstat', fixture('captured/proc-net-netstat.txt'), 'proc-net-netstat/proc/net/netstat');
    expect(errorsOf(netstat)).toEqual([]);
    // the capture's listener with backlog 1 overflowed
    expect(counter(netstat, 'TcpExt', 'ListenOverflows')).toBe(6);
    expect(counter(netstat, 'TcpExt', 'ListenDrops')).toBe(6);
    expect(counter(netstat, 'IpExt', 'InOctets')).toBe(2428);
    expect(rowsOf(netstat, 'netstat_counters').every((r) => r.file === 'netstat')).toBe(true);
    const snmp = parse('proc-net-snmp', fixture('captured/proc-net-snmp.txt'), 'proc-net-snmp/proc/net/snmp');
    expect(counter(snmp, 'Tcp', 'MaxConn')).toBe(-1);
    expect(counter(snmp, 'Tcp', 'CurrEstab')).toBe(15);
    expect(counter(snmp, 'Ip', 'Forwarding')).toBe(2);
    expect(rowsOf(snmp, 'netstat_counters').every((r) => r.file === 'snmp')).toBe(true);
  });

  it('keeps 64-bit counters exact', () => {
    const rows = parse('proc-net-netstat', 'IpExt: InOctets OutOctets Small\nIpExt: 18446744073709551615 9007199254740993 5\n');
    expect(counter(rows, 'IpExt', 'OutOctets')).toBe(9007199254740993n);
    expect(counter(rows, 'IpExt', 'Small')).toBe(5);
    // beyond SQLite's signed 64 bits: an approximation rather than a wrong wrap-around
    expect(counter(rows, 'IpExt', 'InOctets')).toBe(18446744073709551615);
  });

  it('reports a cut value line and a count mismatch but keeps the rest', () => {
    const text = fixture('captured/proc-net-snmp.txt');
    const cut = parse('proc-net-snmp', cutInLine(text, 8));
    expect(counter(cut, 'Tcp', 'MaxConn')).toBe(-1);
    expect(counter(cut, 'Udp', 'InDatagrams')).toBeUndefined();
    expect(errorsOf(cut)).toHaveLength(2); // the cut line, and Udp names without values
    const mismatch = parse('proc-net-snmp', 'Tcp: A B C\nTcp: 1 2\n');
    expect(rowsOf(mismatch, 'netstat_counters')).toHaveLength(2);
    expect(errorsOf(mismatch)).toHaveLength(1);
    expect(rowsOf(parse('proc-net-snmp', toCrlf(text)), 'netstat_counters')).toEqual(rowsOf(parse('proc-net-snmp', text), 'netstat_counters'));
  });

  it('throws on something that is not a counter file', () => {
    expect(() => (PARSERS['proc-net-snmp'] as TextParser).parse('hello world\n', ctx('proc-net-snmp'))).toThrow();
  });
});

describe('resolv-conf', () => {
  it('reads nameservers, search domains and options in order', () => {
    const rows = rowsOf(parse('resolv-conf', fixture('files/resolv.conf')), 'resolv_conf');
    expect(rows.filter((r) => r.kind === 'nameserver').map((r) => [r.value, r.position])).toEqual([
      ['10.255.255.53', 1],
      ['192.168.1.1', 2],
      ['8.8.8.8', 3],
      ['1.1.1.1', 4],
    ]);
    expect(rows.filter((r) => r.kind === 'search').map((r) => r.value)).toEqual(['corp.example.com', 'example.com']);
    expect(rows.filter((r) => r.kind === 'options').map((r) => r.value)).toEqual(['timeout:2', 'attempts:3', 'rotate']);
    expect(rows[0]).toMatchObject({ line: 2 });
  });

  it('reads a pod resolv.conf without a final newline, with CRLF', () => {
    const text = fixture('files/resolv-pod.conf').replace(/\n$/, '');
    const rows = rowsOf(parse('resolv-conf', toCrlf(text)), 'resolv_conf');
    expect(rows.map((r) => `${r.kind} ${r.value}`)).toEqual([
      'nameserver 10.96.0.10',
      'search default.svc.cluster.local',
      'search svc.cluster.local',
      'search cluster.local',
      'options ndots:5',
    ]);
  });

  it('reports a directive without value', () => {
    const rows = parse('resolv-conf', 'nameserver\nnameserver 10.0.0.1 # primary\n');
    expect(rowsOf(rows, 'resolv_conf')).toEqual([{ kind: 'nameserver', value: '10.0.0.1', position: 1, line: 2 }]);
    expect(errorsOf(rows)).toEqual([{ line: 1, message: 'nameserver without a value' }]);
  });
});

describe('hosts', () => {
  it('reads entries and reports malformed lines', () => {
    const rows = parse('hosts', fixture('files/hosts'));
    expect(rowsOf(rows, 'hosts_entries').map((r) => [r.address, r.family, r.names, r.line])).toEqual([
      ['127.0.0.1', 'inet', 'localhost localhost.localdomain localhost4 localhost4.localdomain4', 1],
      ['::1', 'inet6', 'localhost localhost.localdomain localhost6 localhost6.localdomain6', 2],
      ['192.168.1.10', 'inet', 'k8s-node01.corp.example.com k8s-node01', 5],
      ['192.168.1.11', 'inet', 'k8s-node02', 6],
    ]);
    expect(errorsOf(rows).map((e) => e.line)).toEqual([7, 8]);
  });

  it('treats a comment-only file as parsed', () => {
    expect(parse('hosts', '# empty\n')).toEqual({});
  });
});
