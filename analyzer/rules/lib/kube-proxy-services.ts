/**
 * kube-proxy's iptables-mode service chains, read back into services: for each KUBE-SVC-*
 * (and the per-node KUBE-SVL-* / pre-1.24 KUBE-XLB-*) chain, the service port it implements
 * (from kube-proxy's comments), the rules that lead into it (ClusterIP, NodePort, external IP),
 * and its endpoints in order with the random probability of each and the DNAT of its KUBE-SEP-*.
 * Verbatim shapes (kube-proxy 1.23-1.29, nat table):
 *
 *   -A KUBE-SERVICES -d 10.101.37.214/32 -p tcp -m comment --comment "shop/checkout:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-64QNK6HZX773DHEP
 *   -A KUBE-NODEPORTS -p tcp -m comment --comment "shop/checkout:http" -m tcp --dport 30080 -j KUBE-SVC-64QNK6HZX773DHEP
 *   -A KUBE-SVC-64QNK6HZX773DHEP ! -s 10.244.0.0/16 -d 10.101.37.214/32 -p tcp -m comment --comment "shop/checkout:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
 *   -A KUBE-SVC-64QNK6HZX773DHEP -m comment --comment "shop/checkout:http -> 10.244.1.7:8080" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-7JIZNLJSB55ILVPB
 *   -A KUBE-SEP-7JIZNLJSB55ILVPB -p tcp -m comment --comment "shop/checkout:http" -m tcp -j DNAT --to-destination 10.244.1.7:8080
 *
 * and in the filter table, for a service without endpoints:
 *
 *   -A KUBE-SERVICES -d 10.96.200.17/32 -p tcp -m comment --comment "default/no-endpoints:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
 *   -A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/no-endpoints:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 31380 -j REJECT --reject-with icmp-port-unreachable
 *
 * Older kube-proxy (1.1x) wrote no comment on the endpoint rules; the name then comes from the
 * rule in KUBE-SERVICES that jumps to the chain.
 */
import type { ChainGraph } from './iptables-graph.js';
import type { IptablesRule, IptablesTable } from './iptables-ruleset.js';

/** Chains holding a service's endpoint sequence: all endpoints, node-local ones (1.24+), node-local ones (before 1.24). */
export const ENDPOINT_SEQUENCE_CHAIN = /^KUBE-(SVC|SVL|XLB)-/;
export const ENDPOINT_CHAIN = /^KUBE-SEP-/;

/**
 * How far a saved probability may be from what kube-proxy wrote: the kernel keeps it as a 31-bit
 * fraction (error up to 2.4e-10) and iptables prints that with 11 decimals. 1e-9 stays clear of
 * the nearest wrong value even at 10,000 endpoints (1/10000 - 1/10001 = 1e-8).
 */
export const PROBABILITY_TOLERANCE = 1e-9;

/**
 * Decimals kube-proxy rounds 1/n to before writing it: 10 since Kubernetes 1.1x's
 * `fmt.Sprintf("%0.10f")`, 5 in older releases (`"%0.5f"`: 1/3 is saved as 0.33332999982).
 */
export const KUBE_PROXY_DECIMALS: readonly number[] = [10, 5];

/** Whether a saved probability is what some kube-proxy release writes for 1/`remaining`. */
export function probabilityFits(saved: number, remaining: number, tolerance = PROBABILITY_TOLERANCE): boolean {
  return KUBE_PROXY_DECIMALS.some((d) => Math.abs(saved - Number((1 / remaining).toFixed(d))) <= tolerance);
}

export interface KubeEndpoint {
  /** The rule of the service chain that jumps to the endpoint chain. */
  rule: IptablesRule;
  /** 0-based place in the service's sequence. */
  index: number;
  /** KUBE-SEP-* chain. */
  chain: string;
  probability: number | null;
  /** The DNAT rule of the endpoint chain, null when it has none. */
  dnat: IptablesRule | null;
  /** Where the DNAT sends the packet (`10.244.1.7:8080`), or the `-> ip:port` of the comment. */
  address: string | null;
}

export interface KubeService {
  /** KUBE-SVC-*, KUBE-SVL-* or KUBE-XLB-*. */
  chain: string;
  /** Service port as kube-proxy names it: `namespace/name:port-name` (`shop/mysql` when the port has no name); null when no comment names it. */
  name: string | null;
  /** ClusterIP of the KUBE-SERVICES rule leading to the chain, without /32. */
  clusterIp: string | null;
  /** Destination port of that rule. */
  port: string | null;
  protocol: string | null;
  /** Rules of other chains that jump or go to this chain (ClusterIP, NodePort, external IP, KUBE-EXT-*...). */
  entries: IptablesRule[];
  /** The endpoint sequence, in order: the rules jumping to a KUBE-SEP-* chain, session affinity checks excluded. */
  endpoints: KubeEndpoint[];
  /** Session affinity rules (`-m recent --rcheck ... -j KUBE-SEP-*`), which precede the sequence. */
  affinityRules: IptablesRule[];
}

/** A filter-table REJECT kube-proxy writes for a service port without endpoints. */
export interface NoEndpointsReject {
  rule: IptablesRule;
  name: string | null;
  /** Destination address of the rule (ClusterIP, external IP), without /32; null for a NodePort rule. */
  address: string | null;
  port: string | null;
  protocol: string | null;
  /** True for the NodePort shape (`-m addrtype --dst-type LOCAL`, no destination address). */
  nodePort: boolean;
}

/** `ns/name:port` at the start of a kube-proxy comment, or inside one ("masquerade traffic for ns/name:port external destinations"). */
const SERVICE_NAME = /(?:^|\s)([a-z0-9](?:[-a-z0-9]*[a-z0-9])?\/[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?(?::[-a-z0-9]*)?)(?=\s|$)/;

/** The service port a kube-proxy comment names, with a trailing ':' of an unnamed port removed; null for other comments. */
export function serviceNameOfComment(comment: string | null): string | null {
  if (!comment) return null;
  const m = SERVICE_NAME.exec(comment);
  if (!m) return null;
  const name = m[1] as string;
  return name.endsWith(':') ? name.slice(0, -1) : name;
}

/** `10.96.0.1/32` -> `10.96.0.1`; other prefixes stay as they are. */
export function hostAddress(cidr: string | null): string | null {
  if (cidr === null) return null;
  return cidr.endsWith('/32') || cidr.endsWith('/128') ? cidr.slice(0, cidr.lastIndexOf('/')) : cidr;
}

/** Probability kube-proxy gives endpoint `index` (0-based) of `count`: 1/(count-index); the last needs none (null). */
export function expectedProbability(index: number, count: number): number | null {
  return index === count - 1 ? null : 1 / (count - index);
}

function isAffinityCheck(rule: IptablesRule): boolean {
  return rule.matches !== null && rule.matches.split(' ').includes('recent');
}

function endpointAddress(sepRule: IptablesRule, dnat: IptablesRule | null): string | null {
  if (dnat?.toDestination) return dnat.toDestination;
  const arrow = sepRule.comment?.lastIndexOf(' -> ') ?? -1;
  return arrow >= 0 ? (sepRule.comment as string).slice(arrow + 4).trim() : null;
}

/** The services of a nat table (kube-proxy iptables mode), in chain declaration order. */
export function kubeServices(nat: IptablesTable, graph: ChainGraph): KubeService[] {
  const services: KubeService[] = [];
  for (const chain of nat.chains.values()) {
    if (!ENDPOINT_SEQUENCE_CHAIN.test(chain.name)) continue;
    const entries = graph.callers(chain.name).map((e) => e.rule);
    const endpoints: KubeEndpoint[] = [];
    const affinityRules: IptablesRule[] = [];
    for (const rule of chain.rules) {
      if (rule.target === null || !ENDPOINT_CHAIN.test(rule.target)) continue;
      if (isAffinityCheck(rule)) {
        affinityRules.push(rule);
        continue;
      }
      const dnat = nat.chain(rule.target)?.rules.find((r) => r.target === 'DNAT') ?? null;
      endpoints.push({ rule, index: endpoints.length, chain: rule.target, probability: rule.probability, dnat, address: endpointAddress(rule, dnat) });
    }
    // the ClusterIP rule: in KUBE-SERVICES with a destination address (NodePort rules have none)
    const clusterRule = entries.find((r) => r.chain === 'KUBE-SERVICES' && r.dst !== null && !r.dstNegated) ?? null;
    const named = [clusterRule, ...entries, ...chain.rules].find((r) => serviceNameOfComment(r?.comment ?? null) !== null);
    // the masquerade rule kube-proxy puts first in KUBE-SVC-* also carries the ClusterIP and port
    const masqRule = chain.rules.find((r) => r.target === 'KUBE-MARK-MASQ' && r.dst !== null && !r.dstNegated) ?? null;
    const addressRule = clusterRule ?? masqRule;
    services.push({
      chain: chain.name,
      name: named ? serviceNameOfComment(named.comment) : null,
      clusterIp: hostAddress(addressRule?.dst ?? null),
      port: addressRule?.dport ?? null,
      protocol: addressRule?.protocol ?? null,
      entries,
      endpoints,
      affinityRules,
    });
  }
  return services;
}

/** kube-proxy's "has no endpoints" REJECT rules of a filter table (KUBE-SERVICES, KUBE-EXTERNAL-SERVICES). */
export function noEndpointsRejects(filter: IptablesTable): NoEndpointsReject[] {
  const out: NoEndpointsReject[] = [];
  for (const rule of filter.rules()) {
    if (rule.target !== 'REJECT' || !rule.comment || !/ has no endpoints$/.test(rule.comment)) continue;
    const nodePort = rule.dst === null;
    out.push({
      rule,
      name: serviceNameOfComment(rule.comment),
      address: rule.dstNegated ? null : hostAddress(rule.dst),
      port: rule.dport,
      protocol: rule.protocol,
      nodePort,
    });
  }
  return out;
}

/** `shop/checkout:http (10.101.37.214:80/tcp)`: a service port and its ClusterIP, for messages. */
export function describeService(name: string | null, address: string | null, port: string | null, protocol: string | null, fallback: string): string {
  const where = address ? `${address}${port ? `:${port}` : ''}${protocol ? `/${protocol}` : ''}` : null;
  return `${name ?? fallback}${where ? ` (ClusterIP ${where})` : ''}`;
}

export interface ProbabilityProblem {
  endpoint: KubeEndpoint;
  expected: number | null;
  /** What is wrong with it, in words. */
  problem: string;
}

/**
 * The endpoints whose probability breaks the equal share: endpoint i of n must carry 1/(n-i)
 * as kube-proxy rounds it (within `tolerance`), the last one none. Empty for a sequence kube-proxy wrote.
 */
export function probabilityProblems(endpoints: readonly KubeEndpoint[], tolerance = PROBABILITY_TOLERANCE): ProbabilityProblem[] {
  const problems: ProbabilityProblem[] = [];
  const n = endpoints.length;
  for (const ep of endpoints) {
    const expected = expectedProbability(ep.index, n);
    const p = ep.probability;
    if (expected === null) {
      if (p !== null && Math.abs(p - 1) > tolerance) {
        problems.push({ endpoint: ep, expected, problem: `the last endpoint has probability ${p.toFixed(11)}: ${formatShare(1 - p)} of the remaining packets match no endpoint` });
      }
    } else if (p === null) {
      problems.push({ endpoint: ep, expected, problem: `endpoint ${ep.index + 1} of ${n} has no probability and takes every packet: the ${n - ep.index - 1} after it get none` });
    } else if (!probabilityFits(p, n - ep.index, tolerance)) {
      problems.push({ endpoint: ep, expected, problem: `endpoint ${ep.index + 1} of ${n} has probability ${p.toFixed(11)} where kube-proxy writes 1/${n - ep.index} = ${expected.toFixed(11)}` });
    }
  }
  return problems;
}

/** Share of all new connections each endpoint gets with the probabilities as saved. */
export function endpointShares(endpoints: readonly KubeEndpoint[]): number[] {
  let remaining = 1;
  return endpoints.map((ep) => {
    const p = ep.probability === null ? 1 : Math.min(1, Math.max(0, ep.probability));
    const share = remaining * p;
    remaining -= share;
    return share;
  });
}

/** A share as a percentage for messages: 33.3%, 0.0012%. */
export function formatShare(x: number): string {
  return `${(x * 100).toFixed(x < 0.01 ? 4 : 1)}%`;
}

