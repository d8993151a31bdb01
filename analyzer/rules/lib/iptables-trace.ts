/**
 * What a table does with a whole class of packets, proven rule by rule: starting at a chain,
 * follow only the rules that certainly match every packet of the class (see matchCovers), into
 * the chains they jump to, until one decides (ACCEPT, DROP, REJECT) or the chain runs out and the
 * policy applies. Rules that match only some packets of the class are stepped over, so "ACCEPT"
 * means every packet of the class is accepted; anything else means that cannot be shown.
 *
 * Example: `-s 10.244.0.0/16` through filter FORWARD of a flannel node:
 *   FORWARD#5 -m comment --comment "flanneld forward" -j FLANNEL-FWD  (matches all: jump)
 *   FLANNEL-FWD#1 -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT  -> ACCEPT
 */
import { matchCovers, parseRuleMatch, type RuleMatch } from './iptables-match.js';
import type { IptablesRule, IptablesTable } from './iptables-ruleset.js';

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'POLICY-ACCEPT' | 'POLICY-DROP' | 'UNDECIDED';

export interface Trace {
  verdict: Verdict;
  /** The rules that certainly matched, in order: the jumps taken and the deciding rule. */
  path: IptablesRule[];
}

/** A class of packets: `-s 10.244.0.0/16`, `-s 10.244.0.0/16 -i cni0`... written as a saved rule's match part. */
export function packetClass(spec: string): RuleMatch {
  return parseRuleMatch(spec);
}

const DECIDING = new Set(['ACCEPT', 'DROP', 'REJECT']);

export function traceVerdict(table: IptablesTable, start: string, packets: RuleMatch, cache = new Map<IptablesRule, RuleMatch>()): Trace {
  const matchOf = (rule: IptablesRule) => {
    let m = cache.get(rule);
    if (!m) cache.set(rule, (m = parseRuleMatch(rule.spec)));
    return m;
  };
  const path: IptablesRule[] = [];
  const active = new Set<string>();

  /** 'RETURN' when the chain returns (or runs out), else a deciding target. */
  const run = (chainName: string): string => {
    const chain = table.chains.get(chainName);
    if (!chain || active.has(chainName)) return 'RETURN'; // a loop cannot be followed: treat as not deciding
    active.add(chainName);
    try {
      for (const rule of chain.rules) {
        if (rule.target === null || !matchCovers(matchOf(rule), packets)) continue;
        if (DECIDING.has(rule.target)) {
          path.push(rule);
          return rule.target;
        }
        if (rule.target === 'RETURN') {
          path.push(rule);
          return 'RETURN';
        }
        if (!table.chains.has(rule.target)) continue; // MARK, LOG, CT...: the packet goes on
        path.push(rule);
        const result = run(rule.target);
        // a goto never comes back: the called chain's end is this chain's end
        if (rule.jumpKind === 'goto' || result !== 'RETURN') return result;
      }
      return 'RETURN';
    } finally {
      active.delete(chainName);
    }
  };

  const result = run(start);
  if (result !== 'RETURN') return { verdict: result as Verdict, path };
  const policy = table.chains.get(start)?.policy;
  return { verdict: policy === 'ACCEPT' ? 'POLICY-ACCEPT' : policy === 'DROP' ? 'POLICY-DROP' : 'UNDECIDED', path };
}
