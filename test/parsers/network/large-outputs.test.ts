import { describe, expect, it } from 'vitest';
import { parse, rowsOf } from './helpers.js';

/** Large inputs parse completely and identically; speed itself is measured by `npm run bench`, not here. */

describe('large outputs', () => {
  it('parses ss -tan with 100k sockets', () => {
    const lines = ['State      Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process'];
    for (let i = 0; i < 100_000; i++) {
      const peer = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      if (i % 10 === 0) lines.push(`TIME-WAIT  0      0          192.168.80.240:${10000 + (i % 50000)}     ${peer}:443        `);
      else if (i % 7 === 0) lines.push(`ESTAB      0      0      [::ffff:192.168.80.240]:6443  [::ffff:${peer}]:${20000 + (i % 40000)}       `);
      else lines.push(`ESTAB      0      36          192.168.80.240:${10000 + (i % 50000)}     ${peer}:8080        `);
    }
    const text = `${lines.join('\n')}\n`;
    const rows = parse('ss-tcp', text);
    expect(rowsOf(rows, 'tcp_sockets')).toHaveLength(100_000);
    expect(rows['parse_errors']).toBeUndefined();
  });

  it('parses 10k routes as text and as JSON', () => {
    const text: string[] = [];
    const json: object[] = [];
    for (let i = 0; i < 10_000; i++) {
      const dst = `10.${(i >> 8) & 255}.${i & 255}.0/24`;
      text.push(`${dst} via 10.${(i >> 8) & 255}.${i & 255}.0 dev flannel.1 onlink `);
      json.push({ type: 'unicast', dst, gateway: `10.${(i >> 8) & 255}.${i & 255}.0`, dev: 'flannel.1', table: 'main', protocol: 'boot', scope: 'global', flags: ['onlink'] });
    }
    const fromText = parse('ip-route', `${text.join('\n')}\n`, 'ip-route/ipv4.txt');
    const fromJson = parse('ip-route', JSON.stringify(json), 'ip-route/ipv4.txt');
    expect(rowsOf(fromText, 'routes')).toHaveLength(10_000);
    expect(rowsOf(fromJson, 'routes')).toEqual(rowsOf(fromText, 'routes'));
  });

  it('recovers from a cut in a large JSON array without re-scanning it', () => {
    const json = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ mac: `0a:58:0a:f4:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, ifname: 'flannel.1', dst: '192.168.1.2', flags: ['self'], state: 'permanent' })));
    const rows = parse('bridge-fdb', json.slice(0, -40));
    expect(rowsOf(rows, 'bridge_fdb')).toHaveLength(19_999);
  });
});
