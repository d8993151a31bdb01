import { it } from 'vitest';
import { parse } from './helpers.js';
it('prof', () => {
  const text: string[] = []; const json: object[] = [];
  for (let i = 0; i < 10_000; i++) {
    const dst = `10.${(i >> 8) & 255}.${i & 255}.0/24`;
    text.push(`${dst} via 10.${(i >> 8) & 255}.${i & 255}.0 dev flannel.1 onlink `);
    json.push({ type: 'unicast', dst, gateway: `10.${(i >> 8) & 255}.${i & 255}.0`, dev: 'flannel.1', table: 'main', protocol: 'boot', scope: 'global', flags: ['onlink'] });
  }
  const t = `${text.join('\n')}\n`; const j = JSON.stringify(json);
  for (let k = 0; k < 4; k++) {
    let s = performance.now(); parse('ip-route', t, 'ip-route/ipv4.txt'); const a = performance.now() - s;
    s = performance.now(); parse('ip-route', j, 'ip-route/ipv4.txt'); const b = performance.now() - s;
    s = performance.now(); parse('ip-route', j.slice(0, -30), 'ip-route/ipv4.txt'); const c = performance.now() - s;
    console.log('text', a.toFixed(0), 'json', b.toFixed(0), 'cutjson', c.toFixed(0));
  }
});
