import { describe, expect, it } from 'vitest';
import { apiEndpoint } from './cluster-membership.js';
import { flannelRouteEvent } from './flannel-log.js';
import { linkText, routeText, type LinkRow, type RouteRow } from './ip-text.js';
import { routeCovering } from './pod-network.js';

function route(partial: Partial<RouteRow>): RouteRow {
  return {
    node_id: 1,
    family: 'inet',
    rt_table: 'main',
    type: 'unicast',
    dst: '10.244.3.0/24',
    dst_cidr: '10.244.3.0/24',
    dst_prefixlen: 24,
    gateway: null,
    dev: null,
    protocol: 'boot',
    scope: 'global',
    src: null,
    metric: 0,
    onlink: 0,
    linkdown: 0,
    nexthops: null,
    ...partial,
  };
}

describe('routeText', () => {
  it('prints routes the way ip route does', () => {
    expect(routeText(route({ gateway: '10.244.3.0', dev: 'flannel.1', onlink: 1 }))).toBe('10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink');
    expect(routeText(route({ dst: 'default', dst_cidr: '0.0.0.0/0', dst_prefixlen: 0, gateway: '192.168.10.1', dev: 'eth0', protocol: 'static', metric: 100 }))).toBe(
      'default via 192.168.10.1 dev eth0 proto static metric 100',
    );
    expect(routeText(route({ dst: '10.244.1.0/24', dev: 'cni0', protocol: 'kernel', scope: 'link', src: '10.244.1.1', linkdown: 1 }))).toBe(
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 linkdown',
    );
    expect(routeText(route({ type: 'blackhole', rt_table: '100' }))).toBe('blackhole 10.244.3.0/24 table 100');
    expect(routeText(route({ nexthops: '[{"gateway":"192.168.10.1","dev":"eth0","weight":1},{"gateway":"192.168.11.1","dev":"eth1","weight":1}]' }))).toBe(
      '10.244.3.0/24 nexthop via 192.168.10.1 dev eth0 weight 1 nexthop via 192.168.11.1 dev eth1 weight 1',
    );
  });
});

describe('linkText', () => {
  it('prints the first line of ip link show', () => {
    const l: LinkRow = {
      node_id: 1, ifindex: 4, name: 'flannel.1', kind: 'vxlan', operstate: 'DOWN', up: 0, lower_up: 0, flags: 'BROADCAST,MULTICAST',
      mtu: 1450, qdisc: 'noqueue', master: null, vxlan_id: 1, vxlan_local: '192.168.10.22', vxlan_dev: 'eth0',
    };
    expect(linkText(l)).toBe('4: flannel.1: <BROADCAST,MULTICAST> mtu 1450 qdisc noqueue state DOWN');
  });
});

describe('routeCovering', () => {
  const routes = [
    route({ dst: 'default', dst_cidr: '0.0.0.0/0', dst_prefixlen: 0, gateway: '192.168.10.1', dev: 'eth0' }),
    route({ dst: '10.244.0.0/16', dst_cidr: '10.244.0.0/16', dst_prefixlen: 16, dev: 'flannel0' }),
    route({ gateway: '10.244.3.0', dev: 'flannel.1', onlink: 1 }),
    route({ rt_table: 'local', type: 'local', dst: '10.244.3.0/24' }),
  ];
  it('picks the longest main-table prefix that holds the whole subnet, never the default route', () => {
    expect(routeCovering(routes, '10.244.3.0/24')?.dev).toBe('flannel.1');
    expect(routeCovering(routes, '10.244.9.0/24')?.dev).toBe('flannel0');
    expect(routeCovering(routes, '10.245.0.0/24')).toBeNull();
    expect(routeCovering(routes, '10.244.0.0/15')).toBeNull();
  });
});

describe('flannelRouteEvent', () => {
  const line = (text: string) => ({ origin: 'k8s_kube-flannel_x', line_no: 1, level: 'error', text });
  it('reads the routes flanneld added, failed to add or removed', () => {
    expect(flannelRouteEvent(line('E1120 06:15:03.000000       1 vxlan_network.go:179] failed to add vxlanRoute (10.244.3.0/24 -> 10.244.3.0): network is down'))).toMatchObject({
      subnet: '10.244.3.0/24',
      gateway: '10.244.3.0',
      kind: 'failed',
    });
    expect(
      flannelRouteEvent(line('E0211 02:36:10.000000       1 route_network.go:152] Error adding route to {Ifindex: 2 Dst: 10.244.1.0/24 Src: <nil> Gw: 192.168.20.12 Flags: [] Table: 0 Realm: 0}: network is unreachable')),
    ).toMatchObject({ subnet: '10.244.1.0/24', gateway: '192.168.20.12', kind: 'failed' });
    expect(flannelRouteEvent(line('E0211 02:36:10.000000       1 hostgw_network.go:98] Error adding route to 10.244.1.0/24 via 192.168.20.12: network is unreachable'))).toMatchObject({
      subnet: '10.244.1.0/24',
      gateway: '192.168.20.12',
      kind: 'failed',
    });
    expect(flannelRouteEvent(line('I0211 02:36:09.965579       1 route_network.go:86] Subnet added: 10.244.2.0/24 via 192.168.3.117'))).toMatchObject({
      subnet: '10.244.2.0/24',
      gateway: '192.168.3.117',
      kind: 'added',
    });
    expect(flannelRouteEvent(line('I0211 02:40:09.000000       1 route_network.go:93] Subnet removed: 10.244.2.0/24'))).toMatchObject({ subnet: '10.244.2.0/24', kind: 'removed' });
    expect(flannelRouteEvent(line('I1011 08:15:03.000000       1 main.go:392] Found network config - Backend type: vxlan'))).toBeNull();
  });
});

describe('apiEndpoint', () => {
  it('names the API server endpoint, ignoring loopback proxies', () => {
    expect(apiEndpoint('https://192.168.10.11:6443')).toBe('192.168.10.11:6443');
    expect(apiEndpoint('https://LB.example.internal')).toBe('lb.example.internal:443');
    expect(apiEndpoint('https://[fd00::10]:6443/')).toBe('fd00::10:6443');
    expect(apiEndpoint('https://127.0.0.1:6443')).toBeNull();
    expect(apiEndpoint('https://localhost:6443')).toBeNull();
    expect(apiEndpoint('not a url')).toBeNull();
  });
});
