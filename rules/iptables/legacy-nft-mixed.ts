/**
 * iptables/legacy-nft-mixed: rules in both iptables backends at once. iptables 1.8 writes either
 * to the legacy x_tables backend or to nf_tables; the kernel runs both, but every tool sees only
 * the backend it was built for. Components that disagree (the host's iptables-legacy, a container
 * image's iptables-nft) split the node's rules in two halves that know nothing of each other.
 */
import { listRulesets, ruleLine, type RulesetRef } from '../../analyzer/rules/lib/iptables-ruleset.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/legacy-nft-mixed',
  title: 'Both iptables backends (legacy and nf_tables) hold rules',
  severity: 'high',
  category: 'iptables',
  description:
    'Since iptables 1.8 the same commands can drive two kernel backends: legacy (x_tables) and nf_tables. Both are active in the kernel, ' +
    'but `iptables` shows only the one it was built for. When the host (or docker) uses one and kube-proxy, flannel or the kubelet — whose images ' +
    'pick the backend at start — use the other, the node has two independent rule sets: kube-proxy\'s Service rules and docker\'s or flannel\'s ' +
    'FORWARD/NAT rules do not see each other, the order of evaluation between them is not what anyone intended, and whoever debugs with ' +
    '`iptables -L` sees half the picture. Typical symptoms: Services or pod traffic broken after an OS upgrade that switched the default backend.',
  remediation:
    'Pick one backend for every component (on current distributions: nf_tables) and make the host tools use it:\n' +
    '  update-alternatives --set iptables /usr/sbin/iptables-nft   # Debian/Ubuntu (and ip6tables, arptables, ebtables)\n' +
    'then flush the other backend and restart the components so they rewrite their rules where everyone looks:\n' +
    '  iptables-legacy-save > /root/legacy-backup.rules; iptables-legacy -F; iptables-legacy -t nat -F; iptables-legacy -X; iptables-legacy -t nat -X\n' +
    '  systemctl restart docker kubelet; kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=<node>',
  references: [
    'https://kubernetes.io/blog/2022/09/07/iptables-chains-not-api/',
    'https://github.com/kubernetes-sigs/iptables-wrappers',
    'https://wiki.nftables.org/wiki-nftables/index.php/Legacy_xtables_tools',
  ],
  // both backend dumps tell most; iptables-save (the default backend) fills in for the missing one
  sources: ['iptables-legacy-save|iptables-nft-save'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

/** Rules quoted per table and backend. */
const SAMPLE_RULES = 3;

interface BackendSummary {
  ref: RulesetRef;
  rules: number;
  /** Per table: rule count and its first rules as saved. */
  tables: { name: string; rules: number; sample: string[] }[];
}

/** Rule counts per table and the first rules of each, straight from the database (no need to read 50,000 rules to count them). */
function summarise(ctx: RuleContext, ref: RulesetRef): BackendSummary {
  const counts = ctx.db
    .prepare('SELECT table_name AS name, COUNT(*) AS rules, MIN(line) AS first FROM iptables_rules WHERE node_id = ? AND source = ? GROUP BY table_name ORDER BY first')
    .all(ref.nodeId, ref.source) as { name: string; rules: number }[];
  const firstRules = ctx.db.prepare('SELECT spec, packets, bytes FROM iptables_rules WHERE node_id = ? AND source = ? AND table_name = ? ORDER BY line LIMIT ?');
  const tables = counts.map((t) => ({
    name: t.name,
    rules: t.rules,
    sample: (firstRules.all(ref.nodeId, ref.source, t.name, SAMPLE_RULES) as { spec: string; packets: number | null; bytes: number | null }[]).map(ruleLine),
  }));
  return { ref, rules: tables.reduce((n, t) => n + t.rules, 0), tables };
}

export function run(ctx: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const byNode = new Map<number, RulesetRef[]>();
  for (const ref of listRulesets(ctx.db, ctx.nodeIds, ['ipv4'])) byNode.set(ref.nodeId, [...(byNode.get(ref.nodeId) ?? []), ref]);
  for (const [nodeId, refs] of byNode) {
    const legacy = refs.find((r) => r.backend === 'legacy');
    const nft = refs.find((r) => r.backend === 'nft');
    if (!legacy || !nft) continue;
    const summaries = [summarise(ctx, legacy), summarise(ctx, nft)];
    if (summaries.some((s) => s.rules === 0)) continue;
    const describe = (s: BackendSummary) =>
      `${s.ref.backend}: ${s.rules} rule(s) (${s.tables.map((t) => `${t.name} ${t.rules}`).join(', ')})`;
    findings.push({
      node_id: nodeId,
      resource: 'iptables backends legacy+nft',
      message: `Both iptables backends hold rules — ${summaries.map(describe).join('; ')}: components on this node write to different backends and do not see each other's rules.`,
      evidence: summaries
        .map((s) =>
          [
            `# ${s.ref.source} -c (${s.ref.backend} backend): ${s.rules} rule(s)`,
            ...s.tables.flatMap((t) => [`*${t.name}`, ...t.sample, ...(t.rules > t.sample.length ? [`... ${t.rules - t.sample.length} more rule(s)`] : [])]),
          ].join('\n'),
        )
        .join('\n\n'),
    });
  }
  return findings;
}
