/**
 * iptables/endpoint-probability-invalid: kube-proxy spreads a service's new connections evenly
 * by giving endpoint i (0-based) of n the probability 1/(n-i) and the last one none; any other
 * sequence (a hand edit, a rule deleted or inserted by something else, a half-applied sync)
 * sends more to some endpoints, none to others, or lets packets fall through un-DNATed.
 */
import { ChainGraph } from '../../analyzer/rules/lib/iptables-graph.js';
import { IPTABLES_SOURCES, chainLine, eachRuleset, ruleLine, ruleResource, tableEvidence } from '../../analyzer/rules/lib/iptables-ruleset.js';
import {
  PROBABILITY_TOLERANCE,
  describeService,
  endpointShares,
  expectedProbability,
  formatShare,
  kubeServices,
  probabilityProblems,
} from '../../analyzer/rules/lib/kube-proxy-services.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/endpoint-probability-invalid',
  title: "A service chain's endpoint probabilities do not split traffic evenly",
  severity: 'low',
  category: 'iptables',
  description:
    'In iptables mode kube-proxy picks a backend with a chain of "-m statistic --mode random --probability" rules: of n endpoints ' +
    'the first gets 1/n, the second 1/(n-1) of what is left, ..., the last takes the rest without a probability, so each gets 1/n. ' +
    'A KUBE-SVC chain whose sequence differs was not written (or no longer is as written) by kube-proxy: some pods get more ' +
    'connections than others, an endpoint gets none, or packets fall through the chain without DNAT and time out. ' +
    'It happens after hand edits, when a rule is deleted or inserted in the chain by another tool, or after an interrupted iptables-restore.',
  remediation:
    'Let kube-proxy rewrite its chains: restart it on the node (it performs a full sync on start):\n' +
    '  kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=<node>\n' +
    'Then compare the chain with the service\'s endpoints:\n' +
    '  iptables -t nat -S <KUBE-SVC-chain>; kubectl -n <ns> get endpointslices -l kubernetes.io/service-name=<name>\n' +
    'and find what else edits the nat table (scripts, configuration management) if the sequence breaks again.',
  references: [
    'https://kubernetes.io/docs/reference/networking/virtual-ips/#proxy-mode-iptables',
    'https://ipset.netfilter.org/iptables-extensions.man.html#lbCD',
  ],
  sources: [IPTABLES_SOURCES],
  parameters: {
    tolerance: {
      default: PROBABILITY_TOLERANCE,
      description: 'largest accepted difference between a saved probability and 1/(n-i) as kube-proxy rounds it (10 decimals, 5 in old releases; the kernel keeps 31 bits)',
    },
  },
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  const tolerance = Number(ctx.params.tolerance ?? PROBABILITY_TOLERANCE);
  const findings: RuleFinding[] = [];
  const sequences = ['KUBE-SVC-*', 'KUBE-SVL-*', 'KUBE-XLB-*'];
  for (const rs of eachRuleset(ctx.db, ctx.nodeIds, { tables: ['nat'], chains: sequences, targets: sequences })) {
    const nat = rs.tables.get('nat');
    if (!nat) continue;
    for (const svc of kubeServices(nat, new ChainGraph(nat))) {
      const problems = probabilityProblems(svc.endpoints, tolerance);
      if (problems.length === 0) continue;
      const n = svc.endpoints.length;
      const shares = endpointShares(svc.endpoints);
      const chain = nat.chain(svc.chain);
      const lines = [
        ...(chain ? [chainLine(chain)] : []),
        ...svc.endpoints.map((ep, i) => {
          const expected = expectedProbability(ep.index, n);
          const due = expected === null ? 'none (last)' : expected.toFixed(11);
          return `${ruleLine(ep.rule)}    # endpoint ${i + 1}/${n}: due ${due}, gets ${formatShare(shares[i] ?? 0)} of new connections`;
        }),
      ];
      const unmatched = 1 - shares.reduce((a, b) => a + b, 0);
      if (unmatched > 1e-9) lines.push(`# ${formatShare(unmatched)} of new connections match no endpoint rule and leave ${svc.chain} without DNAT`);
      findings.push({
        node_id: rs.nodeId,
        resource: ruleResource(rs, problems[0]!.endpoint.rule),
        message:
          `${svc.chain} of service ${describeService(svc.name, svc.clusterIp, svc.port, svc.protocol, svc.chain)} does not give each of its ${n} endpoints ` +
          `1/${n} of new connections: ${problems.map((p) => p.problem).join('; ')}.`,
        evidence: tableEvidence(rs, 'nat', lines),
      });
    }
  }
  return findings;
}
