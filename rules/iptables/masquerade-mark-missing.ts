/**
 * iptables/masquerade-mark-missing: kube-proxy marks Service traffic that needs SNAT with
 * KUBE-MARK-MASQ (0x4000/0x4000 by default) and masquerades marked packets in KUBE-POSTROUTING.
 * Verbatim, kube-proxy 1.20+ and before:
 *
 *   -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
 *   -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
 *   -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
 *
 *   -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE
 *
 * Fires when KUBE-POSTROUTING exists but no rule masquerades marked packets, or POSTROUTING
 * never reaches it.
 */
import { ChainGraph } from '../../analyzer/rules/lib/iptables-graph.js';
import { IPTABLES_SOURCES, chainLine, chainResource, eachRuleset, ruleLine, tableEvidence, type IptablesRule } from '../../analyzer/rules/lib/iptables-ruleset.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/masquerade-mark-missing',
  title: 'kube-proxy marks traffic for SNAT but nothing masquerades it',
  severity: 'medium',
  category: 'iptables',
  description:
    'kube-proxy sends Service traffic that must be source-NATed (from outside the pod network to a ClusterIP, NodePort traffic, ' +
    'hairpin traffic of a pod to its own Service) through KUBE-MARK-MASQ, which sets the mark 0x4000, and masquerades marked packets ' +
    'in KUBE-POSTROUTING. Without that MASQUERADE (a hand edit, a partial restore, another tool flushing the rule) or without the jump ' +
    'from POSTROUTING, replies go straight from the pod to the client with the pod IP as source and are dropped: NodePorts and ' +
    'ClusterIPs time out from other nodes and pods cannot reach themselves through their Service.',
  remediation:
    'Restart kube-proxy on the node so it rewrites KUBE-POSTROUTING:\n' +
    '  kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=<node>\n' +
    'then check: iptables -t nat -S KUBE-POSTROUTING; iptables -t nat -S POSTROUTING | grep KUBE-POSTROUTING. ' +
    'If the rule disappears again, find the script or firewall manager (firewalld reload, iptables-restore of an old file) that removes it.',
  references: ['https://kubernetes.io/docs/reference/networking/virtual-ips/', 'https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/'],
  sources: [IPTABLES_SOURCES],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const DEFAULT_MARK = '0x4000/0x4000';

/** `0x00004000/0x4000` -> `0x4000/0x4000`: marks compared by value. */
function normaliseMark(mark: string): string {
  const [value, mask] = mark.split('/');
  const hex = (s: string | undefined) => (s === undefined ? '' : `0x${Number.parseInt(s, 16).toString(16)}`);
  return mask === undefined ? hex(value) : `${hex(value)}/${hex(mask)}`;
}

const ONLY_COMMENT = (rule: IptablesRule) =>
  rule.src === null && rule.dst === null && rule.protocol === null && rule.inIface === null && rule.outIface === null && rule.matchSet === null && (rule.matches === null || rule.matches === 'comment');

/** The rule that masquerades packets carrying `mark`, or null. */
function masqueradeForMark(rules: readonly IptablesRule[], mark: string): IptablesRule | null {
  let unmarkedReturned = false;
  for (const rule of rules) {
    const ruleMark = rule.mark === null ? null : rule.mark.startsWith('!') ? `!${normaliseMark(rule.mark.slice(1))}` : normaliseMark(rule.mark);
    if (rule.target === 'RETURN' && ruleMark === `!${mark}` && rule.src === null && rule.dst === null) unmarkedReturned = true;
    if (rule.target !== 'MASQUERADE') continue;
    if (ruleMark === mark) return rule;
    if (ruleMark === null && unmarkedReturned && ONLY_COMMENT(rule)) return rule;
  }
  return null;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const selection = { tables: ['nat'], chains: ['POSTROUTING', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'], targets: ['KUBE-POSTROUTING'] };
  for (const rs of eachRuleset(ctx.db, ctx.nodeIds, selection)) {
    const nat = rs.tables.get('nat');
    const post = nat?.chain('KUBE-POSTROUTING');
    if (!nat || !post) continue;
    const markRule = nat.chain('KUBE-MARK-MASQ')?.rules.find((r) => r.target === 'MARK' && r.setMark !== null) ?? null;
    const mark = normaliseMark(markRule?.setMark ?? DEFAULT_MARK);
    const graph = new ChainGraph(nat);
    const masq = masqueradeForMark(post.rules, mark);
    // a jump from a user chain counts as reaching it: that chain's own callers were not read
    const reached = graph.callers('KUBE-POSTROUTING').some((e) => e.from === 'POSTROUTING' || !nat.chain(e.from)?.builtin);
    if (masq && reached) continue;

    const problems: string[] = [];
    if (!masq) problems.push(`no rule of KUBE-POSTROUTING masquerades packets marked ${mark}${post.rules.length === 0 ? ' (the chain is empty)' : ''}`);
    if (!reached) problems.push('POSTROUTING never jumps to KUBE-POSTROUTING');
    const lines = [
      ...(nat.chain('POSTROUTING')?.rules ?? []).filter((r) => r.target === 'KUBE-POSTROUTING').map(ruleLine),
      ...(markRule ? [ruleLine(markRule)] : []),
      chainLine(post),
      ...post.rules.map(ruleLine),
    ];
    findings.push({
      node_id: rs.nodeId,
      resource: chainResource(rs, 'nat', 'KUBE-POSTROUTING'),
      message: `kube-proxy marks Service traffic needing SNAT with ${mark} (KUBE-MARK-MASQ) but ${problems.join(' and ')}: replies to NodePort and hairpin Service traffic carry the pod IP and are dropped.`,
      evidence: tableEvidence(rs, 'nat', lines),
    });
  }
  return findings;
}
