/**
 * flannel's lease for this node (/run/flannel/subnet.env):
 *
 *   FLANNEL_NETWORK=10.244.0.0/16
 *   FLANNEL_SUBNET=10.244.0.1/24
 *   FLANNEL_MTU=1450
 *   FLANNEL_IPMASQ=true
 *   (dual stack adds FLANNEL_IPV6_NETWORK and FLANNEL_IPV6_SUBNET)
 */
import type { TextParser } from '../types.js';
import { envMap, parseEnvFile } from './env-file.js';
import { nodePathOf, RowSink } from './rows.js';

export const flannelSubnetEnvParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const env = parseEnvFile(text);
    for (const e of env.errors) sink.error(e.message, e.line);
    if (env.vars.length === 0) return sink.rows();
    const vars = envMap(env);
    const mtu = vars.get('FLANNEL_MTU');
    const ipmasq = vars.get('FLANNEL_IPMASQ');
    sink.add('flannel_env', {
      path: nodePathOf(ctx),
      network: vars.get('FLANNEL_NETWORK') ?? null,
      subnet: vars.get('FLANNEL_SUBNET') ?? null,
      mtu: mtu !== undefined && /^\d+$/.test(mtu) ? Number(mtu) : null,
      ipmasq: ipmasq === 'true' ? 1 : ipmasq === 'false' ? 0 : null,
      ipv6_network: vars.get('FLANNEL_IPV6_NETWORK') ?? null,
      ipv6_subnet: vars.get('FLANNEL_IPV6_SUBNET') ?? null,
    });
    return sink.rows();
  },
};
