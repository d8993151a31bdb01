/**
 * Flows of the capture tables (pcap_flows joined with pcap_files) as the pcap/ rules use them:
 * loaded with the link type of their capture, named the way findings name them
 * (`10.244.2.5:49526 -> 10.244.1.7:8080 (tcp)`, `[fd00::1]:80` for IPv6 — the HTML report's
 * packet-path picture finds the flow from these address:port pairs), merged across the
 * interfaces that saw the same flow, and grouped by the server they talk to so a node with a
 * thousand failing connections to one service gets one finding, not a thousand.
 */
import type { Database } from 'better-sqlite3';
import type { RuleFinding } from '../types.js';

export interface FlowRow {
  node_id: number;
  member: string;
  interface: string | null;
  ifindex: number | null;
  /** LINKTYPE_ of the capture (1 Ethernet, 113 Linux cooked v1, 276 cooked v2...); null when pcap_files has no row. */
  link_type: number | null;
  proto: string;
  ip_version: number;
  client_addr: string;
  client_port: number | null;
  server_addr: string;
  server_port: number | null;
  role_source: string;
  vxlan_vni: number | null;
  inner: number;
  packets: number;
  bytes: number;
  client_packets: number;
  server_packets: number;
  client_bytes: number;
  server_bytes: number;
  syn: number;
  syn_ack: number;
  fin: number;
  rst: number;
  rst_from: 'client' | 'server' | null;
  rst_after_out_of_window: number;
  out_of_window: number;
  retransmissions: number;
  dup_acks: number;
  zero_window: number;
  max_segment: number;
  max_packet: number;
  client_mss: number | null;
  server_mss: number | null;
  df_large_retrans: number;
  icmp_frag_needed: number;
  icmp_mtu: number | null;
  icmp_unreachable: number;
  first_ts: string | null;
  last_ts: string | null;
  first_time: number | null;
  last_time: number | null;
}

/** Linux cooked v1 (tcpdump -i any before libpcap 1.10): no interface per packet. */
export const LINKTYPE_LINUX_SLL = 113;
/** Linux cooked v2 (tcpdump -i any): the interface index of every packet (pcap_flows.ifindex). */
export const LINKTYPE_LINUX_SLL2 = 276;

/**
 * A cooked-v1 `-i any` capture shows a forwarded packet once per interface it crosses, in one
 * flow: every forwarded segment then looks retransmitted and every SYN repeated. Counters that
 * rest on sequence numbers mean nothing there.
 */
export function sequenceCountersUsable(row: Pick<FlowRow, 'link_type'>): boolean {
  return row.link_type !== LINKTYPE_LINUX_SLL;
}

const FLOW_COLUMNS = [
  'member', 'interface', 'ifindex', 'proto', 'ip_version', 'client_addr', 'client_port', 'server_addr', 'server_port', 'role_source', 'vxlan_vni', 'inner',
  'packets', 'bytes', 'client_packets', 'server_packets', 'client_bytes', 'server_bytes', 'syn', 'syn_ack', 'fin', 'rst', 'rst_from', 'rst_after_out_of_window',
  'out_of_window', 'retransmissions', 'dup_acks', 'zero_window', 'max_segment', 'max_packet', 'client_mss', 'server_mss', 'df_large_retrans', 'icmp_frag_needed',
  'icmp_mtu', 'icmp_unreachable', 'first_ts', 'last_ts', 'first_time', 'last_time',
];

/**
 * Flow rows of the given nodes matching `where` (SQL over pcap_flows, aliased `f`), in capture
 * order. `where` is written by the rules themselves, never from user input.
 */
export function loadFlows(db: Database, nodeIds: readonly number[], where = '1 = 1'): FlowRow[] {
  if (nodeIds.length === 0) return [];
  const ids = nodeIds.map((n) => Math.trunc(n)).join(', ');
  return db
    .prepare(
      `SELECT f.node_id, ${FLOW_COLUMNS.map((c) => `f.${c}`).join(', ')}, p.link_type
         FROM pcap_flows f
         LEFT JOIN pcap_files p ON p.node_id = f.node_id AND p.member = f.member AND p.interface IS f.interface
        WHERE f.node_id IN (${ids}) AND (${where})
        ORDER BY f.node_id, f.first_time, f.member`,
    )
    .all() as FlowRow[];
}

/** `10.0.0.1:80`, `[fd00::1]:80`, or the bare address without a port. */
export function endpointText(addr: string, port: number | null): string {
  if (port === null) return addr;
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

const hasPorts = (r: Pick<FlowRow, 'proto'>) => r.proto === 'tcp' || r.proto === 'udp' || r.proto === 'sctp';

/** What a finding calls the flow: `client:port -> server:port (proto)`; ICMP by addresses only. */
export function flowName(r: Pick<FlowRow, 'proto' | 'client_addr' | 'client_port' | 'server_addr' | 'server_port'>): string {
  const port = (p: number | null) => (hasPorts(r) ? p : null);
  return `${endpointText(r.client_addr, port(r.client_port))} -> ${endpointText(r.server_addr, port(r.server_port))} (${r.proto})`;
}

export const clientText = (r: FlowRow): string => endpointText(r.client_addr, hasPorts(r) ? r.client_port : null);
export const serverText = (r: FlowRow): string => endpointText(r.server_addr, hasPorts(r) ? r.server_port : null);

/** Where a row was seen: `pcap/eth0.pcap`, `pcap/any.pcap ifindex 4`, `... inside VXLAN 1`. */
export function whereSeen(r: Pick<FlowRow, 'member' | 'interface' | 'ifindex' | 'inner' | 'vxlan_vni'>, ifaceName?: string | null): string {
  const parts = [r.member];
  const named = r.interface !== null && r.member.endsWith(`/${r.interface}.pcap`);
  if (r.interface !== null && !named) parts.push(`interface ${r.interface}`);
  if (r.ifindex !== null) parts.push(ifaceName ? `ifindex ${r.ifindex} (${ifaceName})` : `ifindex ${r.ifindex}`);
  if (r.inner) parts.push(`inside VXLAN${r.vxlan_vni !== null ? ` ${r.vxlan_vni}` : ''}`);
  return parts.join(' ');
}

/** `2026-11-22T00:55:09.302381Z` -> `00:55:09.302381`. */
export function clock(iso: string | null): string {
  if (!iso) return '?';
  const t = iso.indexOf('T');
  return t < 0 ? iso : iso.slice(t + 1).replace(/Z$/, '');
}

export function timeSpan(r: Pick<FlowRow, 'first_ts' | 'last_ts'>): string {
  if (!r.first_ts) return ''; // simple packet blocks of pcapng carry no time
  return r.first_ts === r.last_ts ? `at ${clock(r.first_ts)}` : `${clock(r.first_ts)}-${clock(r.last_ts)}`;
}

type Counter = keyof FlowRow;

/**
 * One evidence line for a row: where it was seen, its packets by direction, the named counters as
 * `column=value` (so an analyst can query the same columns), and its time span.
 */
export function flowLine(r: FlowRow, counters: readonly Counter[]): string {
  const values = counters.map((c) => `${c}=${r[c] ?? 'NULL'}`).join(' ');
  return `${whereSeen(r)}: ${flowName(r)} packets=${r.packets} (client ${r.client_packets}, server ${r.server_packets}) ${values} ${timeSpan(r)}`.replace(/ +/g, ' ').trimEnd();
}

/** Key of a flow independent of direction and capture: protocol and both endpoints. */
export function flowKey(r: Pick<FlowRow, 'node_id' | 'proto' | 'client_addr' | 'client_port' | 'server_addr' | 'server_port'>): string {
  const a = `${r.client_addr}|${r.client_port ?? ''}`;
  const b = `${r.server_addr}|${r.server_port ?? ''}`;
  return `${r.node_id}|${r.proto}|${a < b ? `${a}|${b}` : `${b}|${a}`}`;
}

/** The row with client and server swapped (a capture that guessed the roles the other way round). */
export function flipped(r: FlowRow): FlowRow {
  return {
    ...r,
    client_addr: r.server_addr,
    client_port: r.server_port,
    server_addr: r.client_addr,
    server_port: r.client_port,
    client_packets: r.server_packets,
    server_packets: r.client_packets,
    client_bytes: r.server_bytes,
    server_bytes: r.client_bytes,
    client_mss: r.server_mss,
    server_mss: r.client_mss,
    rst_from: r.rst_from === 'client' ? 'server' : r.rst_from === 'server' ? 'client' : null,
  };
}

const ROLE_RANK: Readonly<Record<string, number>> = { syn: 0, echo: 1, port: 2, first: 3 };

/** One flow as seen on every capture that saw it, all rows oriented like the most trustworthy one. */
export interface MergedFlow {
  key: string;
  node_id: number;
  /** The row whose client/server roles are best founded (a SYN seen beats a port guess). */
  lead: FlowRow;
  /** Every row of the flow, oriented like `lead`, in capture order. */
  rows: FlowRow[];
}

/** Merges the rows of each flow across captures (eth0 inside VXLAN, flannel.1, cni0...). */
export function mergeFlows(rows: readonly FlowRow[]): MergedFlow[] {
  const byKey = new Map<string, FlowRow[]>();
  for (const r of rows) {
    const k = flowKey(r);
    const list = byKey.get(k);
    if (list) list.push(r);
    else byKey.set(k, [r]);
  }
  const out: MergedFlow[] = [];
  for (const [key, list] of byKey) {
    const lead = [...list].sort((x, y) => (ROLE_RANK[x.role_source] ?? 9) - (ROLE_RANK[y.role_source] ?? 9))[0]!;
    const oriented = list.map((r) => (r.client_addr === lead.client_addr && r.client_port === lead.client_port ? r : flipped(r)));
    out.push({ key, node_id: lead.node_id, lead, rows: oriented });
  }
  return out;
}

/** Flows grouped by node and the server endpoint they reach (`proto server:port`). */
export interface ServerGroup<T> {
  node_id: number;
  server: string;
  items: T[];
}

export function groupByServer<T>(items: readonly T[], flowOf: (item: T) => FlowRow, extraKey: (item: T) => string = () => ''): ServerGroup<T>[] {
  const groups = new Map<string, ServerGroup<T>>();
  for (const item of items) {
    const f = flowOf(item);
    const server = `${serverText(f)} (${f.proto})`;
    const key = `${f.node_id}|${server}|${extraKey(item)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { node_id: f.node_id, server, items: [] }));
    g.items.push(item);
  }
  return [...groups.values()];
}

/** Evidence flows listed per finding; the rest are counted. */
export const MAX_FLOWS_IN_EVIDENCE = 5;

/** Evidence lines for several flows: each flow's lines, then how many more were left out. */
export function flowsEvidence<T>(items: readonly T[], lines: (item: T) => string[], what = 'flows'): string[] {
  const out = items.slice(0, MAX_FLOWS_IN_EVIDENCE).flatMap(lines);
  if (items.length > MAX_FLOWS_IN_EVIDENCE) out.push(`... and ${items.length - MAX_FLOWS_IN_EVIDENCE} more ${what}`);
  return out;
}

/** `1 connection` / `3 connections`. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = (100 * part) / whole;
  return `${p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** Findings one pcap/ rule reports per node at most (the worst first); the rest are counted. */
export const MAX_FINDINGS_PER_NODE = 20;

/**
 * Keeps the first `max` findings of each node (callers order them worst first) and says on the
 * last one kept how many were left out, so a capture full of one problem stays readable.
 */
export function capPerNode(findings: readonly RuleFinding[], max = MAX_FINDINGS_PER_NODE): RuleFinding[] {
  const kept: RuleFinding[] = [];
  const count = new Map<number, number>();
  const lastKept = new Map<number, RuleFinding>();
  for (const f of findings) {
    const n = (count.get(f.node_id) ?? 0) + 1;
    count.set(f.node_id, n);
    if (n <= max) {
      const copy = { ...f };
      kept.push(copy);
      lastKept.set(f.node_id, copy);
    }
  }
  for (const [node, n] of count) {
    const last = lastKept.get(node);
    if (n > max && last) last.evidence += `\n(${n - max} more findings of this rule on this node are not listed)`;
  }
  return kept;
}
