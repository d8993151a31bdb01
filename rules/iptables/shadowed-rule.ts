/**
 * iptables/shadowed-rule: a rule no packet can reach, because an earlier rule of the same chain
 * matches every packet it would match and ends the chain's traversal (ACCEPT, DROP, REJECT,
 * RETURN, a NAT target, a goto). Only claimed when the earlier rule's conditions provably cover
 * the later one's (analyzer/rules/lib/iptables-match.ts): a duplicate appended by a script run
 * twice, `-j ACCEPT` before a narrower `-j DROP`, a port range before one of its ports.
 */
import { isTerminal } from '../../analyzer/rules/lib/iptables-graph.js';
import { matchCovers, parseRuleMatch, type RuleMatch } from '../../analyzer/rules/lib/iptables-match.js';
import { IPTABLES_SOURCES, eachRuleset, ruleLine, ruleResource, tableEvidence, type IptablesRule } from '../../analyzer/rules/lib/iptables-ruleset.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'iptables/shadowed-rule',
  title: 'An iptables rule can never match: an earlier rule of the chain takes all its packets',
  severity: 'low',
  category: 'iptables',
  description:
    'iptables evaluates a chain top to bottom and stops at the first rule with a terminating target. A rule whose every packet is already ' +
    'matched by an earlier ACCEPT, DROP, REJECT, RETURN, NAT or goto rule of the same chain never takes effect: a firewall exception that ' +
    'was inserted below the rule that blocks it, a DNAT that an earlier DNAT for a wider port range captures, or the same rule appended ' +
    'twice by a script that runs at every boot. The rule\'s author believes it works; it does nothing.',
  remediation:
    'Decide which of the two should win. Move the later rule above the earlier one (iptables -I CHAIN <position> ...), narrow the earlier one, ' +
    'or delete the dead rule:\n' +
    '  iptables -t <table> -D <chain> <position>\n' +
    'For duplicates, make the script that adds the rule idempotent: iptables -C <rule> || iptables -A <rule>.',
  references: ['https://ipset.netfilter.org/iptables.man.html', 'https://www.netfilter.org/documentation/HOWTO/packet-filtering-HOWTO-7.html'],
  sources: [IPTABLES_SOURCES],
  parameters: {
    max_comparisons: {
      default: 20000000,
      description: 'pairwise rule comparisons per chain before the rule stops looking (bounds the time on chains of tens of thousands of rules)',
    },
  },
} satisfies Omit<RuleMeta, 'file'>;

interface Candidate {
  rule: IptablesRule;
  match: RuleMatch;
}

/** A /32 (/128) destination, the key under which most large chains (kube-proxy's) can be looked up; read from the columns, before any parsing. */
function hostKey(rule: IptablesRule): string | null {
  return rule.dst !== null && !rule.dstNegated && /\/(32|128)$/.test(rule.dst) ? rule.dst : null;
}

/**
 * For each rule of a chain that an earlier terminal rule shadows: [shadowed, shadowing].
 * A rule is parsed only when some earlier terminal rule could cover it, and a terminal rule only
 * when rules follow it: kube-proxy's tens of thousands of two-rule chains cost almost nothing.
 */
function shadowedRules(rules: readonly IptablesRule[], budget: number): [IptablesRule, IptablesRule][] {
  const out: [IptablesRule, IptablesRule][] = [];
  // earlier terminal rules: those with a single-host destination are looked up by it, the rest are compared with every rule
  const wide: Candidate[] = [];
  const byHost = new Map<string, Candidate[]>();
  let comparisons = 0;
  rules.forEach((rule, index) => {
    const key = hostKey(rule);
    const candidates = key === null ? wide : [...wide, ...(byHost.get(key) ?? [])];
    const terminal = isTerminal(rule) && index < rules.length - 1;
    if (candidates.length === 0 && !terminal) return;
    const match = parseRuleMatch(rule.spec);
    if (!match.understood) return;
    for (const c of candidates) {
      if (++comparisons > budget) return;
      if (matchCovers(c.match, match)) {
        out.push([rule, c.rule]);
        return; // a rule that never matches shadows nothing either
      }
    }
    if (!terminal) return;
    const candidate = { rule, match };
    if (key === null) wide.push(candidate);
    else {
      const list = byHost.get(key);
      if (list) list.push(candidate);
      else byHost.set(key, [candidate]);
    }
  });
  return out;
}

function sameConditions(a: IptablesRule, b: IptablesRule): boolean {
  const cut = (spec: string) => spec.replace(/^-A \S+ /, '').replace(/ -[jg] .*$/, '');
  return cut(a.spec) === cut(b.spec);
}

export function run(ctx: RuleContext): RuleFinding[] {
  const budget = Number(ctx.params.max_comparisons ?? 20000000);
  const findings: RuleFinding[] = [];
  for (const rs of eachRuleset(ctx.db, ctx.nodeIds)) {
    for (const table of rs.tables.values()) {
      for (const chain of table.chains.values()) {
        if (chain.rules.length < 2) continue;
        for (const [dead, by] of shadowedRules(chain.rules, budget)) {
          const duplicate = sameConditions(dead, by) ? (dead.target === by.target && dead.targetArgs === by.targetArgs ? 'an exact duplicate of' : 'the same match as') : 'fully covered by';
          const counted = dead.packets ? ` (its counter shows ${dead.packets} packet(s), counted before rule ${by.position} was put above it)` : '';
          findings.push({
            node_id: rs.nodeId,
            resource: ruleResource(rs, dead),
            message:
              `${table.name} ${chain.name} rule ${dead.position} (-j ${dead.target ?? '(none)'}) can never match: it is ${duplicate} rule ${by.position}, ` +
              `which ends the chain with -${by.jumpKind === 'goto' ? 'g' : 'j'} ${by.target}${counted}.`,
            evidence: tableEvidence(rs, table.name, [`${ruleLine(by)}    # rule ${by.position}`, `${ruleLine(dead)}    # rule ${dead.position}: never reached`]),
          });
        }
      }
    }
  }
  return findings;
}
