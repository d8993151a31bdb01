import { describe, expect, it } from 'vitest';
import { cutInLine, errorsOf, fixture, parse, rowsOf, toCrlf, without } from './helpers.js';

describe('ss-summary', () => {
  const summary = (text: string) => Object.fromEntries(rowsOf(parse('ss-summary', text), 'socket_summary').map((r) => [r.key, r.value]));

  it('reads iproute2 6.1', () => {
    expect(summary(fixture('captured/ss-summary.txt'))).toEqual({
      total: 30,
      tcp: 28,
      tcp_estab: 15,
      tcp_closed: 4,
      tcp_orphaned: 0,
      tcp_timewait: 3,
      raw_total: 0,
      raw_ip: 0,
      raw_ipv6: 0,
      udp_total: 1,
      udp_ip: 1,
      udp_ipv6: 0,
      tcp_total: 24,
      tcp_ip: 19,
      tcp_ipv6: 5,
      inet_total: 25,
      inet_ip: 20,
      inet_ipv6: 5,
      frag_total: 0,
      frag_ip: 0,
      frag_ipv6: 0,
    });
  });

  it('reads iproute 3.10 with kernel and slab counts', () => {
    const s = summary(fixture('centos7/ss-summary.txt'));
    expect(s).toMatchObject({ total: 194, total_kernel: 229, tcp: 12, tcp_synrecv: 0, tcp_timewait: 1, tcp_ports: 0, slab_total: 229, udp_ipv6: 2 });
    expect(s).not.toHaveProperty('slab_ip');
    expect(summary(toCrlf(fixture('centos7/ss-summary.txt')))).toEqual(s);
  });

  it('reports unexpected lines', () => {
    const rows = parse('ss-summary', 'Total: 3\nsomething odd\n');
    expect(rowsOf(rows, 'socket_summary')).toEqual([{ key: 'total', value: 3 }]);
    expect(errorsOf(rows)).toHaveLength(1);
  });
});

describe('ss-listen', () => {
  const listeners = (file: string) => rowsOf(parse('ss-listen', fixture(file)), 'listeners');

  it('reads queues, addresses and every owning process', () => {
    const rows = listeners('captured/ss-listen.txt');
    expect(rows).toHaveLength(6);
    const byPort = new Map(rows.map((r) => [r.port, r]));
    // backlog 1 and three connections waiting: the accept queue overflows
    expect(byPort.get(9999)).toMatchObject({ recv_q: 2, send_q: 1, local_address: '0.0.0.0', wildcard: 1, family: 'inet' });
    expect(byPort.get(53)).toMatchObject({ local_address: '10.244.1.1', interface: 'cni0', wildcard: 0 });
    expect(byPort.get(6443)).toMatchObject({ local_address: '::', family: 'inet6', wildcard: 1, send_q: 4096 });
    expect(byPort.get(10250)).toMatchObject({ local_address: 'fd00:80::240', family: 'inet6', wildcard: 0 });
    const web = byPort.get(8080)!;
    expect(web).toMatchObject({ process: 'python3', fd: 6 });
    expect(JSON.parse(web.users as string)).toEqual([
      { process: 'python3', pid: web.pid, fd: 6 },
      { process: 'python3', pid: expect.any(Number), fd: 6 },
    ]);
  });

  it('gives the same sockets without -p', () => {
    const withP = without(listeners('captured/ss-listen.txt'), 'process', 'pid', 'fd', 'users');
    const noP = listeners('captured/ss-listen-no-p.txt');
    expect(without(noP, 'process', 'pid', 'fd', 'users')).toEqual(withP);
    expect(noP.every((r) => r.process === null && r.users === null)).toBe(true);
  });

  it('reads iproute 3.10: * is IPv4 any, IPv6 without brackets, users without pid=', () => {
    const rows = listeners('centos7/ss-listen.txt');
    expect(rows.map((r) => [r.family, r.local_address, r.port, r.process, r.pid, r.fd])).toEqual([
      ['inet', '0.0.0.0', 22, 'sshd', 1123, 3],
      ['inet', '127.0.0.1', 25, 'master', 1389, 13],
      ['inet', '0.0.0.0', 80, 'nginx', 2201, 6],
      ['inet6', '::', 22, 'sshd', 1123, 4],
      ['inet6', '::1', 25, 'master', 1389, 14],
    ]);
    expect(JSON.parse(rows[2]!.users as string)).toHaveLength(3);
    expect(rows[2]).toMatchObject({ recv_q: 129, send_q: 128 });
  });

  it('keeps process names with spaces and commas', () => {
    const text = 'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 0 128 0.0.0.0:9100 0.0.0.0:* users:(("node exporter,x",pid=77,fd=3))\n';
    expect(rowsOf(parse('ss-listen', text), 'listeners')[0]).toMatchObject({ process: 'node exporter,x', pid: 77, fd: 3 });
  });

  it('reports a cut last line', () => {
    const rows = parse('ss-listen', cutInLine(fixture('captured/ss-listen.txt'), 7));
    expect(rowsOf(rows, 'listeners')).toHaveLength(5);
    expect(errorsOf(rows)).toHaveLength(1);
  });
});

describe('ss-tcp', () => {
  const sockets = (file: string) => rowsOf(parse('ss-tcp', fixture(file)), 'tcp_sockets');

  it('reads every state and address form of iproute2 6.1', () => {
    const rows = sockets('captured/ss-tcp.txt');
    expect(rows).toHaveLength(27);
    const states = new Map<string, number>();
    for (const r of rows) states.set(r.state as string, (states.get(r.state as string) ?? 0) + 1);
    expect(Object.fromEntries(states)).toEqual({ LISTEN: 6, ESTAB: 14, 'SYN-SENT': 3, 'CLOSE-WAIT': 1, 'FIN-WAIT-2': 1, 'TIME-WAIT': 2 });
    expect(rows.find((r) => r.local_interface === 'cni0')).toMatchObject({ local_address: '10.244.1.1', local_port: 53, peer_address: '0.0.0.0', peer_port: null });
    expect(rows.find((r) => r.peer_address === '10.244.2.7')).toMatchObject({ state: 'SYN-SENT', peer_port: 80, send_q: 1 });
    expect(rows.find((r) => r.local_address === '::ffff:127.0.0.1')).toMatchObject({ family: 'inet6', local_port: 6443, state: 'ESTAB' });
    expect(rows.find((r) => r.local_port === 6443 && r.state === 'LISTEN')).toMatchObject({ local_address: '::', peer_address: '::', family: 'inet6' });
    expect(rows.find((r) => r.state === 'CLOSE-WAIT')).toMatchObject({ recv_q: 1 });
  });

  it('reads iproute 3.10 address forms', () => {
    const rows = sockets('centos7/ss-tcp.txt');
    expect(rows.map((r) => [r.state, r.family, r.local_address, r.local_port, r.peer_address, r.peer_port])).toEqual([
      ['LISTEN', 'inet', '0.0.0.0', 22, '0.0.0.0', null],
      ['ESTAB', 'inet', '192.168.1.10', 22, '192.168.1.5', 51234],
      ['TIME-WAIT', 'inet', '10.244.1.1', 43210, '10.244.1.7', 8080],
      ['SYN-RECV', 'inet', '192.168.1.10', 6443, '192.168.1.11', 38800],
      ['LISTEN', 'inet6', '::', 22, '::', null],
      ['ESTAB', 'inet6', '::ffff:192.168.1.10', 6443, '::ffff:192.168.1.11', 38822],
    ]);
  });

  it('reads scoped IPv6 forms', () => {
    const text = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nESTAB 0 0 [fe80::1]%eth0:22 [fe80::2]%eth0:50000\nESTAB 0 0 [fe80::1%eth0]:22 [fe80::2]:50001\n';
    const rows = rowsOf(parse('ss-tcp', text), 'tcp_sockets');
    expect(rows.map((r) => [r.local_address, r.local_interface, r.peer_address, r.peer_port])).toEqual([
      ['fe80::1', 'eth0', 'fe80::2', 50000],
      ['fe80::1', 'eth0', 'fe80::2', 50001],
    ]);
  });

  it('copes with CRLF, junk and a cut line', () => {
    const text = fixture('captured/ss-tcp.txt');
    expect(rowsOf(parse('ss-tcp', toCrlf(text)), 'tcp_sockets')).toEqual(sockets('captured/ss-tcp.txt'));
    const rows = parse('ss-tcp', `${text.replace('ESTAB      0      0               127.0.0.1:8080', 'ESTAB      x      0               127.0.0.1:8080')}garbage\n`);
    expect(rowsOf(rows, 'tcp_sockets')).toHaveLength(26);
    expect(errorsOf(rows)).toHaveLength(2);
    const cut = parse('ss-tcp', cutInLine(text, 28));
    expect(rowsOf(cut, 'tcp_sockets')).toHaveLength(26);
    expect(errorsOf(cut)).toHaveLength(1);
  });

  it('reads output with a Netid column', () => {
    const text = 'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\ntcp   ESTAB  0      0      10.0.0.1:22        10.0.0.2:5000\n';
    expect(rowsOf(parse('ss-tcp', text), 'tcp_sockets')).toEqual([expect.objectContaining({ state: 'ESTAB', local_port: 22, peer_address: '10.0.0.2' })]);
    const listen = 'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\ntcp   LISTEN 0      128    0.0.0.0:22         0.0.0.0:*    users:(("sshd",pid=9,fd=3))\n';
    expect(rowsOf(parse('ss-listen', listen), 'listeners')).toEqual([expect.objectContaining({ port: 22, pid: 9 })]);
  });

  it('accepts output without a header and an empty output', () => {
    expect(rowsOf(parse('ss-tcp', 'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n'), 'tcp_sockets')).toHaveLength(1);
    expect(parse('ss-tcp', 'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n')).toEqual({});
  });
});
