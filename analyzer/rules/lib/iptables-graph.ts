/**
 * The jump graph of one iptables table: which rule jumps (-j) or goes (-g) to which user chain,
 * which chains a packet entering a built-in chain can traverse, and which targets end a chain's
 * traversal. Rules use it to follow traffic (FORWARD -> FLANNEL-FWD -> ACCEPT) and the report
 * draws services with it (KUBE-SERVICES -> KUBE-SVC-* -> KUBE-SEP-* -> DNAT).
 */
import type { IptablesChain, IptablesRule, IptablesTable } from './iptables-ruleset.js';

/**
 * Targets after which the packet leaves the chain for good: verdicts, NAT (a NAT target accepts
 * the packet in the nat table) and RETURN (back to the caller). A rule with `-g` to a user chain
 * also never comes back to this chain.
 */
export const TERMINAL_TARGETS: ReadonlySet<string> = new Set([
  'ACCEPT',
  'DROP',
  'REJECT',
  'RETURN',
  'QUEUE',
  'DNAT',
  'SNAT',
  'MASQUERADE',
  'REDIRECT',
  'NETMAP',
  'TPROXY',
  'SYNPROXY',
]);

/** NAT targets that rewrite addresses or ports. */
export const NAT_TARGETS: ReadonlySet<string> = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

/** True when no rule after this one in the same chain can see a packet this rule matched. */
export function isTerminal(rule: Pick<IptablesRule, 'target' | 'jumpKind' | 'targetArgs'>): boolean {
  if (rule.target === null) return false;
  // NFQUEUE hands the packet to userspace unless --queue-bypass lets it continue when no one listens
  if (rule.target === 'NFQUEUE') return !/--queue-bypass/.test(rule.targetArgs ?? '');
  if (TERMINAL_TARGETS.has(rule.target)) return true;
  return rule.jumpKind === 'goto';
}

/** One edge of the graph: a rule of `from` that jumps or goes to chain `to`. */
export interface ChainEdge {
  from: string;
  to: string;
  rule: IptablesRule;
}

export class ChainGraph {
  private readonly out = new Map<string, ChainEdge[]>();
  private readonly into = new Map<string, ChainEdge[]>();

  constructor(readonly table: IptablesTable) {
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        if (rule.target === null || !table.chains.has(rule.target)) continue;
        const edge: ChainEdge = { from: chain.name, to: rule.target, rule };
        push(this.out, chain.name, edge);
        push(this.into, rule.target, edge);
      }
    }
  }

  chain(name: string): IptablesChain | undefined {
    return this.table.chains.get(name);
  }

  /** True when the rule's target is a chain of this table (not ACCEPT, DNAT, MARK...). */
  jumpsToChain(rule: IptablesRule): boolean {
    return rule.target !== null && this.table.chains.has(rule.target);
  }

  /** Rules of `chain` that jump or go to a user chain, in order. */
  callees(chain: string): readonly ChainEdge[] {
    return this.out.get(chain) ?? [];
  }

  /** Rules anywhere in the table that jump or go to `chain`. */
  callers(chain: string): readonly ChainEdge[] {
    return this.into.get(chain) ?? [];
  }

  /** Chains a packet can traverse after entering `roots` (the roots included), following jumps and gotos. */
  reachableFrom(roots: readonly string[]): Set<string> {
    const seen = new Set<string>();
    const stack = roots.filter((r) => this.table.chains.has(r));
    while (stack.length) {
      const name = stack.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      for (const edge of this.callees(name)) if (!seen.has(edge.to)) stack.push(edge.to);
    }
    return seen;
  }

  /** The built-in chains from which `chain` can be reached (empty: no packet ever traverses it). */
  entryPoints(chain: string): string[] {
    const seen = new Set<string>();
    const stack = [chain];
    const entries: string[] = [];
    while (stack.length) {
      const name = stack.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      if (this.table.chains.get(name)?.builtin) entries.push(name);
      for (const edge of this.callers(name)) if (!seen.has(edge.from)) stack.push(edge.from);
    }
    return entries;
  }

  /**
   * One path of jumps from a built-in chain to `chain`, as the rules taken
   * (e.g. [FORWARD#5 -j FLANNEL-FWD]); null when `chain` cannot be reached; [] for a built-in chain.
   */
  pathTo(chain: string): IptablesRule[] | null {
    if (this.table.chains.get(chain)?.builtin) return [];
    // breadth first from the callers, so the path is a shortest one
    const via = new Map<string, ChainEdge>();
    const queue = [chain];
    const seen = new Set([chain]);
    while (queue.length) {
      const name = queue.shift() as string;
      for (const edge of this.callers(name)) {
        if (seen.has(edge.from)) continue;
        seen.add(edge.from);
        via.set(edge.from, edge);
        if (this.table.chains.get(edge.from)?.builtin) {
          const path: IptablesRule[] = [];
          for (let at: string = edge.from; at !== chain; ) {
            const step = via.get(at) as ChainEdge;
            path.push(step.rule);
            at = step.to;
          }
          return path;
        }
        queue.push(edge.from);
      }
    }
    return null;
  }

  /**
   * Rules a packet entering `root` may meet, depth first in evaluation order (a jump's chain
   * right after the jumping rule), each chain at most once. `visit` returns false to stop.
   */
  walk(root: string, visit: (rule: IptablesRule, depth: number) => boolean | void): void {
    const seen = new Set<string>();
    const go = (name: string, depth: number): boolean => {
      if (seen.has(name)) return true;
      seen.add(name);
      for (const rule of this.table.chains.get(name)?.rules ?? []) {
        if (visit(rule, depth) === false) return false;
        if (rule.target !== null && this.table.chains.has(rule.target) && !go(rule.target, depth + 1)) return false;
      }
      return true;
    };
    go(root, 0);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
