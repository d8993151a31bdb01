/**
 * iptables rule sets as rules see them: one per node, address family and backend, read from the
 * iptables_chains / iptables_rules tables and organised as tables -> chains -> rules in order.
 *
 * A node may hold the same rules under two sources (iptables-save through the default backend
 * and iptables-legacy-save for the same legacy backend); a rule must not report them twice. So a
 * node has one rule set per (family, backend): the default tool's dump (iptables-save) when it
 * shows that backend, else the backend's own dump. A second backend with rules is a real second
 * rule set (the kernel runs both), labelled so a finding says which one it is in.
 */
import type { Database } from 'better-sqlite3';
import type { RuleFields } from '../../parsers/netfilter/iptables-rule.js';
import { memoForRun } from '../run-memo.js';

export type Family = 'ipv4' | 'ipv6';
export type Backend = 'legacy' | 'nft';

/** One rule of a chain, the columns of iptables_rules in camelCase: the parser's fields and where the rule stands. */
export interface IptablesRule extends RuleFields {
  table: string;
  /** 1-based position in the chain. */
  position: number;
  /** The rule as saved, from `-A CHAIN` on. */
  spec: string;
  packets: number | null;
  bytes: number | null;
  line: number | null;
}

export interface IptablesChain {
  table: string;
  name: string;
  builtin: boolean;
  /** Policy of a built-in chain; null for user chains. */
  policy: string | null;
  packets: number | null;
  bytes: number | null;
  line: number | null;
  /** False for a chain that rules jump to but no `:CHAIN` line declared (a hand-edited dump). */
  declared: boolean;
  rules: IptablesRule[];
}

export class IptablesTable {
  readonly chains = new Map<string, IptablesChain>();
  constructor(readonly name: string) {}

  chain(name: string): IptablesChain | undefined {
    return this.chains.get(name);
  }

  /** Every rule of the table, chain by chain in declaration order. */
  *rules(): Generator<IptablesRule> {
    for (const chain of this.chains.values()) yield* chain.rules;
  }

  get ruleCount(): number {
    let n = 0;
    for (const chain of this.chains.values()) n += chain.rules.length;
    return n;
  }
}

/** Which dump of which node a rule set is. */
export interface RulesetRef {
  nodeId: number;
  /** The source the rows come from: iptables-save, ip6tables-save, iptables-legacy-save, iptables-nft-save. */
  source: string;
  family: Family;
  /** NULL backend (a dump without header) is taken as legacy, as the parser documents. */
  backend: Backend;
  /**
   * '' for the node's main IPv4 rule set; otherwise what tells this one apart in a resource:
   * 'ip6' for IPv6, 'nft' / 'legacy' for the second backend of a node that has both ('ip6-nft'...).
   */
  label: string;
}

export interface Ruleset extends RulesetRef {
  tables: Map<string, IptablesTable>;
}

/** The built-in chains of each table, in hook order. */
export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const IPV4_SOURCES = ['iptables-save', 'iptables-legacy-save', 'iptables-nft-save'];
const SOURCE_PREFERENCE: Readonly<Record<string, number>> = { 'iptables-save': 0, 'ip6tables-save': 0, 'iptables-legacy-save': 1, 'iptables-nft-save': 1 };

interface DumpRow {
  node_id: number;
  source: string;
  family: string | null;
  backend: string | null;
  rules: number;
}

/**
 * The rule sets of the given nodes, without duplicates: per node, family and backend, the dump of
 * the default tool when it shows that backend, else that backend's own dump.
 */
export function listRulesets(db: Database, nodeIds: readonly number[], families: readonly Family[] = ['ipv4', 'ipv6']): RulesetRef[] {
  const chainDumps = db.prepare('SELECT source, family, backend FROM iptables_chains WHERE node_id = ? GROUP BY source, family, backend');
  const ruleCounts = db.prepare('SELECT source, COUNT(*) AS rules FROM iptables_rules WHERE node_id = ? GROUP BY source');
  const byKey = new Map<string, DumpRow>();
  for (const nodeId of nodeIds) {
    // chains and rules are counted apart: a dump may declare chains and hold no rule; counting
    // 50,000 rules is worth doing once per rules run, not once per iptables rule
    const counts = memoForRun(db, `iptables-rule-counts:${nodeId}`, () => new Map((ruleCounts.all(nodeId) as { source: string; rules: number }[]).map((r) => [r.source, r.rules] as const)));
    const dumps = memoForRun(db, `iptables-dumps:${nodeId}`, () => chainDumps.all(nodeId) as Omit<DumpRow, 'node_id' | 'rules'>[]);
    for (const dump of dumps) {
      const family: Family = dump.family === 'ipv6' || dump.source === 'ip6tables-save' ? 'ipv6' : 'ipv4';
      if (!families.includes(family)) continue;
      if (family === 'ipv4' && !IPV4_SOURCES.includes(dump.source)) continue;
      const backend: Backend = dump.backend === 'nft' ? 'nft' : 'legacy';
      const row: DumpRow = { node_id: nodeId, source: dump.source, family, backend, rules: counts.get(dump.source) ?? 0 };
      const key = `${nodeId}\t${family}\t${backend}`;
      const seen = byKey.get(key);
      if (!seen || (SOURCE_PREFERENCE[row.source] ?? 9) < (SOURCE_PREFERENCE[seen.source] ?? 9)) byKey.set(key, row);
    }
  }
  const refs: RulesetRef[] = [];
  const groups = new Map<string, DumpRow[]>();
  for (const row of byKey.values()) {
    const key = `${row.node_id}\t${row.family}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const group of groups.values()) {
    // the main rule set of a family: the default tool's backend, else the one holding rules
    group.sort((a, b) => (SOURCE_PREFERENCE[a.source] ?? 9) - (SOURCE_PREFERENCE[b.source] ?? 9) || b.rules - a.rules);
    group.forEach((row, i) => {
      const family = row.family as Family;
      const backend = row.backend as Backend;
      const parts = [family === 'ipv6' ? 'ip6' : '', i === 0 ? '' : backend].filter(Boolean);
      refs.push({ nodeId: row.node_id, source: row.source, family, backend, label: parts.join('-') });
    });
  }
  return refs.sort((a, b) => a.nodeId - b.nodeId || a.family.localeCompare(b.family) || a.label.localeCompare(b.label));
}

/** A row of iptables_chains as SQLite returns it. */
export interface ChainRow {
  table_name: string;
  chain: string;
  builtin: number | null;
  policy: string | null;
  packets: number | null;
  bytes: number | null;
  line: number | null;
}

/** A row of iptables_rules as SQLite returns it. */
export interface RuleRow {
  table_name: string;
  chain: string;
  position: number;
  spec: string;
  target: string | null;
  target_args: string | null;
  jump_kind: string | null;
  protocol: string | null;
  src: string | null;
  src_negated: number | null;
  dst: string | null;
  dst_negated: number | null;
  in_iface: string | null;
  out_iface: string | null;
  matches: string | null;
  comment: string | null;
  probability: number | null;
  to_destination: string | null;
  to_source: string | null;
  to_ports: string | null;
  dport: string | null;
  sport: string | null;
  mark: string | null;
  set_mark: string | null;
  ctstate: string | null;
  match_set: string | null;
  packets: number | null;
  bytes: number | null;
  line: number | null;
}

const RULE_COLUMNS =
  'table_name, chain, position, spec, target, target_args, jump_kind, protocol, src, src_negated, dst, dst_negated, in_iface, out_iface, ' +
  'matches, comment, probability, to_destination, to_source, to_ports, dport, sport, mark, set_mark, ctstate, match_set, packets, bytes, line';

export function ruleFromRow(row: RuleRow): IptablesRule {
  return {
    table: row.table_name,
    chain: row.chain,
    position: row.position,
    spec: row.spec,
    target: row.target,
    targetArgs: row.target_args,
    jumpKind: row.jump_kind === 'goto' ? 'goto' : row.jump_kind === 'jump' ? 'jump' : null,
    protocol: row.protocol,
    src: row.src,
    srcNegated: row.src_negated === 1,
    dst: row.dst,
    dstNegated: row.dst_negated === 1,
    inIface: row.in_iface,
    outIface: row.out_iface,
    matches: row.matches,
    comment: row.comment,
    probability: row.probability,
    toDestination: row.to_destination,
    toSource: row.to_source,
    toPorts: row.to_ports,
    dport: row.dport,
    sport: row.sport,
    mark: row.mark,
    setMark: row.set_mark,
    ctstate: row.ctstate,
    matchSet: row.match_set,
    packets: row.packets === null ? null : Number(row.packets),
    bytes: row.bytes === null ? null : Number(row.bytes),
    line: row.line,
  };
}

/** Builds tables from chain and rule rows (rules in any order; they are sorted by position). */
export function buildTables(chains: readonly ChainRow[], rules: readonly IptablesRule[]): Map<string, IptablesTable> {
  const tables = new Map<string, IptablesTable>();
  const tableOf = (name: string) => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = new IptablesTable(name)));
    return t;
  };
  for (const c of chains) {
    tableOf(c.table_name).chains.set(c.chain, {
      table: c.table_name,
      name: c.chain,
      builtin: c.builtin === 1,
      policy: c.policy,
      packets: c.packets === null ? null : Number(c.packets),
      bytes: c.bytes === null ? null : Number(c.bytes),
      line: c.line,
      declared: true,
      rules: [],
    });
  }
  for (const r of rules) {
    const table = tableOf(r.table);
    let chain = table.chains.get(r.chain);
    if (!chain) {
      const builtin = (BUILTIN_CHAINS[r.table] ?? []).includes(r.chain);
      chain = { table: r.table, name: r.chain, builtin, policy: null, packets: null, bytes: null, line: null, declared: false, rules: [] };
      table.chains.set(r.chain, chain);
    }
    chain.rules.push(r);
  }
  for (const t of tables.values()) for (const c of t.chains.values()) c.rules.sort((a, b) => a.position - b.position);
  return tables;
}

/**
 * Which rules to read. Reading a 50,000-rule node costs time, and most rules need a few chains:
 * `chains` and `targets` keep only the rules in those chains or jumping to those targets
 * (`KUBE-SVC-*` is a prefix). Chain declarations are always read whole, so every chain of the
 * table is known even when its rules were left out — a ChainGraph over such a table knows only
 * the edges of the rules read.
 */
export interface RuleSelection {
  tables?: readonly string[];
  chains?: readonly string[];
  targets?: readonly string[];
}

/** Whether a chain or target name is one of `names` (`KUBE-SVC-*` is a prefix). */
function nameMatches(name: string | null, names: readonly string[]): boolean {
  if (name === null) return false;
  return names.some((n) => (n.endsWith('*') ? name.startsWith(n.slice(0, -1)) : name === n));
}

/** Array index of each column in RULE_COLUMNS, for reading raw rows (several times faster than row objects). */
const COLUMN = Object.fromEntries(RULE_COLUMNS.split(',').map((c, i) => [c.trim(), i])) as Record<keyof RuleRow, number>;

function ruleFromArray(a: unknown[]): IptablesRule {
  const text = (k: keyof RuleRow) => a[COLUMN[k]] as string | null;
  const num = (k: keyof RuleRow) => {
    const v = a[COLUMN[k]];
    return v === null || v === undefined ? null : Number(v);
  };
  const jump = text('jump_kind');
  return {
    table: text('table_name') as string,
    chain: text('chain') as string,
    position: num('position') as number,
    spec: text('spec') as string,
    target: text('target'),
    targetArgs: text('target_args'),
    jumpKind: jump === 'goto' ? 'goto' : jump === 'jump' ? 'jump' : null,
    protocol: text('protocol'),
    src: text('src'),
    srcNegated: num('src_negated') === 1,
    dst: text('dst'),
    dstNegated: num('dst_negated') === 1,
    inIface: text('in_iface'),
    outIface: text('out_iface'),
    matches: text('matches'),
    comment: text('comment'),
    probability: num('probability'),
    toDestination: text('to_destination'),
    toSource: text('to_source'),
    toPorts: text('to_ports'),
    dport: text('dport'),
    sport: text('sport'),
    mark: text('mark'),
    setMark: text('set_mark'),
    ctstate: text('ctstate'),
    matchSet: text('match_set'),
    packets: num('packets'),
    bytes: num('bytes'),
    line: num('line'),
  };
}

interface WholeDump {
  chains: ChainRow[];
  rules: IptablesRule[];
}

/** One dump (node and source) read whole, once per rules run: most iptables rules read the same dump. */
function wholeDump(db: Database, ref: RulesetRef): WholeDump {
  return memoForRun(db, `iptables-dump:${ref.nodeId}:${ref.source}`, () => ({
    chains: db
      .prepare('SELECT table_name, chain, builtin, policy, packets, bytes, line FROM iptables_chains WHERE node_id = ? AND source = ? ORDER BY line')
      .all(ref.nodeId, ref.source) as ChainRow[],
    rules: (db.prepare(`SELECT ${RULE_COLUMNS} FROM iptables_rules WHERE node_id = ? AND source = ?`).raw().all(ref.nodeId, ref.source) as unknown[][]).map(
      ruleFromArray,
    ),
  }));
}

/** Reads one rule set, or the part of it `selection` names (e.g. `{ tables: ['nat'] }`). */
export function loadRuleset(db: Database, ref: RulesetRef, selection: RuleSelection = {}): Ruleset {
  const { tables = [], chains = [], targets = [] } = selection;
  const dump = wholeDump(db, ref);
  const inTables = (table: string) => tables.length === 0 || tables.includes(table);
  const named = chains.length > 0 || targets.length > 0;
  const chainRows = dump.chains.filter((c) => inTables(c.table_name));
  const rules = dump.rules.filter((r) => inTables(r.table) && (!named || nameMatches(r.chain, chains) || nameMatches(r.target, targets)));
  return { ...ref, tables: buildTables(chainRows, rules) };
}

/** Every rule set of the nodes (or the part `selection` names), loaded one at a time: a large node holds 50,000 rules. */
export function* eachRuleset(db: Database, nodeIds: readonly number[], selection: RuleSelection & { families?: readonly Family[] } = {}): Generator<Ruleset> {
  for (const ref of listRulesets(db, nodeIds, selection.families)) yield loadRuleset(db, ref, selection);
}

// ---- how findings name and quote rules ------------------------------------------------------

function labelled(ref: Pick<RulesetRef, 'label'>, text: string): string {
  return ref.label ? `${ref.label}:${text}` : text;
}

/** The resource of a rule: `nat/PREROUTING#3` (prefixed `ip6:` / `nft:` outside the main rule set). */
export function ruleResource(ref: Pick<RulesetRef, 'label'>, rule: Pick<IptablesRule, 'table' | 'chain' | 'position'>): string {
  return labelled(ref, `${rule.table}/${rule.chain}#${rule.position}`);
}

/** The resource of a whole chain: `nat/KUBE-SVC-64QNK6HZX773DHEP`. */
export function chainResource(ref: Pick<RulesetRef, 'label'>, table: string, chain: string): string {
  return labelled(ref, `${table}/${chain}`);
}

/** A rule as `iptables-save -c` printed it: `[packets:bytes] -A CHAIN ...` (no counters when saved without -c). */
export function ruleLine(rule: Pick<IptablesRule, 'spec' | 'packets' | 'bytes'>): string {
  return rule.packets === null ? rule.spec : `[${rule.packets}:${rule.bytes ?? 0}] ${rule.spec}`;
}

/** A chain declaration as saved: `:FORWARD DROP [0:0]`, `:KUBE-SERVICES - [0:0]`. */
export function chainLine(chain: Pick<IptablesChain, 'name' | 'policy' | 'packets' | 'bytes'>): string {
  return `:${chain.name} ${chain.policy ?? '-'} [${chain.packets ?? 0}:${chain.bytes ?? 0}]`;
}

/** Sources of an iptables rule: a rule needs one IPv4 dump; ip6tables-save is read as well when it is there. */
export const IPTABLES_SOURCES = 'iptables-save|iptables-legacy-save|iptables-nft-save';

/**
 * Evidence quoting lines of one table of a rule set, as iptables-save prints them after a line
 * saying which dump they are from:
 *   # iptables-save -c (legacy backend)
 *   *nat
 *   [0:0] -A PREROUTING -d 192.168.10.25/32 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 10.244.4.15:3306
 * At most `max` lines are kept; a last line says how many were left out.
 */
export function tableEvidence(ref: Pick<RulesetRef, 'source' | 'backend'>, table: string, lines: readonly string[], max = 40): string {
  const kept = lines.length > max ? [...lines.slice(0, max), `... ${lines.length - max} more line(s)`] : lines;
  return [`# ${ref.source} -c (${ref.backend} backend)`, `*${table}`, ...kept].join('\n');
}
