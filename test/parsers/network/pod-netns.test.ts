import { describe, expect, it } from 'vitest';
import { errorsOf, fixture, parse, rowsOf, toCrlf } from './helpers.js';

const WEB = '5f3c9a0d1e2b4c6d8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6';
const DNS = '9a8b7c6d5e4f30211f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('pod-netns', () => {
  const rows = parse('pod-netns', fixture('captured/pod-netns.txt'));

  it('reads each sandbox with its addresses and iflink', () => {
    const addrs = rowsOf(rows, 'pod_netns');
    const eth0 = addrs.filter((r) => r.sandbox_id === WEB && r.ifname === 'eth0');
    expect(eth0).toEqual([
      { sandbox_id: WEB, pid: 4242, name: 'k8s_POD_web-7d9c8b6f5-x2x9k_default_0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f_0', eth0_iflink: 2, ifname: 'eth0', family: 'inet', address: '10.244.1.5', prefixlen: 24, cidr: '10.244.1.0/24', scope: 'global' },
      { sandbox_id: WEB, pid: 4242, name: 'k8s_POD_web-7d9c8b6f5-x2x9k_default_0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f_0', eth0_iflink: 2, ifname: 'eth0', family: 'inet6', address: 'fd00:244:1::5', prefixlen: 64, cidr: 'fd00:244:1::/64', scope: 'global' },
    ]);
    expect(addrs.filter((r) => r.sandbox_id === DNS).map((r) => [r.ifname, r.address, r.eth0_iflink])).toEqual([
      ['lo', '127.0.0.1', null],
      ['lo', '::1', null],
    ]);
  });

  it('reads the routes of each sandbox', () => {
    expect(rowsOf(rows, 'pod_routes').map((r) => [r.sandbox_id, r.dst, r.dst_cidr, r.gateway, r.dev, r.onlink, r.linkdown])).toEqual([
      [WEB, 'default', '0.0.0.0/0', '10.244.1.1', 'eth0', 1, 1],
      [WEB, '10.244.0.0/16', '10.244.0.0/16', '10.244.1.1', 'eth0', 1, 1],
      [WEB, '10.244.1.0/24', '10.244.1.0/24', null, 'eth0', 0, 1],
    ]);
  });

  it('reports what nsenter, ip and cat complained about, naming the sandbox', () => {
    expect(errorsOf(rows).map((e) => e.message)).toEqual([
      'sandbox 9a8b7c6d5e4f route: Error: ipv4: FIB table does not exist.',
      'sandbox 9a8b7c6d5e4f route: Dump terminated',
      'sandbox 9a8b7c6d5e4f iflink: cat: /sys/class/net/eth9/iflink: No such file or directory',
    ]);
  });

  it('keeps a sandbox whose namespace could not be entered', () => {
    const text = `=== sandbox abc pid=77 name=/k8s_POD_x_ns_uid_0\n--- addr\nnsenter: cannot open /proc/77/ns/net: No such file or directory\n--- route\nnsenter: cannot open /proc/77/ns/net: No such file or directory\n--- eth0-iflink\nnsenter: cannot open /proc/77/ns/net: No such file or directory\n`;
    const r = parse('pod-netns', text);
    expect(rowsOf(r, 'pod_netns')).toEqual([
      { sandbox_id: 'abc', pid: 77, name: 'k8s_POD_x_ns_uid_0', eth0_iflink: null, ifname: null, family: null, address: null, prefixlen: null, cidr: null, scope: null },
    ]);
    expect(errorsOf(r)).toHaveLength(3);
  });

  it('reads CRLF alike and keeps sandboxes before a cut', () => {
    const text = fixture('captured/pod-netns.txt');
    expect(parse('pod-netns', toCrlf(text))).toEqual(rows);
    const cut = parse('pod-netns', text.slice(0, text.indexOf('2: eth0    inet6') + 20));
    expect(rowsOf(cut, 'pod_netns').map((r) => r.address)).toEqual(['127.0.0.1', '::1', '10.244.1.5']);
    expect(errorsOf(cut)).toHaveLength(1);
  });
});
