import { describe, expect, it } from 'vitest';
import { cniConfigParser } from '../../../analyzer/parsers/runtime/cni-config.js';
import { cniIpamParser } from '../../../analyzer/parsers/runtime/cni-ipam.js';
import { flannelCniStateParser } from '../../../analyzer/parsers/runtime/flannel-cni-state.js';
import { flannelSubnetEnvParser } from '../../../analyzer/parsers/runtime/flannel-subnet-env.js';
import { ctx, fixture, one, table } from './helpers.js';

const netd = (name: string) => cniConfigParser.parse(fixture(`cni/net.d/${name}`), ctx('cni-config', `/etc/cni/net.d/${name}`));
const ipam = (name: string) => cniIpamParser.parse(fixture(`cni/networks/cbr0/${name}`), ctx('cni-ipam', `/var/lib/cni/networks/cbr0/${name}`));

describe('CNI configs', () => {
  it('reads the flannel conflist of incident 003', () => {
    const rows = netd('10-flannel.conflist');
    expect(one(rows, 'cni_configs', () => true)).toMatchObject({ file_name: '10-flannel.conflist', is_candidate: 1, is_conflist: 1, valid: 1, name: 'cbr0', cni_version: '0.3.1', plugin_types: 'flannel,portmap', plugin_count: 2 });
    expect(one(rows, 'cni_plugins', (r) => r.type === 'flannel').delegate).toBe('{"hairpinMode":true,"isDefaultGateway":true}');
    expect(one(rows, 'cni_plugins', (r) => r.type === 'portmap')).toMatchObject({ position: 1, capabilities: '{"portMappings":true}' });
  });

  it('reads a single-plugin bridge .conf with dual-stack ranges', () => {
    const rows = netd('05-bridge.conf');
    expect(one(rows, 'cni_configs', () => true)).toMatchObject({ is_conflist: 0, valid: 1, plugin_types: 'bridge' });
    expect(one(rows, 'cni_plugins', () => true)).toMatchObject({ position: 0, bridge: 'cnio0', is_gateway: 1, ip_masq: 1, ipam_type: 'host-local', ipam_subnet: '10.88.0.0/16' });
  });

  it('marks a truncated CRLF file and a conflist without plugins invalid', () => {
    const cut = netd('10-calico.conflist');
    expect(one(cut, 'cni_configs', () => true)).toMatchObject({ valid: 0, error: expect.any(String), plugin_types: null });
    expect(table(cut, 'parse_errors')).toHaveLength(1);
    const noPlugins = netd('99-loopback.conflist');
    expect(one(noPlugins, 'cni_configs', () => true)).toMatchObject({ valid: 0, error: 'conflist without a "plugins" list', name: 'lo' });
  });

  it('marks backup files as not loaded by the runtime', () => {
    expect(one(netd('10-flannel.conflist.bak'), 'cni_configs', () => true)).toMatchObject({ is_candidate: 0, is_conflist: 0, valid: 0 });
  });
});

describe('host-local IPAM', () => {
  it('reads new and old reservation formats', () => {
    expect(one(ipam('10.244.2.5'), 'ipam_reservations', () => true)).toMatchObject({ network: 'cbr0', ip: '10.244.2.5', container_id: '462cf658ef71d558b36884dfb6d068e100a3209d36ba2602ad04dd9445e63684', ifname: 'eth0' });
    expect(one(ipam('10.244.2.6'), 'ipam_reservations', () => true)).toMatchObject({ container_id: '2dce6e228773c1d93a1b7a24ef43ab8cc6d5a2d2d35b1d1b5b1c0f6e9a8e7d41', ifname: null });
  });

  it('reads the last reserved address, ignores the lock and reports junk', () => {
    expect(one(ipam('last_reserved_ip.0'), 'ipam_last_reserved', () => true)).toMatchObject({ network: 'cbr0', range_index: 0, ip: '10.244.2.6' });
    expect(ipam('lock')).toEqual({});
    expect(table(ipam('README'), 'parse_errors')).toHaveLength(1);
    const empty = ipam('10.244.2.9');
    expect(one(empty, 'ipam_reservations', () => true).container_id).toBeNull();
    expect(table(empty, 'parse_errors')).toHaveLength(1);
  });

  it('accepts IPv6 reservation names', () => {
    const rows = cniIpamParser.parse('abc\neth0\n', ctx('cni-ipam', '/var/lib/cni/networks/cbr0/fd00:10:244:1::5'));
    expect(one(rows, 'ipam_reservations', () => true).ip).toBe('fd00:10:244:1::5');
  });
});

describe('flannel state', () => {
  it('reads the delegated bridge config of a container', () => {
    const id = '462cf658ef71d558b36884dfb6d068e100a3209d36ba2602ad04dd9445e63684';
    const rows = flannelCniStateParser.parse(fixture(`cni/flannel/${id}`), ctx('flannel-cni-state', `/var/lib/cni/flannel/${id}`));
    expect(one(rows, 'flannel_cni_state', () => true)).toMatchObject({ container_id: id, valid: 1, type: 'bridge', ipam_subnet: '10.244.2.0/24', mtu: 1450, is_default_gateway: 1, ip_masq: 0, ipam_routes: '[{"dst":"10.244.0.0/16"}]' });
  });

  it('reads the ranges form newer flannel plugins write', () => {
    const id = '7a1c6e0b5d4f3a2e1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d';
    const rows = flannelCniStateParser.parse(fixture(`cni/flannel/${id}`), ctx('flannel-cni-state', `/var/lib/cni/flannel/${id}`));
    expect(one(rows, 'flannel_cni_state', () => true)).toMatchObject({ bridge: 'cni0', ipam_subnet: '10.244.2.0/24', cni_version: '1.0.0' });
  });

  it('reports a cut state file', () => {
    const id = '0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de0badc0d';
    const rows = flannelCniStateParser.parse(fixture(`cni/flannel/${id}`), ctx('flannel-cni-state', `/var/lib/cni/flannel/${id}`));
    expect(one(rows, 'flannel_cni_state', () => true)).toMatchObject({ valid: 0, container_id: id });
  });

  it('reads subnet.env of the host-gw seed, inline comment included', () => {
    const rows = flannelSubnetEnvParser.parse(fixture('cni/subnet-hostgw.env'), ctx('flannel-subnet-env', '/run/flannel/subnet.env'));
    expect(one(rows, 'flannel_env', () => true)).toEqual({ path: '/run/flannel/subnet.env', network: '10.244.0.0/16', subnet: '10.244.0.1/24', mtu: 1500, ipmasq: 1, ipv6_network: null, ipv6_subnet: null });
  });

  it('reads a dual-stack CRLF subnet.env', () => {
    const rows = flannelSubnetEnvParser.parse(fixture('cni/subnet-dualstack-crlf.env'), ctx('flannel-subnet-env', '/run/flannel/subnet.env'));
    expect(one(rows, 'flannel_env', () => true)).toMatchObject({ subnet: '10.244.1.1/24', mtu: 1450, ipv6_subnet: 'fd00:10:244:1::1/64' });
  });
});
