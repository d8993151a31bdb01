/**
 * iptables/service-without-endpoints: a Service port kube-proxy (iptables mode) programs with no
 * endpoint. Two shapes, merged into one finding per service port:
 *   - nat: a KUBE-SVC-* chain that traffic reaches but that jumps to no KUBE-SEP-* chain;
 *   - filter: kube-proxy's `"ns/name:port has no endpoints" -j REJECT` in KUBE-SERVICES
 *     (ClusterIP, external IP) or KUBE-EXTERNAL-SERVICES (NodePort).
 */
import { ChainGraph } from '../../analyzer/rules/lib/iptables-graph.js';
import {
  IPTABLES_SOURCES,
  chainLine,
  chainResource,
  eachRuleset,
  ruleLine,
  ruleResource,
  tableEvidence,
  type Ruleset,
} from '../../analyzer/rules/lib/iptables-ruleset.js';
import { describeService, kubeServices, noEndpointsRejects } from '../../analyzer/rules/lib/kube-proxy-services.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/service-without-endpoints',
  title: 'A Service has no endpoints in kube-proxy\'s rules',
  severity: 'medium',
  category: 'iptables',
  description:
    'kube-proxy programs every Service port it knows. When the Service has no ready endpoint it writes a REJECT rule ' +
    '("ns/name:port has no endpoints") in the filter table, or (older versions, or an interrupted sync) leaves a KUBE-SVC-* chain ' +
    'that jumps to no KUBE-SEP-* endpoint chain. Clients then get "connection refused" or time out although the Service exists: ' +
    'its selector matches no pod, the pods are not Ready (failing readiness probe), or the endpoints were never synced to this node.',
  remediation:
    'Check the Service\'s endpoints and why its pods are not in them:\n' +
    '  kubectl -n <ns> get endpointslices -l kubernetes.io/service-name=<name> -o wide\n' +
    '  kubectl -n <ns> get svc <name> -o jsonpath=\'{.spec.selector}\'; kubectl -n <ns> get pods -l <selector> -o wide\n' +
    '  kubectl -n <ns> describe pod <pod>   # readiness probe failures\n' +
    'If the endpoints exist but this node lacks them, look at kube-proxy\'s log on the node (sync errors, apiserver unreachable) and restart it:\n' +
    '  kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=<node>',
  references: [
    'https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints',
    'https://kubernetes.io/docs/reference/networking/virtual-ips/',
  ],
  sources: [IPTABLES_SOURCES],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface Problem {
  name: string;
  resource: string;
  /** ClusterIP (or external IP) with port and protocol, when a rule shows it. */
  address: string | null;
  port: string | null;
  protocol: string | null;
  reasons: string[];
  evidence: { table: string; lines: string[] }[];
}

function problemsOf(rs: Ruleset): Problem[] {
  const byName = new Map<string, Problem>();
  const problemFor = (name: string, resource: string) => {
    let p = byName.get(name);
    if (!p) byName.set(name, (p = { name, resource, address: null, port: null, protocol: null, reasons: [], evidence: [] }));
    return p;
  };

  const nat = rs.tables.get('nat');
  if (nat) {
    const graph = new ChainGraph(nat);
    for (const svc of kubeServices(nat, graph)) {
      if (!svc.chain.startsWith('KUBE-SVC-') || svc.endpoints.length > 0 || svc.affinityRules.length > 0) continue;
      const chain = nat.chain(svc.chain);
      // an empty chain nothing jumps to is dead weight, not a service anyone can reach
      if (!chain || (svc.entries.length === 0 && chain.rules.length === 0)) continue;
      const p = problemFor(svc.name ?? svc.chain, chainResource(rs, 'nat', svc.chain));
      p.address ??= svc.clusterIp;
      p.port ??= svc.port;
      p.protocol ??= svc.protocol;
      p.reasons.push(`its chain ${svc.chain} jumps to no KUBE-SEP-* endpoint chain, so connections to it are not DNATed and time out`);
      p.evidence.push({
        table: 'nat',
        lines: [
          ...svc.entries.map(ruleLine),
          chainLine(chain),
          ...chain.rules.map(ruleLine),
          `# no rule of ${svc.chain} jumps to a KUBE-SEP-* chain`,
        ],
      });
    }
  }

  const filter = rs.tables.get('filter');
  if (filter) {
    // the ClusterIP rule names the finding before the NodePort one
    for (const reject of noEndpointsRejects(filter).sort((a, b) => Number(a.nodePort) - Number(b.nodePort))) {
      const p = problemFor(reject.name ?? reject.rule.spec, ruleResource(rs, reject.rule));
      if (!reject.nodePort) {
        p.address ??= reject.address;
        p.port ??= reject.port;
      }
      p.protocol ??= reject.protocol;
      const what = reject.nodePort ? `NodePort ${reject.port ?? '?'}` : `${reject.address ?? '?'}:${reject.port ?? '?'}`;
      p.reasons.push(`kube-proxy rejects connections to ${what} (filter ${reject.rule.chain} rule ${reject.rule.position}: "has no endpoints")`);
      const block = p.evidence.find((e) => e.table === 'filter');
      if (block) block.lines.push(ruleLine(reject.rule));
      else p.evidence.push({ table: 'filter', lines: [ruleLine(reject.rule)] });
    }
  }
  return [...byName.values()];
}

export function run(ctx: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  // the service chains, the rules leading into them and the filter REJECTs: a small part of a large node's rules
  for (const rs of eachRuleset(ctx.db, ctx.nodeIds, { tables: ['nat', 'filter'], chains: ['KUBE-SVC-*'], targets: ['KUBE-SVC-*', 'REJECT'] })) {
    for (const p of problemsOf(rs)) {
      findings.push({
        node_id: rs.nodeId,
        resource: p.resource,
        message: `Service ${describeService(p.name, p.address, p.port, p.protocol, p.name)} has no endpoints: ${p.reasons.join('; ')}.`,
        evidence: p.evidence.map((e) => tableEvidence(rs, e.table, e.lines)).join('\n\n'),
      });
    }
  }
  return findings;
}
