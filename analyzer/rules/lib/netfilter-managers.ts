/**
 * Who owns an iptables chain or rule: kube-proxy, docker, flannel, CNI plugins, Calico, Cilium and
 * the other programs that write netfilter rules on container hosts, as opposed to a person or a
 * script nobody remembers. Chain names are the managers' own prefixes; in the built-in chains,
 * where every manager only adds a few rules, a rule is recognised by its comment or by the exact
 * shape its manager writes (verbatim):
 *
 *   docker:   -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE     (any bridge: -b cbr0, br-<network id>)
 *             -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
 *   flannel:  -A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
 *             -A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE          (flannel before 0.15, no comment)
 *             -A POSTROUTING ! -s 10.244.0.0/16 -d 10.244.0.0/16 -j MASQUERADE
 */
import { cidrContains, normalizeCidr } from '../../parsers/shared/cidr.js';
import type { IptablesRule } from './iptables-ruleset.js';

export interface Manager {
  name: string;
  test: (chain: string) => boolean;
}

const prefix =
  (...prefixes: string[]) =>
  (chain: string) =>
    prefixes.some((p) => chain.startsWith(p));

/** Chain name prefixes (and firewalld's zone chain names) of programs that manage netfilter rules. */
export const CHAIN_MANAGERS: readonly Manager[] = [
  { name: 'kube-proxy / kubelet / kube-router', test: prefix('KUBE-') },
  { name: 'CNI plugins (portmap, bridge, firewall)', test: prefix('CNI-') },
  { name: 'docker', test: prefix('DOCKER') },
  { name: 'flannel', test: prefix('FLANNEL') },
  { name: 'Calico', test: prefix('cali-') },
  { name: 'Cilium', test: prefix('CILIUM_', 'OLD_CILIUM_', 'cilium') },
  { name: 'Weave Net', test: prefix('WEAVE') },
  { name: 'Antrea', test: prefix('ANTREA') },
  { name: 'ip-masq-agent', test: prefix('IP-MASQ', 'KIND-MASQ-AGENT') },
  { name: 'AWS VPC CNI', test: prefix('AWS-') },
  { name: 'OVN-Kubernetes', test: prefix('OVN-KUBE-') },
  { name: 'podman / netavark', test: prefix('NETAVARK', 'PODMAN') },
  { name: 'libvirt', test: prefix('LIBVIRT_') },
  { name: 'Nomad', test: prefix('NOMAD-') },
  { name: 'Tailscale', test: prefix('ts-') },
  { name: 'ufw', test: prefix('ufw-', 'ufw6-') },
  { name: 'Istio', test: prefix('ISTIO_') },
  { name: 'firewalld', test: (c) => /^(PRE|POST|IN|FWDI|FWDO|OUT)_[A-Za-z0-9_.-]+$/.test(c) || /_(direct|ZONES|ZONES_SOURCE)$/.test(c) },
];

/** The manager owning a chain, or null for a built-in chain or a chain no known program writes. */
export function chainManager(chain: string): string | null {
  return CHAIN_MANAGERS.find((m) => m.test(chain))?.name ?? null;
}

/** Comments managers put on the rules they add to built-in chains. */
const COMMENT_MANAGERS: readonly [RegExp, string][] = [
  [/^flanneld /, 'flannel'],
  [/^kubernetes /i, 'kube-proxy'],
  [/^kubenet: /, 'kubenet'],
  [/^cali:/, 'Calico'],
  [/^cilium/i, 'Cilium'],
  [/^ip-masq-agent/, 'ip-masq-agent'],
  [/^kube-router/i, 'kube-router'],
  [/^CNI portfwd/, 'CNI portmap'],
  [/^(dnat|snat)? ?name: .* id: /, 'CNI plugins'],
  [/^weave/i, 'Weave Net'],
  [/^antrea/i, 'Antrea'],
  [/^netavark/i, 'netavark'],
  [/^AWS[, -]/, 'AWS VPC CNI'],
];

const DOCKER_BRIDGE = /^(docker\d*|br-[0-9a-f]{12}|docker_gwbridge)$/;

/** What the node says about itself that helps recognise managers' rules. */
export interface NodeContext {
  /** The cluster's pod prefixes, when known: tightens the flannel shapes. */
  podNetworks?: readonly string[];
  /** Connected subnets of each interface (`docker0` -> ['172.17.0.0/16']): a bridge masquerading its own subnet is docker's shape whatever the bridge is called. */
  interfaceSubnets?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The manager that adds `rule` to a built-in chain, recognised by its comment or its exact
 * shape; null when no known manager writes such a rule.
 */
export function builtinRuleManager(rule: IptablesRule, node: NodeContext = {}): string | null {
  const podNetworks = node.podNetworks ?? [];
  if (rule.comment) {
    for (const [re, name] of COMMENT_MANAGERS) if (re.test(rule.comment)) return name;
  }
  if (rule.target !== 'MASQUERADE') return null;
  const out = rule.outIface;
  // docker: masquerade what leaves a bridge's subnet by another interface
  if (out?.startsWith('!') && rule.src !== null && !rule.srcNegated && rule.dst === null) {
    const bridge = out.slice(1);
    const own = node.interfaceSubnets?.get(bridge)?.includes(normalizeCidr(rule.src) ?? rule.src) ?? false;
    if (DOCKER_BRIDGE.test(bridge) || own) return 'docker';
  }
  // docker: hairpin NAT of a published port (container to its own published port)
  if (rule.src !== null && rule.src === rule.dst && !rule.srcNegated && !rule.dstNegated && /\/(32|128)$/.test(rule.src) && rule.dport !== null) return 'docker';
  // docker without the userland proxy: masquerade locally sourced traffic into a bridge
  if (out !== null && DOCKER_BRIDGE.test(out) && rule.matches?.split(' ').includes('addrtype')) return 'docker';
  const inPodNetwork = (cidr: string) => podNetworks.length === 0 || podNetworks.some((p) => cidrContains(p, cidr));
  // flannel: pod traffic leaving the pod network (multicast excepted)
  if (rule.src !== null && !rule.srcNegated && rule.dst === '224.0.0.0/4' && rule.dstNegated && inPodNetwork(rule.src)) return 'flannel';
  // flannel: traffic from outside the pod network into it
  if (rule.src !== null && rule.srcNegated && rule.dst !== null && !rule.dstNegated && cidrContains(rule.src, rule.dst) && inPodNetwork(rule.dst)) return 'flannel';
  return null;
}
