import { describe, expect, it } from 'vitest';
import { dockerNetworkInspectParser } from '../../../analyzer/parsers/runtime/docker-network-inspect.js';
import { ctx, fixture, one, table } from './helpers.js';

const parse = (text: string) => dockerNetworkInspectParser.parse(text, ctx('docker-network-inspect'));

describe('docker network inspect', () => {
  const rows = parse(fixture('docker/network-inspect.json'));

  it('names the bridge device of default and user bridge networks', () => {
    expect(one(rows, 'docker_networks', (r) => r.name === 'bridge')).toMatchObject({ bridge_name: 'docker0', subnet: '172.17.0.0/16', gateway: '172.17.0.1', mtu: 1500, ip_masquerade: 1, containers: 1, created: '2024-09-01T02:00:00.123Z' });
    expect(one(rows, 'docker_networks', (r) => r.name === 'ml_default')).toMatchObject({ bridge_name: 'br-7d6c5b4a3f2e', ipv6_enabled: 1, mtu: null });
    expect(one(rows, 'docker_networks', (r) => r.name === 'host')).toMatchObject({ bridge_name: null, subnet: null });
  });

  it('lists every subnet with its family and range', () => {
    const ml = table(rows, 'docker_network_subnets').filter((r) => r.network === 'ml_default');
    expect(ml).toEqual([
      expect.objectContaining({ subnet: '172.20.0.0/16', ip_range: '172.20.5.0/24', family: 'inet' }),
      expect.objectContaining({ subnet: 'fd00:dead:beef::/48', family: 'inet6' }),
    ]);
  });

  it('keeps complete networks of a cut output', () => {
    const text = fixture('docker/network-inspect.json');
    const cut = parse(text.slice(0, text.indexOf('"Name": "host"')));
    expect(table(cut, 'docker_networks')).toHaveLength(2);
    expect(table(cut, 'parse_errors')).toHaveLength(1);
  });
});
