/**
 * The kubernetes Service VIP of a service range: the apiserver gives the `default/kubernetes`
 * Service the first address after the network address (10.96.0.0/12 -> 10.96.0.1).
 */
import { formatIp, parseCidr } from '../../parsers/shared/cidr.js';

/** First address of the first range of a (possibly dual-stack, comma-separated) service range, or null. */
export function kubernetesServiceVip(range: string): string | null {
  const c = parseCidr((range.split(',')[0] ?? '').trim());
  return c ? formatIp({ family: c.family, value: c.network + 1n }) : null;
}
