/**
 * Which Kubernetes services get a chain graph, and what the graph holds. Reuses the rule
 * library's rule sets (one per node and backend, duplicates between iptables-save and
 * iptables-legacy-save removed) and its ChainGraph for callers/callees.
 *
 * Services drawn: every KUBE-SVC/SVL/EXT/FW chain a finding names (a KUBE-SEP names its
 * service), the most severe first; when no finding names one, the busiest services of the batch.
 */
import type { Database } from 'better-sqlite3';
import { ChainGraph } from '../../rules/lib/iptables-graph.js';
import { listRulesets, loadRuleset, type IptablesRule, type IptablesTable, type RulesetRef } from '../../rules/lib/iptables-ruleset.js';
import { severityRank, type Severity } from '../../rules/types.js';
import { hasColumns } from '../db-read.js';

const CHAIN_NAME = /\bKUBE-(?:SVC|SVL|EXT|FW|XLB|SEP)-[A-Z0-9]{16}\b/g;
const SERVICE_CHAIN = /^KUBE-(?:SVC|SVL|EXT|FW|XLB)-/;
const ENDPOINT_CHAIN = /^KUBE-SEP-/;
const ENTRY_CHAINS = new Set(['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-EXTERNAL-SERVICES']);
// only the chains a service graph walks: a large node has 50,000 rules
const KUBE_CHAINS = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-EXTERNAL-SERVICES', 'KUBE-SVC-*', 'KUBE-SVL-*', 'KUBE-EXT-*', 'KUBE-FW-*', 'KUBE-XLB-*', 'KUBE-SEP-*'];
export const MAX_FLAGGED_GRAPHS = 12;
export const MAX_BUSIEST_GRAPHS = 3;
const MAX_ENTRIES = 4;
const MAX_ENDPOINTS = 16;

export interface ServiceEntry {
  chain: string;
  match: string;
  spec: string;
  packets: number | null;
}

export interface ServiceEndpoint {
  chain: string;
  /** -m statistic --probability of the jump, null when the jump has none (the last endpoint). */
  probability: number | null;
  /** Share of the service's new connections this endpoint gets, after the earlier ones. */
  share: number;
  packets: number | null;
  dnat: string | null;
  dnatPackets: number | null;
  spec: string;
}

export interface ServiceChainModel {
  nodeId: number;
  /** '' for the main IPv4 rule set, else 'ip6', 'nft'... */
  ruleset: string;
  chain: string;
  service: string;
  entries: ServiceEntry[];
  endpoints: ServiceEndpoint[];
  /** Endpoints beyond those drawn. */
  moreEndpoints: number;
  /** Why it is drawn: the rule ids that named it, or "busiest". */
  reason: string;
}

interface FindingRef {
  rule: string;
  severity: Severity;
  nodeId: number;
  resource: string;
  evidence: string;
}

function entryMatch(rule: IptablesRule): string {
  const parts: string[] = [];
  if (rule.chain === 'KUBE-NODEPORTS') parts.push('NodePort');
  if (rule.dst) parts.push(`${rule.dstNegated ? '! ' : ''}${rule.dst.replace(/\/32$/, '')}`);
  if (rule.protocol || rule.dport) parts.push(`${rule.protocol ?? ''}${rule.dport ? `/${rule.dport}` : ''}`);
  if (parts.length === 0) parts.push(rule.comment ?? 'any');
  return parts.join(' ');
}

function serviceName(table: IptablesTable, chain: string, graph: ChainGraph): string {
  const fromCallers = graph.callers(chain).find((e) => e.rule.comment)?.rule.comment;
  const own = table.chain(chain)?.rules.find((r) => r.comment)?.comment;
  return (fromCallers ?? own ?? chain).replace(/ cluster IP$| external IP$| node port$/i, '');
}

/** The endpoint jumps of a service chain; an EXT/FW chain usually jumps to the SVC/SVL chain first. */
function endpointJumps(graph: ChainGraph, chain: string): IptablesRule[] {
  const direct = graph.callees(chain).filter((e) => ENDPOINT_CHAIN.test(e.to));
  if (direct.length) return direct.map((e) => e.rule);
  const via = graph.callees(chain).find((e) => SERVICE_CHAIN.test(e.to) && e.to !== chain);
  return via ? graph.callees(via.to).filter((e) => ENDPOINT_CHAIN.test(e.to)).map((e) => e.rule) : [];
}

export function serviceModel(table: IptablesTable, graph: ChainGraph, ref: Pick<RulesetRef, 'nodeId' | 'label'>, chain: string, reason: string): ServiceChainModel {
  const entries = graph
    .callers(chain)
    .filter((e) => ENTRY_CHAINS.has(e.from) || SERVICE_CHAIN.test(e.from))
    .slice(0, MAX_ENTRIES)
    .map((e) => ({ chain: e.from, match: entryMatch(e.rule), spec: e.rule.spec, packets: e.rule.packets }));
  const jumps = endpointJumps(graph, chain);
  let remaining = 1;
  const endpoints = jumps.map((rule) => {
    const p = rule.probability ?? 1;
    const share = remaining * p;
    remaining -= share;
    const dnatRule = table.chain(rule.target as string)?.rules.find((r) => r.target === 'DNAT');
    return {
      chain: rule.target as string,
      probability: rule.probability,
      share,
      packets: rule.packets,
      dnat: dnatRule?.toDestination ?? null,
      dnatPackets: dnatRule?.packets ?? null,
      spec: rule.spec,
    };
  });
  return {
    nodeId: ref.nodeId,
    ruleset: ref.label,
    chain,
    service: serviceName(table, chain, graph),
    entries,
    endpoints: endpoints.slice(0, MAX_ENDPOINTS),
    moreEndpoints: Math.max(0, endpoints.length - MAX_ENDPOINTS),
    reason,
  };
}

interface Wanted {
  nodeId: number;
  chains: Map<string, { rank: number; rules: Set<string> }>;
}

function flaggedChains(findings: readonly FindingRef[]): Map<number, Wanted> {
  const out = new Map<number, Wanted>();
  for (const f of findings) {
    const names = new Set([...f.resource.matchAll(CHAIN_NAME), ...f.evidence.matchAll(CHAIN_NAME)].map((m) => m[0]));
    if (names.size === 0) continue;
    let w = out.get(f.nodeId);
    if (!w) out.set(f.nodeId, (w = { nodeId: f.nodeId, chains: new Map() }));
    for (const name of names) {
      const seen = w.chains.get(name);
      if (seen) {
        seen.rank = Math.max(seen.rank, severityRank(f.severity));
        seen.rules.add(f.rule);
      } else {
        w.chains.set(name, { rank: severityRank(f.severity), rules: new Set([f.rule]) });
      }
    }
  }
  return out;
}

function natTable(db: Database, nodeId: number): { table: IptablesTable; graph: ChainGraph; ref: RulesetRef } | null {
  const ref = listRulesets(db, [nodeId], ['ipv4'])[0];
  if (!ref) return null;
  const table = loadRuleset(db, ref, { tables: ['nat'], chains: KUBE_CHAINS }).tables.get('nat');
  return table ? { table, graph: new ChainGraph(table), ref } : null;
}

/** The service chains to draw for the batch, most severe first. */
export function selectServiceChains(db: Database, findings: readonly FindingRef[]): ServiceChainModel[] {
  if (!hasColumns(db, 'iptables_rules', ['table_name', 'chain', 'target', 'probability', 'to_destination']) || !hasColumns(db, 'iptables_chains', ['chain'])) return [];
  const out: (ServiceChainModel & { rank: number })[] = [];
  // the nodes with the most severe findings first; stop loading rule sets once there are enough
  const topRank = (w: Wanted) => Math.max(...[...w.chains.values()].map((c) => c.rank));
  const flagged = [...flaggedChains(findings).values()].sort((a, b) => topRank(b) - topRank(a) || a.nodeId - b.nodeId);
  for (const wanted of flagged) {
    if (out.length >= MAX_FLAGGED_GRAPHS) break;
    const nat = natTable(db, wanted.nodeId);
    if (!nat) continue;
    const services = new Map<string, { rank: number; rules: Set<string> }>();
    for (const [name, why] of wanted.chains) {
      // an endpoint chain stands for the service chains that jump to it
      const targets = ENDPOINT_CHAIN.test(name) ? nat.graph.callers(name).map((e) => e.from).filter((c) => SERVICE_CHAIN.test(c)) : [name];
      for (const t of targets) {
        if (!nat.table.chain(t)) continue;
        const seen = services.get(t);
        if (seen) {
          seen.rank = Math.max(seen.rank, why.rank);
          for (const r of why.rules) seen.rules.add(r);
        } else services.set(t, { rank: why.rank, rules: new Set(why.rules) });
      }
    }
    for (const [chain, why] of services) out.push({ ...serviceModel(nat.table, nat.graph, nat.ref, chain, [...why.rules].sort().join(', ')), rank: why.rank });
  }
  if (out.length) return out.sort((a, b) => b.rank - a.rank || a.nodeId - b.nodeId || a.service.localeCompare(b.service)).slice(0, MAX_FLAGGED_GRAPHS);
  return busiestServices(db);
}

function busiestServices(db: Database): ServiceChainModel[] {
  const rows = db
    .prepare(
      `SELECT node_id, target, MAX(packets) AS packets FROM iptables_rules
        WHERE table_name = 'nat' AND chain = 'KUBE-SERVICES' AND target LIKE 'KUBE-SVC-%' AND packets IS NOT NULL
        GROUP BY node_id, target ORDER BY packets DESC, node_id LIMIT 200`,
    )
    .all() as { node_id: number; target: string; packets: number }[];
  const picked: { nodeId: number; chain: string }[] = [];
  const seenChains = new Set<string>();
  for (const r of rows) {
    // the same service on every node of a batch is one picture, drawn where it is busiest
    if (seenChains.has(r.target)) continue;
    seenChains.add(r.target);
    picked.push({ nodeId: r.node_id, chain: r.target });
    if (picked.length >= MAX_BUSIEST_GRAPHS) break;
  }
  const cache = new Map<number, ReturnType<typeof natTable>>();
  const out: ServiceChainModel[] = [];
  for (const p of picked) {
    if (!cache.has(p.nodeId)) cache.set(p.nodeId, natTable(db, p.nodeId));
    const nat = cache.get(p.nodeId);
    if (nat && nat.table.chain(p.chain)) out.push(serviceModel(nat.table, nat.graph, nat.ref, p.chain, 'busiest service of the batch (no finding names a service)'));
  }
  return out;
}
