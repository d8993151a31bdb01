import { describe, expect, it } from 'vitest';
import { cutInLine, errorsOf, fixture, parse, rowsOf, toCrlf, without } from './helpers.js';

const addrs = (file: string) => rowsOf(parse('ip-addr', fixture(file)), 'addrs');

describe('ip-addr', () => {
  it('reads the JSON and the text of one node alike', () => {
    const json = addrs('captured/ip-addr.json');
    expect(json).toHaveLength(20);
    // lifetimes tick between the two captures
    expect(without(addrs('captured/ip-addr.txt'), 'valid_lft', 'preferred_lft')).toEqual(without(json, 'valid_lft', 'preferred_lft'));
  });

  it('normalises the connected network and keeps labels and flags', () => {
    const rows = addrs('captured/ip-addr.json');
    const find = (address: string) => rows.find((r) => r.address === address)!;
    expect(find('10.244.1.1')).toMatchObject({ ifname: 'cni0', ifindex: 6, family: 'inet', prefixlen: 24, cidr: '10.244.1.0/24', broadcast: '10.244.1.255', label: 'cni0', scope: 'global' });
    expect(find('10.244.1.0')).toMatchObject({ ifname: 'flannel.1', cidr: '10.244.1.0/32' });
    expect(find('192.168.80.251')).toMatchObject({ label: 'eth0:vip', secondary: 1, flags: 'secondary' });
    expect(find('192.168.81.7')).toMatchObject({ dynamic: 1, valid_lft: 3596, preferred_lft: 1796 });
    expect(find('fd00:244:1::1')).toMatchObject({ family: 'inet6', cidr: 'fd00:244:1::/64', label: null, flags: 'nodad', valid_lft: null });
    expect(rows.filter((r) => r.ifname === 'kube-ipvs0').map((r) => r.cidr)).toEqual(['10.96.0.1/32', '10.96.0.10/32', '10.96.122.33/32']);
  });

  it('reads iproute 3.10 text with a point-to-point address', () => {
    const rows = addrs('centos7/ip-addr.txt');
    expect(rows).toHaveLength(12);
    expect(rows.find((r) => r.ifname === 'tun0')).toMatchObject({ address: '10.8.0.1', peer: '10.8.0.2', prefixlen: 32, cidr: '10.8.0.2/32', label: 'tun0' });
    expect(rows.find((r) => r.address === '192.168.1.10')).toMatchObject({ dynamic: 1, valid_lft: 85603, label: 'eth0' });
    expect(rows.filter((r) => r.ifname === 'veth3e1c4a5').map((r) => r.address)).toEqual(['fe80::582c:1fff:fe0e:9b77']);
  });

  it('reads the seed 003 output of a flannel node', () => {
    const seed = [
      '6: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default',
      '    link/ether b6:95:2a:cd:01:c3 brd ff:ff:ff:ff:ff:ff',
      '    inet 10.244.0.0/32 brd 10.244.0.0 scope global flannel.1',
      '       valid_lft forever preferred_lft forever',
      '5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default',
      '    link/ether a6:99:85:4e:ba:35 brd ff:ff:ff:ff:ff:ff',
      '\tinet 10.96.0.1/32 scope global kube-ipvs0',
      '       valid_lft forever preferred_lft forever',
      '',
    ].join('\n');
    const rows = rowsOf(parse('ip-addr', seed), 'addrs');
    expect(rows.map((r) => [r.ifname, r.address, r.cidr, r.broadcast])).toEqual([
      ['flannel.1', '10.244.0.0', '10.244.0.0/32', '10.244.0.0'],
      ['kube-ipvs0', '10.96.0.1', '10.96.0.1/32', null],
    ]);
  });

  it('copes with CRLF, a cut last line and junk', () => {
    const text = fixture('centos7/ip-addr.txt');
    expect(rowsOf(parse('ip-addr', toCrlf(text)), 'addrs')).toEqual(addrs('centos7/ip-addr.txt'));
    const lines = text.split('\n');
    const tunLine = lines.findIndex((l) => l.includes('inet 10.8.0.1')) + 1;
    const cut = parse('ip-addr', cutInLine(text, tunLine));
    expect(rowsOf(cut, 'addrs')).toHaveLength(11);
    expect(errorsOf(cut)).toHaveLength(1);
    const junk = parse('ip-addr', `${text}    inet bogus/24 scope global eth9\n`);
    expect(errorsOf(junk)).toEqual([{ line: lines.length, message: expect.stringMatching(/without an address/) }]);
  });

  it('keeps addresses of a cut JSON array', () => {
    const json = fixture('captured/ip-addr.json');
    const rows = parse('ip-addr', json.slice(0, json.indexOf('"ifname":"docker0"')));
    expect(rowsOf(rows, 'addrs').map((r) => r.ifname)).not.toContain('docker0');
    expect(rowsOf(rows, 'addrs').map((r) => r.address)).toContain('10.244.1.1');
    expect(errorsOf(rows)).toHaveLength(1);
  });
});
