/**
 * The driver line of a vxlan device in `ip -d link` text output:
 *
 *   vxlan id 1 local 192.168.80.240 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum ...
 *   vxlan id 1 local 192.168.1.10 dev eth0 port 32768 61000 nolearning ageing 300      (older iproute 3.x)
 *   vxlan id 42 remote 10.0.0.2 dev eth1 srcport 0 0 dstport 4789 ttl auto ageing 300
 */
import { intOrNull } from './common/flags.js';
import type { LinkRecord } from './link-record.js';

export function applyVxlanWords(l: LinkRecord, w: readonly string[]): void {
  l.vxlanLearning = true;
  for (let i = 1; i < w.length; i++) {
    switch (w[i]) {
      case 'id':
        l.vxlanId = intOrNull(w[++i]);
        break;
      case 'local':
        l.vxlanLocal = w[++i] ?? null;
        break;
      case 'remote':
      case 'group':
        l.vxlanRemote = w[++i] ?? null;
        break;
      case 'dev':
        l.vxlanDev = w[++i] ?? null;
        break;
      case 'dstport':
        l.vxlanPort = intOrNull(w[++i]);
        break;
      case 'srcport':
      case 'port': // iproute 3.x: "port LOW HIGH" is the source port range
        i += 2;
        break;
      case 'nolearning':
        l.vxlanLearning = false;
        break;
      case 'learning':
        l.vxlanLearning = true;
        break;
      default:
        break;
    }
  }
}
