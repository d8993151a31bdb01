import { describe, expect, it } from 'vitest';
import { byKey, cutInLine, errorsOf, fixture, parse, rowsOf, toCrlf, without } from './helpers.js';

const links = (file: string) => rowsOf(parse('ip-link', fixture(file)), 'links');

describe('ip-link', () => {
  it('reads the JSON and the text of one node alike', () => {
    const json = links('captured/ip-link.json');
    const text = links('captured/ip-link.txt');
    expect(json).toHaveLength(11);
    // text names the peer namespace (link-netns NAME), JSON numbers it (link_netnsid)
    expect(without(text, 'details', 'link_netnsid', 'link_netns')).toEqual(without(json, 'details', 'link_netnsid', 'link_netns'));
  });

  it('describes the flannel vxlan device', () => {
    for (const file of ['captured/ip-link.json', 'captured/ip-link.txt']) {
      const flannel = byKey(links(file), 'name').get('flannel.1')!;
      expect(flannel).toMatchObject({
        ifindex: 8,
        kind: 'vxlan',
        mtu: 1450,
        up: 1,
        lower_up: 1,
        operstate: 'UNKNOWN',
        mac: 'b6:95:2a:cd:01:c3',
        vxlan_id: 1,
        vxlan_local: '192.168.80.240',
        vxlan_remote: null,
        vxlan_port: 8472,
        vxlan_dev: 'eth0',
        vxlan_learning: 0,
      });
      const calico = byKey(links(file), 'name').get('vxlan.calico')!;
      expect(calico).toMatchObject({ vxlan_id: 4096, vxlan_port: 4789, vxlan_learning: 1, up: 0 });
    }
  });

  it('tells bridges, bridge ports, and down devices apart', () => {
    const byName = byKey(links('captured/ip-link.json'), 'name');
    expect(byName.get('cni0')).toMatchObject({ kind: 'bridge', slave_kind: '', master: null });
    expect(byName.get('tap4d5e6f')).toMatchObject({ kind: 'tun', slave_kind: 'bridge', master: 'cni0', promiscuity: 1 });
    expect(byName.get('tap-nocarrier')).toMatchObject({ up: 1, lower_up: 0, operstate: 'DOWN', flags: 'NO-CARRIER,BROADCAST,MULTICAST,UP' });
    expect(byName.get('kube-ipvs0')).toMatchObject({ up: 0, operstate: 'DOWN', qdisc: 'noop', txqlen: 32 });
    expect(byName.get('lo')).toMatchObject({ kind: '', link_type: 'loopback', details: null });
  });

  it('links a device to its lower device in another namespace', () => {
    const json = byKey(links('captured/ip-link.json'), 'name').get('vxlan-pod')!;
    expect(json).toMatchObject({ link_ifindex: 11, link_netnsid: 0, link_netns: null });
    const text = byKey(links('captured/ip-link.txt'), 'name').get('vxlan-pod')!;
    expect(text).toMatchObject({ link_ifindex: 11, link_netnsid: null, link_netns: 'nsnap-net-pod1' });
  });

  it('leaves kind empty for a physical NIC', () => {
    for (const file of ['captured/host-ip-link.json', 'captured/host-ip-link.txt']) {
      const eth0 = byKey(links(file), 'name').get('eth0')!;
      expect(eth0).toMatchObject({ kind: '', mtu: 1400, details: null, up: 1 });
      expect(byKey(links(file), 'name').get('ifb0')).toMatchObject({ kind: 'ifb' });
    }
  });

  it('reads veth peers, dummy, ipip and unknown kinds from JSON', () => {
    const byName = byKey(links('edited/ip-link-veth-dummy.json'), 'name');
    expect(byName.get('kube-ipvs0')).toMatchObject({ kind: 'dummy' });
    expect(byName.get('veth28b04daf')).toMatchObject({ kind: 'veth', link_ifindex: 3, link_netnsid: 1, master: 'cni0', slave_kind: 'bridge' });
    // a pair inside one namespace names its peer; the index is resolved from the other device
    expect(byName.get('v-host')).toMatchObject({ link_name: 'v-peer', link_ifindex: 14 });
    expect(byName.get('v-peer')).toMatchObject({ link_name: 'v-host', link_ifindex: 13 });
    expect(byName.get('tunl0')).toMatchObject({ kind: 'ipip', link_name: null, link_ifindex: null, mac: '0.0.0.0' });
    const odd = byName.get('futur0')!;
    expect(odd.kind).toBe('futuristic');
    expect(JSON.parse(odd.details as string)).toEqual({ info_kind: 'futuristic', info_data: { mode: 'quantum', lanes: [1, 2] } });
    expect(odd.promiscuity).toBeNull();
  });

  it('reads a JSON peer printed as if<index>', () => {
    const json = '[{"ifindex":12,"link":"if3","ifname":"veth1","flags":["UP"],"mtu":1450,"link_netnsid":2,"linkinfo":{"info_kind":"veth"}}]';
    expect(rowsOf(parse('ip-link', json), 'links')[0]).toMatchObject({ link_ifindex: 3, link_name: null, link_netnsid: 2 });
  });

  it('reads iproute 3.10 text (CentOS 7)', () => {
    const rows = links('centos7/ip-link.txt');
    const byName = byKey(rows, 'name');
    expect(rows).toHaveLength(9);
    expect(byName.get('flannel.1')).toMatchObject({ kind: 'vxlan', vxlan_id: 1, vxlan_local: '192.168.1.10', vxlan_dev: 'eth0', vxlan_port: 8472, vxlan_learning: 0, txqlen: null });
    expect(byName.get('veth3e1c4a5')).toMatchObject({ kind: 'veth', slave_kind: 'bridge', link_ifindex: 3, link_netnsid: 0, master: 'cni0' });
    expect(byName.get('kube-ipvs0')).toMatchObject({ kind: 'dummy', up: 0 });
    expect(byName.get('tunl0')).toMatchObject({ kind: 'ipip', link_type: 'ipip', link_name: null, link_ifindex: null });
    // "port LOW HIGH" of old iproute is the source range, not the destination port
    expect(byName.get('vxlan0')).toMatchObject({ vxlan_remote: '239.1.1.1', vxlan_port: null, vxlan_learning: 1 });
    expect(byName.get('docker0')).toMatchObject({ kind: 'bridge', lower_up: 0 });
    expect(byName.get('eth0')).toMatchObject({ kind: '', details: null });
  });

  it('reads CRLF text like LF text', () => {
    const text = fixture('captured/ip-link.txt');
    expect(links('captured/ip-link.txt')).toEqual(rowsOf(parse('ip-link', toCrlf(text)), 'links'));
  });

  it('keeps the devices before a cut in the text and reports the cut', () => {
    const text = fixture('captured/ip-link.txt');
    const lineOfKubeIpvs = text.split('\n').findIndex((l) => l.startsWith('9: kube-ipvs0')) + 1;
    const rows = parse('ip-link', cutInLine(text, lineOfKubeIpvs));
    expect(rowsOf(rows, 'links').map((r) => r.name)).toEqual(['lo', 'eth0', 'tap1a2b3c', 'tap4d5e6f', 'tap-nocarrier', 'cni0', 'docker0', 'flannel.1']);
    expect(errorsOf(rows)).toHaveLength(1);
    expect(errorsOf(rows)[0]!.message).toMatch(/cut off/);
  });

  it('keeps the complete objects of a cut JSON array and reports the rest', () => {
    const json = fixture('captured/ip-link.json');
    const cut = json.slice(0, json.indexOf('"ifname":"kube-ipvs0"') + 30);
    const rows = parse('ip-link', cut);
    expect(rowsOf(rows, 'links').map((r) => r.name)).toEqual(['lo', 'eth0', 'tap1a2b3c', 'tap4d5e6f', 'tap-nocarrier', 'cni0', 'docker0', 'flannel.1']);
    expect(errorsOf(rows)).toHaveLength(1);
    expect(errorsOf(rows)[0]!.message).toMatch(/cut off/);
  });

  it('skips one malformed JSON object and keeps the others', () => {
    const json = fixture('captured/ip-link.json').replace('"ifname":"docker0"', '"ifname":"docker0",,');
    const rows = parse('ip-link', json);
    expect(rowsOf(rows, 'links')).toHaveLength(10);
    expect(rowsOf(rows, 'links').some((r) => r.name === 'docker0')).toBe(false);
    expect(errorsOf(rows)[0]!.message).toMatch(/element 7 is malformed/);
  });

  it('reports header lines it cannot read and devices without fields', () => {
    const text = '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\nthis is not ip output\n';
    const rows = parse('ip-link', text);
    expect(rowsOf(rows, 'links')).toEqual([expect.objectContaining({ name: 'lo', mtu: 65536, qdisc: null, operstate: null })]);
    expect(errorsOf(rows)).toEqual([{ line: 3, message: expect.stringMatching(/not a device header/) }]);
  });

  it('throws only when nothing can be read', () => {
    expect(() => parse('ip-link', 'Object "link" is unknown, try "ip help".\n')).toThrow(/nothing could be parsed/);
    expect(parse('ip-link', '')).toEqual({});
    expect(parse('ip-link', '[]')).toEqual({});
  });
});
