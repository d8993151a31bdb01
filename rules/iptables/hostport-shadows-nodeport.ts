/**
 * iptables/hostport-shadows-nodeport: a pod's hostPort (CNI portmap: CNI-HOSTPORT-DNAT ->
 * CNI-DN-* -> DNAT) uses the same protocol and port as a Service NodePort (KUBE-NODEPORTS, or
 * kube-proxy IPVS mode's KUBE-NODE-PORT-* ip sets). Both DNAT traffic to a local address on that
 * port; the one PREROUTING reaches first wins and the other is silently unreachable on this node.
 */
import { ChainGraph } from '../../analyzer/rules/lib/iptables-graph.js';
import { portRanges } from '../../analyzer/rules/lib/iptables-match.js';
import { IPTABLES_SOURCES, eachRuleset, ruleLine, ruleResource, tableEvidence, type IptablesRule, type IptablesTable } from '../../analyzer/rules/lib/iptables-ruleset.js';
import { serviceNameOfComment } from '../../analyzer/rules/lib/kube-proxy-services.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/hostport-shadows-nodeport',
  title: "A pod's hostPort uses the same port as a Service NodePort",
  severity: 'medium',
  category: 'iptables',
  description:
    'A hostPort is implemented by the CNI portmap plugin as DNAT rules (CNI-HOSTPORT-DNAT -> CNI-DN-*) for traffic to any local address on that port; ' +
    'a NodePort by kube-proxy in KUBE-NODEPORTS (or IPVS ip sets), also for local addresses. The scheduler checks hostPorts against each other but not ' +
    'against NodePorts, so both can take the same port. Whichever chain PREROUTING reaches first wins: portmap usually inserts its jump before ' +
    'KUBE-SERVICES, so the NodePort silently goes to the hostPort pod on this node (or the other way round) — the "NodePort works on some nodes only" incident.',
  remediation:
    'Give one of them another port: change the pod\'s hostPort, or the Service\'s nodePort (kubectl -n <ns> edit svc <name>). ' +
    'To keep them apart for good, keep hostPorts outside the NodePort range (--service-node-port-range, default 30000-32767). Find the pod:\n' +
    '  kubectl get pods -A -o jsonpath=\'{range .items[*]}{.metadata.namespace}/{.metadata.name} {.spec.containers[*].ports[*].hostPort}{"\\n"}{end}\' | grep <port>',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/overview/#services',
    'https://www.cni.dev/plugins/current/meta/portmap/',
  ],
  sources: [IPTABLES_SOURCES],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface NodePort {
  protocol: string;
  port: number;
  /** Service port name from kube-proxy's comment, when there is one. */
  name: string | null;
  /** The KUBE-NODEPORTS rule, or the ip set member as `add KUBE-NODE-PORT-TCP 30080`. */
  evidence: string;
  fromIpset: boolean;
}

function singlePorts(dport: string | null): number[] {
  if (dport === null || dport.startsWith('!')) return [];
  const ranges = portRanges(dport);
  if (!ranges) return [];
  // a hostPort or NodePort rule names single ports; ranges (rare) are expanded only when small
  return ranges.flatMap(([lo, hi]) => (hi - lo > 64 ? [] : Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)));
}

function iptablesNodePorts(nat: IptablesTable): NodePort[] {
  const out: NodePort[] = [];
  for (const rule of nat.chain('KUBE-NODEPORTS')?.rules ?? []) {
    if (rule.protocol === null || rule.protocol.startsWith('!') || rule.target === 'KUBE-MARK-MASQ') continue;
    for (const port of singlePorts(rule.dport)) {
      out.push({ protocol: rule.protocol.toLowerCase(), port, name: serviceNameOfComment(rule.comment), evidence: ruleLine(rule), fromIpset: false });
    }
  }
  return out;
}

function ipsetNodePorts(ctx: RuleContext, nodeId: number): NodePort[] {
  try {
    const rows = ctx.db
      .prepare(`SELECT name, member FROM ipset_members WHERE node_id = ? AND name IN ('KUBE-NODE-PORT-TCP', 'KUBE-NODE-PORT-UDP', 'KUBE-NODE-PORT-SCTP')`)
      .all(nodeId) as { name: string; member: string }[];
    return rows
      .filter((r) => /^\d+$/.test(r.member))
      .map((r) => ({ protocol: r.name.slice('KUBE-NODE-PORT-'.length).toLowerCase(), port: Number(r.member), name: null, evidence: `add ${r.name} ${r.member}`, fromIpset: true }));
  } catch {
    return [];
  }
}

interface HostPort {
  protocol: string;
  port: number;
  rule: IptablesRule;
}

/** portmap's DNAT rules: in CNI-DN-* chains (and directly in CNI-HOSTPORT-DNAT for old portmap). */
function hostPorts(nat: IptablesTable): HostPort[] {
  const out: HostPort[] = [];
  for (const chain of nat.chains.values()) {
    if (!chain.name.startsWith('CNI-DN-') && chain.name !== 'CNI-HOSTPORT-DNAT') continue;
    for (const rule of chain.rules) {
      if (rule.target !== 'DNAT' || rule.protocol === null || rule.protocol.startsWith('!')) continue;
      for (const port of singlePorts(rule.dport)) out.push({ protocol: rule.protocol.toLowerCase(), port, rule });
    }
  }
  return out;
}

/** Which of the two PREROUTING reaches first, in words. */
function whoWins(nat: IptablesTable, ipvs: boolean): string {
  const pre = nat.chain('PREROUTING')?.rules ?? [];
  const graph = new ChainGraph(nat);
  const first = (root: string) => pre.find((r) => r.target !== null && graph.jumpsToChain(r) && graph.reachableFrom([r.target]).has(root))?.position ?? null;
  const hostport = first('CNI-HOSTPORT-DNAT');
  const nodeport = first('KUBE-NODEPORTS');
  if (hostport !== null && (nodeport === null || hostport < nodeport)) {
    const other = nodeport !== null ? `KUBE-SERVICES (rule ${nodeport})` : ipvs ? 'IPVS (which sees packets only after PREROUTING)' : 'kube-proxy';
    return `PREROUTING reaches CNI-HOSTPORT-DNAT (rule ${hostport}) before ${other}: the hostPort pod takes the NodePort's traffic on this node`;
  }
  if (nodeport !== null && hostport !== null) return `PREROUTING reaches KUBE-SERVICES (rule ${nodeport}) before CNI-HOSTPORT-DNAT (rule ${hostport}): the hostPort is unreachable on this node`;
  return 'both DNAT the same local port: only one of them can receive it';
}

export function run(ctx: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const selection = { tables: ['nat'], chains: ['CNI-DN-*', 'CNI-HOSTPORT-DNAT', 'KUBE-NODEPORTS', 'PREROUTING'], targets: ['KUBE-NODEPORTS'] };
  for (const rs of eachRuleset(ctx.db, ctx.nodeIds, selection)) {
    const nat = rs.tables.get('nat');
    if (!nat) continue;
    const hps = hostPorts(nat);
    if (hps.length === 0) continue;
    const nodePorts = [...iptablesNodePorts(nat), ...(rs.family === 'ipv4' && rs.label === '' ? ipsetNodePorts(ctx, rs.nodeId) : [])];
    const reported = new Set<string>();
    for (const hp of hps) {
      const clash = nodePorts.filter((np) => np.protocol === hp.protocol && np.port === hp.port);
      const key = `${hp.protocol}/${hp.port}`;
      if (clash.length === 0 || reported.has(key)) continue;
      reported.add(key);
      const names = [...new Set(clash.map((c) => c.name).filter((n): n is string => n !== null))];
      findings.push({
        node_id: rs.nodeId,
        resource: ruleResource(rs, hp.rule),
        message:
          `hostPort ${hp.port}/${hp.protocol} (portmap DNAT to ${hp.rule.toDestination ?? '?'}) is also NodePort ${hp.port}/${hp.protocol}` +
          `${names.length ? ` of ${names.join(', ')}` : ''}; ${whoWins(nat, clash.every((c) => c.fromIpset))}.`,
        evidence: [
          tableEvidence(rs, 'nat', [ruleLine(hp.rule), ...clash.filter((c) => !c.fromIpset).map((c) => c.evidence)]),
          ...(clash.some((c) => c.fromIpset) ? [['# ipset save', ...clash.filter((c) => c.fromIpset).map((c) => c.evidence)].join('\n')] : []),
        ].join('\n\n'),
      });
    }
  }
  return findings;
}
