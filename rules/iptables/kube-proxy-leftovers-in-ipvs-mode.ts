/**
 * iptables/kube-proxy-leftovers-in-ipvs-mode: kube-proxy runs in IPVS mode (kube-ipvs0 and
 * virtual services exist, nothing says another mode runs) but the nat table still holds the
 * iptables-mode service chains KUBE-SVC-* / KUBE-SEP-* from before the switch.
 */
import { ChainGraph } from '../../analyzer/rules/lib/iptables-graph.js';
import { IPTABLES_SOURCES, chainLine, eachRuleset, ruleLine, tableEvidence } from '../../analyzer/rules/lib/iptables-ruleset.js';
import { kubeProxyModes, wantsIpvs, type KubeProxyMode } from '../../analyzer/rules/lib/kube-proxy-mode.js';
import { serviceNameOfComment } from '../../analyzer/rules/lib/kube-proxy-services.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/kube-proxy-leftovers-in-ipvs-mode',
  title: 'iptables-mode service chains remain on a node whose kube-proxy runs in IPVS mode',
  severity: 'medium',
  category: 'iptables',
  description:
    'When kube-proxy is switched from iptables to IPVS mode it does not remove the KUBE-SVC-* and KUBE-SEP-* chains the iptables mode wrote ' +
    '(newer versions no longer clean up the other mode on start). They hold the endpoints of the day of the switch: nothing updates them, ' +
    'they bloat every iptables-restore, and anything that jumps to them again (a restored rules file, a restart in the wrong mode) sends ' +
    'Service traffic to pods that no longer exist. Their presence next to IPVS state also misleads whoever debugs the node.',
  remediation:
    'Let kube-proxy remove the iptables-mode rules once (it leaves IPVS state alone), then restart it:\n' +
    '  kube-proxy --cleanup --proxy-mode=iptables   # or: iptables-save | grep -v -E "KUBE-(SVC|SEP|SVL|EXT|FW|XLB)-" | iptables-restore\n' +
    '  kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=<node>\n' +
    'Do it in a maintenance window: iptables-restore of the whole nat table briefly disturbs NAT.',
  references: [
    'https://kubernetes.io/docs/reference/networking/virtual-ips/#proxy-mode-ipvs',
    'https://github.com/kubernetes/kubernetes/blob/master/pkg/proxy/ipvs/README.md',
  ],
  sources: [IPTABLES_SOURCES, 'ipvsadm|ip-link'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const IPTABLES_MODE_CHAIN = /^KUBE-(SVC|SEP)-/;

/** The IPVS facts in a few words: `9 virtual services, kube-ipvs0 (dummy), kube-proxy logged "Using ipvs Proxier"`. */
function modeSummary(mode: KubeProxyMode): string {
  const parts = mode.evidence.filter((e) => /^(IPVS virtual services|device )/.test(e)).map((e) => e.replace(/^device /, ''));
  if (mode.configured === 'ipvs') parts.push('configured mode ipvs');
  if (mode.running === 'ipvs') parts.push('kube-proxy logged "Using ipvs Proxier"');
  return parts.join(', ') || 'IPVS state present';
}

export function run(ctx: RuleContext): RuleFinding[] {
  const modes = kubeProxyModes(ctx.db, ctx.nodeIds);
  const findings: RuleFinding[] = [];
  // IPVS state on the node, and nothing saying kube-proxy actually runs another mode
  const ipvsNodes = ctx.nodeIds.filter((id) => {
    const mode = modes.get(id);
    return !!mode && mode.ipvsState && wantsIpvs(mode) && (mode.running === null || mode.running === 'ipvs');
  });
  const selection = { tables: ['nat'], families: ['ipv4'] as const, chains: ['KUBE-SVC-*', 'KUBE-SEP-*', 'KUBE-SERVICES'], targets: ['KUBE-SVC-*', 'KUBE-SEP-*'] };
  for (const rs of eachRuleset(ctx.db, ipvsNodes, selection)) {
    const mode = modes.get(rs.nodeId) as KubeProxyMode;
    const nat = rs.tables.get('nat');
    if (!nat) continue;
    const leftovers = [...nat.chains.values()].filter((c) => IPTABLES_MODE_CHAIN.test(c.name));
    if (leftovers.length === 0) continue;
    const graph = new ChainGraph(nat);
    const services = nat.chain('KUBE-SERVICES')?.rules ?? [];
    const ipvsStyle = services.some((r) => r.matchSet?.includes('KUBE-CLUSTER-IP'));
    const liveJumps = services.filter((r) => r.target !== null && r.target.startsWith('KUBE-SVC-'));
    // KUBE-SERVICES written by the iptables proxier: that mode is the live one, the IPVS state the leftover
    if (liveJumps.length > 0 && !ipvsStyle) continue;

    const svc = leftovers.filter((c) => c.name.startsWith('KUBE-SVC-'));
    const sep = leftovers.filter((c) => c.name.startsWith('KUBE-SEP-'));
    const names = [...new Set(leftovers.flatMap((c) => c.rules.map((r) => serviceNameOfComment(r.comment))).filter((n): n is string => n !== null))];
    const referenced = leftovers.flatMap((c) => graph.callers(c.name).filter((e) => !IPTABLES_MODE_CHAIN.test(e.from)).map((e) => e.rule));
    const lines = [
      ...leftovers.map(chainLine),
      ...referenced.map(ruleLine),
      ...leftovers.flatMap((c) => c.rules.map(ruleLine)),
    ];
    findings.push({
      node_id: rs.nodeId,
      resource: `${rs.label ? `${rs.label}:` : ''}nat/KUBE-SVC-*,KUBE-SEP-*`,
      message:
        `kube-proxy runs in IPVS mode (${modeSummary(mode)}) but ` +
        `${svc.length} KUBE-SVC-* and ${sep.length} KUBE-SEP-* chain(s) of the iptables mode remain in the nat table` +
        `${names.length ? ` (services ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, ${names.length - 5} more` : ''})` : ''}; ` +
        (referenced.length
          ? `${referenced.length} rule(s) outside them still jump to them, so some traffic is still DNATed by stale iptables rules.`
          : 'nothing jumps to them any more: they are stale, never updated, and will misroute traffic if anything jumps to them again.'),
      evidence: [...mode.evidence.map((e) => `# IPVS mode: ${e}`), tableEvidence(rs, 'nat', lines)].join('\n'),
    });
  }
  return findings;
}
