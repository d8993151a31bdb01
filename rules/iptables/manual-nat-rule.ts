/**
 * iptables/manual-nat-rule: address translation (DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP) that
 * no known manager wrote: in a built-in chain of the nat table and not one of the few rules
 * docker or flannel put there, or in a user chain whose name belongs to no known manager.
 */
import { ChainGraph, NAT_TARGETS } from '../../analyzer/rules/lib/iptables-graph.js';
import { IPTABLES_SOURCES, eachRuleset, loadRuleset, ruleLine, ruleResource, tableEvidence, type IptablesRule } from '../../analyzer/rules/lib/iptables-ruleset.js';
import { hostAddress } from '../../analyzer/rules/lib/kube-proxy-services.js';
import { loadAddrs } from '../../analyzer/rules/lib/ip-text.js';
import { builtinRuleManager, chainManager } from '../../analyzer/rules/lib/netfilter-managers.js';
import { podNetworks } from '../../analyzer/rules/lib/pod-cidr.js';
import { cidrContains } from '../../analyzer/parsers/shared/cidr.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/manual-nat-rule',
  title: 'A NAT rule was added by hand, outside the chains kube-proxy, docker, flannel or CNI manage',
  severity: 'medium',
  category: 'iptables',
  description:
    'kube-proxy, docker, flannel and the CNI plugins keep their address translation in their own chains (KUBE-*, DOCKER, FLANNEL-*, CNI-*) ' +
    'and rewrite them on every sync. A DNAT/SNAT/MASQUERADE/REDIRECT rule in a built-in chain (PREROUTING, OUTPUT, POSTROUTING) or in a chain ' +
    'no known program owns was added by a person or a script: it is not in any manifest, vanishes on reboot or on "iptables -F", ' +
    'may run before the Service rules and capture their traffic, and usually points at a pod IP that changes when the pod is rescheduled ' +
    '(a hand-made DNAT to a MySQL pod works until the pod moves, then the port silently goes nowhere).',
  remediation:
    'Replace the rule by a Kubernetes object: a NodePort or LoadBalancer Service, a Service with externalIPs, or a hostPort on the pod. ' +
    'Then delete the rule by its specification (see the evidence), e.g.:\n' +
    '  iptables -t nat -D PREROUTING -d 192.168.10.25/32 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 10.244.4.15:3306\n' +
    'and remove it from wherever it is restored at boot (/etc/sysconfig/iptables, /etc/iptables/rules.v4, rc.local, a systemd unit).',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
    'https://kubernetes.io/docs/concepts/services-networking/service/#external-ips',
  ],
  sources: [IPTABLES_SOURCES],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

function whatItDoes(rule: IptablesRule): string {
  const host = (cidr: string) => hostAddress(cidr) ?? cidr;
  const dst = rule.dst ? `${rule.dstNegated ? 'anything but ' : ''}${host(rule.dst)}` : null;
  const parts = [
    `${rule.protocol ? `${rule.protocol} ` : ''}traffic`,
    rule.src ? `from ${rule.srcNegated ? 'anything but ' : ''}${host(rule.src)}` : null,
    dst || rule.dport ? `for ${dst ?? 'any address'}${rule.dport ? `:${rule.dport}` : ''}` : null,
    rule.inIface ? `in on ${rule.inIface}` : null,
    rule.outIface ? `out on ${rule.outIface}` : null,
  ];
  const traffic = parts.filter(Boolean).join(' ');
  switch (rule.target) {
    case 'DNAT':
      return `DNATs ${traffic} to ${rule.toDestination ?? '?'}`;
    case 'SNAT':
      return `SNATs ${traffic} to ${rule.toSource ?? '?'}`;
    case 'MASQUERADE':
      return `masquerades ${traffic}`;
    case 'REDIRECT':
      return `redirects ${traffic} to local port ${rule.toPorts ?? '(same)'}`;
    default:
      return `translates ${traffic} (${rule.target})`;
  }
}

/** The pod network the DNAT destination lies in, if any: such a rule breaks when the pod moves. */
function podTarget(rule: IptablesRule, pods: readonly string[]): string | null {
  if (rule.target !== 'DNAT' || !rule.toDestination) return null;
  const address = rule.toDestination.replace(/^\[([^\]]+)\].*$/, '$1').replace(/:\d+(-\d+)?$/, '').replace(/-.*$/, '');
  return pods.find((p) => cidrContains(p, address)) ?? null;
}

/** Connected subnets per interface and node, from ip addr (absent when it was not collected). */
function interfaceSubnets(ctx: RuleContext): Map<number, Map<string, string[]>> {
  const out = new Map<number, Map<string, string[]>>();
  let addrs: ReturnType<typeof loadAddrs>;
  try {
    addrs = loadAddrs(ctx.db, "family IN ('inet', 'inet6')");
  } catch {
    return out;
  }
  for (const [nodeId, rows] of addrs) {
    const byIface = new Map<string, string[]>();
    for (const a of rows) byIface.set(a.ifname, [...(byIface.get(a.ifname) ?? []), a.cidr]);
    out.set(nodeId, byIface);
  }
  return out;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const networks = podNetworks(ctx.db, ctx.nodeIds);
  const subnets = interfaceSubnets(ctx);
  const findings: RuleFinding[] = [];
  // NAT rules only: a large node's nat table is mostly kube-proxy jumps
  for (const rs of eachRuleset(ctx.db, ctx.nodeIds, { tables: ['nat'], targets: [...NAT_TARGETS] })) {
    const nat = rs.tables.get('nat');
    if (!nat) continue;
    const pods = (networks.get(rs.nodeId) ?? []).filter((p) => p.family === rs.family).map((p) => p.cidr);
    let fullGraph: ChainGraph | null = null; // read only when a chain nobody owns holds NAT rules
    for (const chain of nat.chains.values()) {
      if (!chain.builtin && chainManager(chain.name) !== null) continue;
      for (const rule of chain.rules) {
        if (rule.target === null || !NAT_TARGETS.has(rule.target)) continue;
        if (chain.builtin && builtinRuleManager(rule, { podNetworks: pods, interfaceSubnets: subnets.get(rs.nodeId) }) !== null) continue;
        const where = chain.builtin ? `built-in chain ${chain.name}` : `chain ${chain.name}, which no known manager owns`;
        let path: IptablesRule[] | null = [];
        if (!chain.builtin) {
          fullGraph ??= new ChainGraph(loadRuleset(ctx.db, rs, { tables: ['nat'] }).tables.get('nat') ?? nat);
          path = fullGraph.pathTo(chain.name);
        }
        const notes: string[] = [];
        const pod = podTarget(rule, pods);
        if (pod) notes.push(`${rule.toDestination} is a pod address (pod network ${pod}): the rule breaks when the pod is rescheduled`);
        if (path === null) notes.push(`no built-in chain reaches ${chain.name}, so the rule is dead`);
        if (rule.packets !== null) notes.push(`it has matched ${rule.packets} packet(s)`);
        findings.push({
          node_id: rs.nodeId,
          resource: ruleResource(rs, rule),
          message: `nat ${chain.name} rule ${rule.position} ${whatItDoes(rule)}; it is in the ${where} (not kube-proxy, docker, flannel or a CNI plugin)${notes.length ? `; ${notes.join('; ')}` : ''}.`,
          evidence: tableEvidence(rs, 'nat', [...(path ?? []).map(ruleLine), ruleLine(rule)]),
        });
      }
    }
  }
  return findings;
}
