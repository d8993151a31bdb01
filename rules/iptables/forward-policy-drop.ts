/**
 * iptables/forward-policy-drop: the filter FORWARD policy is DROP (docker sets it when it starts)
 * and nothing reached from FORWARD accepts traffic from the pod network, so pod traffic that is
 * routed through the node (to other nodes' pods, to the outside) is dropped. flannel normally
 * adds the exception: FORWARD -> FLANNEL-FWD -> `-s 10.244.0.0/16 -j ACCEPT`.
 */
import { loadAddrs } from '../../analyzer/rules/lib/ip-text.js';
import { ChainGraph } from '../../analyzer/rules/lib/iptables-graph.js';
import type { RuleMatch } from '../../analyzer/rules/lib/iptables-match.js';
import { IPTABLES_SOURCES, chainLine, chainResource, eachRuleset, ruleLine, tableEvidence, type IptablesRule } from '../../analyzer/rules/lib/iptables-ruleset.js';
import { packetClass, traceVerdict, type Trace } from '../../analyzer/rules/lib/iptables-trace.js';
import { podNetworks, type PodNetwork } from '../../analyzer/rules/lib/pod-cidr.js';
import { cidrContains } from '../../analyzer/parsers/shared/cidr.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/forward-policy-drop',
  title: 'The FORWARD policy is DROP and no rule accepts pod traffic',
  severity: 'high',
  category: 'iptables',
  description:
    'Docker sets the filter FORWARD policy to DROP when it starts (it enables IP forwarding and protects the host by default). ' +
    'Pod traffic that the node routes — to pods on other nodes, to Services backed by remote pods, to the outside — traverses FORWARD, ' +
    'so it is dropped unless a rule accepts it: flannel adds FLANNEL-FWD (`-s <pod network> -j ACCEPT`, `-d <pod network> -j ACCEPT`), ' +
    'older flannel the same rules in FORWARD itself. Without them, cross-node pod traffic and pod egress silently die while same-node traffic works: ' +
    'typically after docker restarted and re-set the policy, or when flannel is down or too old to add the rules.',
  remediation:
    'Start (or fix) flannel so it re-adds its FORWARD rules, or accept the pod network explicitly (replace 10.244.0.0/16 with the pod network):\n' +
    '  iptables -A FORWARD -s 10.244.0.0/16 -j ACCEPT\n' +
    '  iptables -A FORWARD -d 10.244.0.0/16 -j ACCEPT\n' +
    'and persist it (a DOCKER-USER rule survives docker restarts: iptables -I DOCKER-USER -s 10.244.0.0/16 -j ACCEPT). ' +
    'As a stopgap: iptables -P FORWARD ACCEPT (docker resets it on restart unless daemon.json sets "ip-forward-no-drop": true on Docker 27+).',
  references: [
    'https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-on-a-router',
    'https://github.com/flannel-io/flannel/blob/master/Documentation/troubleshooting.md',
    'https://kubernetes.io/docs/concepts/cluster-administration/networking/',
  ],
  sources: [IPTABLES_SOURCES],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

/** CNIs that accept forwarded pod traffic by packet mark after their own policy chains: their verdict cannot be read from addresses. */
const MARK_BASED_CNI = /^(cali-|CILIUM_|WEAVE|ANTREA|KUBE-ROUTER)/;

function withPrefix(ifname: string, cidr: string): RuleMatch {
  return packetClass(`-s ${cidr} -i ${ifname}`);
}

export function run(ctx: RuleContext): RuleFinding[] {
  const networks = podNetworks(ctx.db, ctx.nodeIds);
  let addrs: ReturnType<typeof loadAddrs>;
  try {
    addrs = loadAddrs(ctx.db, "family IN ('inet', 'inet6')");
  } catch {
    addrs = new Map();
  }
  const findings: RuleFinding[] = [];
  for (const rs of eachRuleset(ctx.db, ctx.nodeIds, { tables: ['filter'] })) {
    const filter = rs.tables.get('filter');
    const forward = filter?.chain('FORWARD');
    if (!filter || !forward || forward.policy !== 'DROP') continue;
    const pods: PodNetwork[] = (networks.get(rs.nodeId) ?? []).filter((p) => p.family === rs.family);
    if (pods.length === 0) continue; // without the pod network there is nothing to check against
    const graph = new ChainGraph(filter);
    const reached = graph.reachableFrom(['FORWARD']);
    if ([...reached].some((c) => MARK_BASED_CNI.test(c))) continue;

    for (const pod of pods) {
      const cache = new Map();
      const bySource = traceVerdict(filter, 'FORWARD', packetClass(`-s ${pod.cidr}`), cache);
      if (bySource.verdict === 'ACCEPT') continue;
      // an interface-based exception (-i cni0 -j ACCEPT) counts when it holds for every interface carrying pod addresses
      const podIfaces = [...new Set((addrs.get(rs.nodeId) ?? []).filter((a) => cidrContains(pod.cidr, a.address)).map((a) => a.ifname))];
      const byIface: Trace[] = podIfaces.map((i) => traceVerdict(filter, 'FORWARD', withPrefix(i, pod.cidr), cache));
      if (byIface.length > 0 && byIface.every((t) => t.verdict === 'ACCEPT')) continue;

      const ending =
        bySource.verdict === 'POLICY-DROP'
          ? 'falls through to the DROP policy'
          : bySource.verdict === 'DROP' || bySource.verdict === 'REJECT'
            ? `is dropped by ${bySource.path.at(-1)?.chain} rule ${bySource.path.at(-1)?.position}`
            : 'is not accepted by any rule';
      const hasFlannel = reached.has('FLANNEL-FWD') || filter.chain('FLANNEL-FWD') !== undefined;
      const lines: string[] = [chainLine(forward), ...forward.rules.map(ruleLine)];
      const deciding: IptablesRule[] = bySource.path.filter((r) => r.chain !== 'FORWARD');
      lines.push(...deciding.map(ruleLine));
      lines.push(`# traffic from ${pod.cidr} ${ending}`, `# pod network: ${pod.from}`);
      findings.push({
        node_id: rs.nodeId,
        resource: chainResource(rs, 'filter', 'FORWARD'),
        message:
          `The filter FORWARD policy is DROP and no rule reached from FORWARD accepts traffic from the pod network ${pod.cidr}: ` +
          `routed pod traffic ${ending}` +
          (hasFlannel ? ' (FLANNEL-FWD exists but does not accept it)' : " (there are no flannel FORWARD rules: FLANNEL-FWD is missing)") +
          '.',
        evidence: tableEvidence(rs, 'filter', lines),
      });
    }
  }
  return findings;
}
