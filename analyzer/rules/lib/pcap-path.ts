/**
 * Following flows across the interfaces of one node that were captured at the same time
 * (--pcap eth0 --pcap flannel.1 --pcap cni0, or tcpdump -i any in the cooked v2 format, which
 * tells each packet's interface): for each direction of each flow, the interfaces its packets
 * cross in order (node-routing.ts), which of them were captured while the flow was seen, and
 * the first captured interface after the last one that saw it — where the node lost it.
 *
 * A flow is recognised on an interface by its 5-tuple; on an underlay its VXLAN-decapsulated
 * copy counts (pcap_flows.inner = 1). NAT changes the tuple inside the node, so a row also
 * matches when it shares one endpoint exactly and the other was plausibly translated: the
 * client's ephemeral endpoint kept (DNAT of the server side), the port kept (address-only NAT),
 * or the node's own address in place of the client (MASQUERADE, even --random-fully).
 */
import type { Database } from 'better-sqlite3';
import { forwardingPath, type Hop, type NodeRouting } from './node-routing.js';
import { LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, loadFlows, mergeFlows, type FlowRow, type MergedFlow } from './pcap-flows.js';

/** One capture of the node: a member and interface of pcap_files. */
export interface Capture {
  member: string;
  /** The interface captured; null for a tcpdump -i any capture (every interface, told apart by ifindex). */
  iface: string | null;
  /** When it was capturing, as Unix seconds; null when nothing says. */
  start: number | null;
  end: number | null;
  /** Inner headers cut by the snapshot length: decapsulated flows may be missing. */
  headersCut: number;
  /** Flows beyond the flow table limit were not recorded. */
  overflow: number;
}

interface CaptureRow {
  node_id: number;
  member: string;
  interface: string | null;
  link_type: number | null;
  packets: number;
  first_ts: string | null;
  last_ts: string | null;
  truncated: number;
  error: string | null;
  headers_cut: number;
  overflow_packets: number;
}

/** A packet seen this close to the end of a capture may have reached the next interface after it stopped. */
export const END_MARGIN_SECONDS = 1;
/** A capture with this many packets probably stopped at its packet cap, not at the common end. */
const BUSY_CAPTURE_PACKETS = 1000;
/** A row that kept the flow's client endpoint must overlap the flow in time within this slack. */
const NAT_TIME_SLACK_SECONDS = 2;
/** A row that kept only the server endpoint must start and end within this of the flow (NAT takes microseconds; capture clocks and starts differ a little). */
const SNAT_TIME_MATCH_SECONDS = 0.5;

const seconds = (iso: string | null) => (iso ? Date.parse(iso) / 1000 : null);

/**
 * The captures of each node. Members of the `pcap` source were started and stopped together by
 * the collector, so a quiet one captured as long as the others did; an attachment captured what
 * its own packets span. Cooked v1 `-i any` captures are left out: they do not say which
 * interface a packet crossed.
 */
export function nodeCaptures(db: Database, nodeIds: readonly number[]): Map<number, Capture[]> {
  const ids = nodeIds.map((n) => Math.trunc(n)).join(', ') || 'NULL';
  const rows = db
    .prepare(
      `SELECT node_id, member, interface, link_type, packets, first_ts, last_ts, truncated, error, headers_cut, overflow_packets
         FROM pcap_files WHERE node_id IN (${ids}) ORDER BY node_id, member`,
    )
    .all() as CaptureRow[];
  const out = new Map<number, Capture[]>();
  const together = new Map<number, { start: number; end: number }>();
  for (const r of rows) {
    if (!r.member.startsWith('pcap/')) continue;
    const s = seconds(r.first_ts);
    const e = seconds(r.last_ts);
    if (s === null || e === null) continue;
    const t = together.get(r.node_id);
    together.set(r.node_id, t ? { start: Math.min(t.start, s), end: Math.max(t.end, e) } : { start: s, end: e });
  }
  for (const r of rows) {
    if (r.link_type === LINKTYPE_LINUX_SLL) continue;
    const any = r.link_type === LINKTYPE_LINUX_SLL2 && (r.interface === null || r.interface === 'any');
    if (!any && r.interface === null) continue;
    let start = seconds(r.first_ts);
    let end = seconds(r.last_ts);
    const common = together.get(r.node_id);
    if (r.member.startsWith('pcap/') && common) {
      start = common.start;
      const stoppedEarly = r.truncated === 1 || r.error !== null || r.packets >= BUSY_CAPTURE_PACKETS;
      end = stoppedEarly && end !== null ? end : common.end;
    }
    const list = out.get(r.node_id) ?? [];
    list.push({ member: r.member, iface: any ? null : r.interface, start, end, headersCut: r.headers_cut, overflow: r.overflow_packets });
    out.set(r.node_id, list);
  }
  return out;
}

/** An endpoint of a flow. */
export interface Endpoint {
  addr: string;
  port: number | null;
}

const sameEndpoint = (a: Endpoint, addr: string, port: number | null) => a.addr === addr && a.port === port;
export const endpointKey = (proto: string, addr: string, port: number | null) => `${proto}|${addr}|${port ?? ''}`;

/** What one interface showed of one direction of a flow. */
export interface HopView {
  hop: Hop;
  /** Captures covering the interface while the flow was seen before it (empty: not captured then). */
  captures: Capture[];
  /** Rows that are the flow (or its NAT-translated form) there. */
  rows: FlowRow[];
  /** Packets of this direction seen there. */
  packets: number;
}

/** One direction of a flow, followed along its path. */
export interface FlowDirection {
  nodeId: number;
  flow: MergedFlow;
  from: Endpoint;
  to: Endpoint;
  path: HopView[];
  /** Index in `path` of the last interface that saw the direction. */
  lastSeen: number;
  /** Index of the first interface after `lastSeen` that was captured meanwhile (and did not see it); -1 when none. */
  missing: number;
}

/** A direction that a captured interface saw and the next captured interface of its path did not. */
export type PathLoss = FlowDirection;

interface IndexedRow {
  row: FlowRow;
  client: Endpoint;
  server: Endpoint;
}

/** Direction-independent key of a 5-tuple. */
function tupleKey(proto: string, a: Endpoint, b: Endpoint): string {
  const x = endpointKey(proto, a.addr, a.port);
  const y = endpointKey(proto, b.addr, b.port);
  return x < y ? `${x}#${y}` : `${y}#${x}`;
}

/** Rows seen on one interface (plain or inside VXLAN), by exact tuple and by each endpoint. */
interface HopIndex {
  exact: Map<string, IndexedRow[]>;
  byEndpoint: Map<string, IndexedRow[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The rows of every captured interface of one node, by interface, encapsulation and endpoint. */
class HopRows {
  private readonly byHop = new Map<string, HopIndex>();
  private readonly capturesOf = new Map<string, Capture[]>();

  constructor(
    private readonly net: NodeRouting,
    private readonly captures: readonly Capture[],
    rows: readonly FlowRow[],
  ) {
    for (const r of rows) {
      const iface = this.ifaceOf(r);
      if (iface === null) continue;
      const hopKey = `${iface}|${r.inner ? 1 : 0}`;
      let index = this.byHop.get(hopKey);
      if (!index) this.byHop.set(hopKey, (index = { exact: new Map(), byEndpoint: new Map() }));
      const entry: IndexedRow = { row: r, client: { addr: r.client_addr, port: r.client_port }, server: { addr: r.server_addr, port: r.server_port } };
      push(index.exact, tupleKey(r.proto, entry.client, entry.server), entry);
      push(index.byEndpoint, endpointKey(r.proto, r.client_addr, r.client_port), entry);
      push(index.byEndpoint, endpointKey(r.proto, r.server_addr, r.server_port), entry);
    }
  }

  /** The interface a row was seen on: the capture's, or the cooked v2 header's ifindex for -i any. */
  ifaceOf(r: FlowRow): string | null {
    const capture = this.captures.find((c) => c.member === r.member && (c.iface === null || c.iface === r.interface));
    if (!capture) return null;
    if (capture.iface !== null) return capture.iface;
    return r.ifindex !== null ? (this.net.linkByIndex.get(r.ifindex)?.name ?? null) : null;
  }

  /** Captures of an interface: its own, and every -i any capture when the node has that link. */
  capturesFor(iface: string): Capture[] {
    let list = this.capturesOf.get(iface);
    if (!list) {
      list = this.captures.filter((c) => c.iface === iface || (c.iface === null && this.net.links.get(iface)?.ifindex != null));
      this.capturesOf.set(iface, list);
    }
    return list;
  }

  /**
   * Rows on `hop` that are the flow `from` -> `to`, with the packets each sent in that direction:
   * the same 5-tuple; failing that, the first NAT-translated form of it that carries the direction.
   * [t0, t1] is when the flow was seen anywhere.
   */
  matches(hop: Hop, proto: string, client: Endpoint, from: Endpoint, to: Endpoint, t0: number, t1: number): { row: FlowRow; packets: number }[] {
    const index = this.byHop.get(`${hop.iface}|${hop.encapsulated ? 1 : 0}`);
    if (!index) return [];
    const vniOk = (e: IndexedRow) => !(hop.encapsulated && hop.vni !== null && e.row.vxlan_vni !== null && e.row.vxlan_vni !== hop.vni);
    const sentBy = (e: IndexedRow, sender: Endpoint) => (sameEndpoint(e.client, sender.addr, sender.port) ? e.row.client_packets : e.row.server_packets);
    const exact = (index.exact.get(tupleKey(proto, from, to)) ?? []).filter(vniOk).map((e) => ({ row: e.row, packets: sentBy(e, from) }));
    if (exact.some((m) => m.packets > 0)) return exact;
    // the client's ephemeral endpoint first: it identifies the flow on its own
    const server = sameEndpoint(from, client.addr, client.port) ? to : from;
    for (const shared of [client, server]) {
      const other = sameEndpoint(shared, from.addr, from.port) ? to : from;
      for (const e of index.byEndpoint.get(endpointKey(proto, shared.addr, shared.port)) ?? []) {
        if (!vniOk(e)) continue;
        const sharedIsClient = sameEndpoint(e.client, shared.addr, shared.port);
        const rowOther = sharedIsClient ? e.server : e.client;
        if (sameEndpoint(rowOther, other.addr, other.port)) continue; // the exact tuple, handled above
        if (!this.translated(shared === client, other, rowOther, e.row, t0, t1)) continue;
        // packets the `from` side sent: the shared endpoint's if it is `from`, else the translated other one's
        const packets = sentBy(e, other === to ? (sharedIsClient ? e.client : e.server) : rowOther);
        if (packets > 0) return [...exact, { row: e.row, packets }];
      }
    }
    return exact;
  }

  /**
   * Whether `rowOther` is plausibly `other` after NAT. When the client's ephemeral endpoint is the
   * one kept (the server side was DNATed) it identifies the flow: overlapping in time is enough.
   * When the server's is kept (the client was SNATed), many flows share it, so the translated row
   * must start and end when the flow does, and keep the port or carry the node's own address.
   */
  private translated(clientKept: boolean, other: Endpoint, rowOther: Endpoint, row: FlowRow, t0: number, t1: number): boolean {
    if (row.first_time === null || row.last_time === null) return false;
    if (clientKept) return row.first_time <= t1 + NAT_TIME_SLACK_SECONDS && row.last_time >= t0 - NAT_TIME_SLACK_SECONDS;
    if (Math.abs(row.first_time - t0) > SNAT_TIME_MATCH_SECONDS || Math.abs(row.last_time - t1) > SNAT_TIME_MATCH_SECONDS) return false;
    return rowOther.port === other.port || this.net.isLocal(rowOther.addr);
  }
}

/** Whether a capture was running while the flow was seen at [t0, t1] (and long enough after it). */
function coversTime(c: Capture, t0: number, t1: number): boolean {
  if (c.start === null || c.end === null) return false;
  return Math.max(t0, c.start) <= Math.min(t1, c.end - END_MARGIN_SECONDS);
}

/** Whether an interface's captures can show the flow at all: captured then, VXLAN inner headers kept, no flow overflow. */
function usable(hop: Hop, captures: readonly Capture[], t0: number, t1: number): Capture[] {
  return captures.filter((c) => coversTime(c, t0, t1) && c.overflow === 0 && !(hop.encapsulated && c.headersCut > 0));
}

const PORTED = new Set(['tcp', 'udp', 'sctp', 'icmp', 'icmp6']);

/** Every direction of every flow of the given nodes that some captured interface of its path saw. */
export function followFlows(db: Database, nodeIds: readonly number[], routings: ReadonlyMap<number, NodeRouting>): FlowDirection[] {
  const captures = nodeCaptures(db, nodeIds);
  const out: FlowDirection[] = [];
  for (const nodeId of nodeIds) {
    const net = routings.get(nodeId);
    const caps = captures.get(nodeId) ?? [];
    if (!net || net.unsupported || caps.length === 0) continue;
    const members = [...new Set(caps.map((c) => c.member))].map((m) => `'${m.replace(/'/g, "''")}'`).join(', ');
    const protos = [...PORTED].map((p) => `'${p}'`).join(', ');
    const rows = loadFlows(db, [nodeId], `f.member IN (${members}) AND f.proto IN (${protos}) AND f.client_port IS NOT NULL AND f.server_port IS NOT NULL`);
    const hopRows = new HopRows(net, caps, rows);
    for (const flow of mergeFlows(rows)) {
      const lead = flow.lead;
      const a: Endpoint = { addr: lead.client_addr, port: lead.client_port };
      const b: Endpoint = { addr: lead.server_addr, port: lead.server_port };
      if ([a, b].some((e) => net.isSpecial(e.addr) || net.mayBeRewritten(e.addr, lead.proto, e.port))) continue;
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        const direction = follow(net, hopRows, flow, a, from, to);
        if (direction) out.push(direction);
      }
    }
  }
  return out;
}

/** Every flow direction of the given nodes that a captured interface lost. */
export function findPathLosses(db: Database, nodeIds: readonly number[], routings: ReadonlyMap<number, NodeRouting>): PathLoss[] {
  return followFlows(db, nodeIds, routings).filter((d) => d.missing >= 0);
}

function follow(net: NodeRouting, hopRows: HopRows, flow: MergedFlow, client: Endpoint, from: Endpoint, to: Endpoint): FlowDirection | null {
  const path = forwardingPath(net, from.addr, to.addr);
  if (!path) return null;
  const times = flow.rows.filter((r) => r.first_time !== null && r.last_time !== null);
  const t0 = Math.min(...times.map((r) => r.first_time!));
  const t1 = Math.max(...times.map((r) => r.last_time!));
  if (!Number.isFinite(t0)) return null;
  const views: HopView[] = path.map((hop) => {
    const found = hopRows.matches(hop, flow.lead.proto, client, from, to, t0, t1);
    return { hop, captures: [], rows: found.map((f) => f.row), packets: found.reduce((s, f) => s + f.packets, 0) };
  });
  let lastSeen = -1;
  views.forEach((v, i) => {
    if (v.packets > 0) lastSeen = i;
  });
  if (lastSeen < 0) return null;
  // when the direction was seen on the last interface that saw it
  const seenRows = views[lastSeen]!.rows.filter((r) => r.first_time !== null && r.last_time !== null);
  const s0 = Math.min(...seenRows.map((r) => r.first_time!));
  const s1 = Math.max(...seenRows.map((r) => r.last_time!));
  if (!Number.isFinite(s0)) return null;
  for (const v of views) v.captures = usable(v.hop, hopRows.capturesFor(v.hop.iface), s0, s1);
  const missing = views.findIndex((v, i) => i > lastSeen && v.captures.length > 0);
  return { nodeId: net.nodeId, flow, from, to, path: views, lastSeen, missing };
}
