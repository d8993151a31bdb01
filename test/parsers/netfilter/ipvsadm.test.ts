import { describe, expect, it } from 'vitest';
import { PARSERS } from '../../../analyzer/parsers/netfilter/index.js';
import type { Rows } from '../../../analyzer/parsers/types.js';
import { fixture, parseText, rowsOf } from './helpers.js';

const list = (text: string): Rows => parseText(PARSERS.ipvsadm!, text, 'ipvsadm');
const stats = (text: string): Rows => parseText(PARSERS['ipvsadm-stats']!, text, 'ipvsadm-stats');
const timeout = (text: string): Rows => parseText(PARSERS['ipvsadm-timeout']!, text, 'ipvsadm-timeout');

describe('ipvsadm -Ln --exact (1.31 layout, kube-proxy IPVS mode)', () => {
  const text = fixture('ipvsadm-Ln-exact-v1.31-kube-proxy.txt');
  const rows = list(text);
  const services = rowsOf(rows, 'ipvs_services');
  const dests = rowsOf(rows, 'ipvs_dests');

  it('reads services, real servers and the version', () => {
    expect(rows.parse_errors).toBeUndefined();
    expect(services).toHaveLength(13);
    expect(dests).toHaveLength(16);
    expect(rowsOf(rows, 'node_facts')).toEqual([
      { source: 'ipvsadm', key: 'ipvs.version', value: '1.2.1' },
      { source: 'ipvsadm', key: 'ipvs.conn_tab_size', value: '4096' },
    ]);
    expect(services[0]).toMatchObject({ protocol: 'TCP', address: '10.96.0.1', port: 443, fwmark: null, family: 'ipv4', scheduler: 'rr', persistent: null, flags: null, dest_count: 1 });
    expect(dests[0]).toMatchObject({ service_protocol: 'TCP', service_address: '10.96.0.1', service_port: 443, address: '192.168.3.113', port: 6443, forward: 'Masq', weight: 1, active_conns: 4, inactive_conns: 0 });
  });

  it('reads persistence, scheduler flags, FWM, SCTP, IPv6 and empty services', () => {
    const by = (address: string | null, port: number | null) => services.find((s) => s.address === address && s.port === port);
    expect(by('10.96.45.3', 80)).toMatchObject({ persistent: 10800, flags: 'persistent 10800' });
    expect(by('10.96.77.7', 8080)).toMatchObject({ dest_count: 0 });
    expect(by('10.96.33.4', 3868)).toMatchObject({ protocol: 'SCTP', scheduler: 'sh', sched_flags: 'sh-fallback,sh-port' });
    expect(by('fd00:10:96::a', 53)).toMatchObject({ protocol: 'UDP', family: 'ipv6' });
    expect(services.find((s) => s.protocol === 'FWM')).toMatchObject({ fwmark: 100, address: null, port: null, scheduler: 'wlc', persistent: 300 });
    expect(dests.find((d) => d.service_fwmark === 100)).toMatchObject({ address: '10.244.2.21', port: 0 });
    expect(dests.find((d) => d.family === 'ipv6')).toMatchObject({ address: 'fd00:10:244::2', port: 53, service_address: 'fd00:10:96::a' });
    expect(dests.filter((d) => d.service_address === '10.96.92.170').map((d) => d.weight)).toEqual([0, 0]);
  });

  it('reads 1.27 director output with Route, Tunnel, Local, masks and ops', () => {
    const old = list(fixture('ipvsadm-Ln-v1.27-centos7-dr.txt'));
    expect(old.parse_errors).toBeUndefined();
    expect(rowsOf(old, 'ipvs_dests').map((d) => d.forward)).toEqual(['Route', 'Route', 'Route', 'Tunnel', 'Local', 'Route']);
    expect(rowsOf(old, 'ipvs_services')[1]).toMatchObject({ scheduler: 'wlc', persistent: 360, netmask: '255.255.255.0' });
    expect(rowsOf(old, 'ipvs_services')[2]).toMatchObject({ scheduler: 'lc', one_packet: 1 });
  });

  it('survives CRLF, truncation, a header-less listing and garbage lines', () => {
    expect(list(text.replace(/\n/g, '\r\n'))).toEqual(rows);
    const cut = list(text.slice(0, text.indexOf('10.244.0.3:53') + 20));
    expect(rowsOf(cut, 'ipvs_dests')).toHaveLength(2);
    expect(rowsOf(cut, 'parse_errors')).toHaveLength(1);
    const headerless = list('TCP  10.96.0.1:443 rr\n  -> 192.168.3.113:6443 Masq 1 0 0\nbogus\n  -> 10.0.0.1:1 Masq 1 0 0\n');
    expect(rowsOf(headerless, 'ipvs_dests')).toHaveLength(1);
    expect(rowsOf(headerless, 'parse_errors').map((e) => e.line)).toEqual([3, 4]);
    expect(list('')).toEqual({});
    expect(list('IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n').ipvs_services).toBeUndefined();
    expect(() => list(fixture('ipvsadm-Ln-stats-exact-v1.31-kube-proxy.txt'))).toThrow(/not plain/);
    expect(() => list('Can\'t initialize ipvs: Protocol not available\n')).toThrow();
  });
});

describe('ipvsadm -Ln --stats', () => {
  it('reads exact counters per service and per real server', () => {
    const rows = stats(fixture('ipvsadm-Ln-stats-exact-v1.31-kube-proxy.txt'));
    expect(rows.parse_errors).toBeUndefined();
    const all = rowsOf(rows, 'ipvs_stats');
    expect(all.filter((r) => r.kind === 'service')).toHaveLength(7);
    expect(all.filter((r) => r.kind === 'dest')).toHaveLength(8);
    expect(all.find((r) => r.kind === 'dest' && r.dest_port === 80)).toMatchObject({ service_address: '10.96.45.3', conns: 3120448, inbytes: 3890112876, outbytes: 41099887123, exact: 1 });
    expect(all.find((r) => r.service_fwmark === 100 && r.kind === 'service')).toMatchObject({ service_protocol: 'FWM', conns: 7, inpkts: 70 });
    expect(all.find((r) => r.dest_address === 'fd00:10:244::2')).toMatchObject({ service_address: 'fd00:10:96::a', conns: 4 });
  });

  it('multiplies scaled counters back out and flags them', () => {
    const rows = stats(fixture('ipvsadm-Ln-stats-v1.27-scaled.txt'));
    const all = rowsOf(rows, 'ipvs_stats');
    expect(all[0]).toMatchObject({ conns: 113786, inbytes: 2110000000, exact: 0 });
    expect(all[1]).toMatchObject({ dest_address: '10.100.5.86', inbytes: 181747000, exact: 0 });
    expect(() => stats(fixture('ipvsadm-Ln-exact-v1.31-kube-proxy.txt'))).toThrow(/not ipvsadm --stats/);
  });
});

describe('ipvsadm -Ln --timeout', () => {
  it('reads the three timeouts', () => {
    expect(rowsOf(timeout(fixture('ipvsadm-Ln-timeout-default.txt')), 'ipvs_timeouts')).toEqual([{ tcp: 900, tcpfin: 120, udp: 300, line: 1 }]);
    expect(rowsOf(timeout('Timeout (tcp tcpfin udp): 7200 120 300\r\n'), 'ipvs_timeouts')[0]).toMatchObject({ tcp: 7200 });
    expect(timeout('')).toEqual({});
    expect(() => timeout('garbage\n')).toThrow();
    expect(rowsOf(timeout('Timeout (tcp tcpfin udp): 900 120\n'), 'parse_errors')).toHaveLength(1);
  });
});
