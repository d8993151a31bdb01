import { describe, expect, it } from 'vitest';
import { errorsOf, fixture, parse, rowsOf, toCrlf } from './helpers.js';

describe('bridge-fdb', () => {
  const fdb = (file: string) => rowsOf(parse('bridge-fdb', fixture(file)), 'bridge_fdb');

  it('reads the JSON and the text of one node alike', () => {
    const json = fdb('captured/bridge-fdb.json');
    expect(json).toHaveLength(34);
    expect(fdb('captured/bridge-fdb.txt')).toEqual(json);
  });

  it('reads vxlan remotes and bridge entries', () => {
    const rows = fdb('captured/bridge-fdb.json');
    expect(rows.filter((r) => r.dev === 'flannel.1').map((r) => [r.mac, r.dst, r.self, r.state])).toEqual([
      ['8a:44:31:d7:2f:19', '192.168.80.242', 1, 'permanent'],
      ['6e:1c:9a:3e:11:02', '192.168.80.241', 1, 'permanent'],
    ]);
    expect(rows.find((r) => r.mac === '0a:58:0a:f4:01:05')).toMatchObject({ dev: 'tap1a2b3c', master: 'cni0', self: 0, state: 'static', flags: 'master' });
    expect(rows.find((r) => r.dev === 'vxlan.calico')).toMatchObject({ mac: '00:00:00:00:00:00', dst: '192.168.80.243' });
  });

  it('reads learned entries and vlans of iproute 3.10 text (CentOS 7)', () => {
    const rows = fdb('centos7/bridge-fdb.txt');
    expect(rows.find((r) => r.mac === '0a:58:0a:f4:01:07')).toMatchObject({ state: 'dynamic', master: 'cni0' });
    expect(rows.find((r) => r.mac === '0a:58:0a:f4:01:09')).toMatchObject({ vlan: 1, state: 'dynamic' });
    expect(rowsOf(parse('bridge-fdb', toCrlf(fixture('centos7/bridge-fdb.txt'))), 'bridge_fdb')).toEqual(rows);
  });

  it('reads a dynamic JSON entry and reports a line without a MAC', () => {
    const json = rowsOf(parse('bridge-fdb', '[{"mac":"0a:58:0a:f4:01:07","ifname":"veth1","flags":[],"master":"cni0","state":""}]'), 'bridge_fdb');
    expect(json[0]).toMatchObject({ state: 'dynamic', master: 'cni0' });
    const rows = parse('bridge-fdb', 'Error: Cannot find device\n33:33:00:00:00:01 dev eth0 self permanent\n');
    expect(rowsOf(rows, 'bridge_fdb')).toHaveLength(1);
    expect(errorsOf(rows)).toHaveLength(1);
  });
});

describe('bridge-link', () => {
  const ports = (file: string) => rowsOf(parse('bridge-link', fixture(file)), 'bridge_ports');

  it('reads the JSON and the text of one node alike', () => {
    const json = ports('captured/bridge-link.json');
    expect(json).toEqual([
      { ifindex: 3, dev: 'tap1a2b3c', master: 'cni0', state: 'forwarding', priority: 32, cost: 2, mtu: 1450, flags: 'BROADCAST,MULTICAST,UP,LOWER_UP' },
      { ifindex: 4, dev: 'tap4d5e6f', master: 'cni0', state: 'forwarding', priority: 32, cost: 7, mtu: 1450, flags: 'BROADCAST,MULTICAST,UP,LOWER_UP' },
      { ifindex: 5, dev: 'tap-nocarrier', master: 'cni0', state: 'disabled', priority: 32, cost: 2, mtu: 1450, flags: 'NO-CARRIER,BROADCAST,MULTICAST,UP' },
    ]);
    expect(ports('captured/bridge-link.txt')).toEqual(json);
  });

  it('reads iproute 3.10 text with the operstate before the flags', () => {
    const rows = ports('centos7/bridge-link.txt');
    expect(rows.map((r) => [r.ifindex, r.dev, r.master, r.state])).toEqual([
      [7, 'veth3e1c4a5', 'cni0', 'forwarding'],
      [9, 'veth9a8b7c6', 'cni0', 'forwarding'],
      [12, 'vethdead01', 'cni0', 'disabled'],
    ]);
  });

  it('reads a veth port named with its peer and skips -d option lines', () => {
    const text = '8: veth28b04daf@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 master cni0 state forwarding priority 32 cost 2 \n    hairpin on guard off root_block off fastleave off learning on flood on\n';
    expect(rowsOf(parse('bridge-link', text), 'bridge_ports')).toEqual([expect.objectContaining({ dev: 'veth28b04daf', state: 'forwarding' })]);
  });
});
