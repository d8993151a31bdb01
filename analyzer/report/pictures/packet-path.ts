/**
 * The packet path of a flow across the interfaces captured at the same time (--pcap IFACE,
 * repeatable): one box per interface in path order, green where the flow was seen (packets,
 * first/last time), red after the last interface that saw it — the "flannel.1 yes, cni0 no"
 * picture of a packet lost inside the node.
 *
 * Reads the capture tables: pcap_files (every capture member and interface of the node, so an
 * interface that never saw the flow is drawn too) and pcap_flows (flows are direction-independent
 * 5-tuples; a VXLAN-carried flow is also there decapsulated, inner = 1, so one flow matches on
 * eth0, flannel.1 and cni0 alike). Without the tables (no capture parsers, no --pcap) there is
 * no picture.
 */
import type { Database } from 'better-sqlite3';
import { formatCount } from '../format.js';
import { tableColumns } from '../db-read.js';
import { clip, el, svgRoot, type SvgMarkup } from './svg.js';

export interface PathHop {
  iface: string;
  member: string;
  packets: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface PacketPathModel {
  nodeId: number;
  flow: string;
  hops: PathHop[];
  /** Index of the last hop that saw the flow, -1 when none did. */
  lastSeen: number;
}

interface FlowRow {
  member: string;
  iface: string;
  proto: string | null;
  client_addr: string;
  client_port: number | null;
  server_addr: string;
  server_port: number | null;
  packets: number;
  first_ts: string | null;
  last_ts: string | null;
}

const ENDPOINT = /\[?([0-9a-fA-F:.]*[0-9a-fA-F])\]?[:.](\d{1,5})\b/g;
const MAX_PATHS_PER_NODE = 4;

/** Canonical order of interface kinds for traffic entering a node towards a pod. */
function kindRank(iface: string): number {
  if (/^(eth|ens|enp|eno|bond|em|wl)/.test(iface)) return 0;
  if (/^(flannel|vxlan|tunl|cilium_vxlan|weave|genev|wg)/.test(iface)) return 1;
  if (/^(cni|docker|cbr|br-|kube-bridge)/.test(iface)) return 2;
  if (/^(veth|cali|lxc)/.test(iface)) return 3;
  return 4;
}

function ifaceOf(member: string): string {
  const base = member.split('/').pop() ?? member;
  return base.replace(/\.(pcap|pcapng|cap)$/i, '');
}

const FLOW_COLUMNS = ['member', 'client_addr', 'client_port', 'server_addr', 'server_port', 'packets'];

/** Every capture of the node: member -> interface. */
function capturesOf(db: Database, nodeId: number): Map<string, string> {
  const out = new Map<string, string>();
  const fileCols = tableColumns(db, 'pcap_files');
  const table = fileCols.has('member') ? 'pcap_files' : 'pcap_flows';
  const iface = tableColumns(db, table).has('interface') ? 'interface' : 'NULL';
  for (const r of db.prepare(`SELECT DISTINCT member, ${iface} AS iface FROM ${table} WHERE node_id = ? ORDER BY member`).all(nodeId) as { member: string; iface: string | null }[]) {
    out.set(r.member, r.iface ?? ifaceOf(r.member));
  }
  return out;
}

function matchingFlows(db: Database, nodeId: number, a: { address: string; port: number }, b: { address: string; port: number }): FlowRow[] {
  const cols = tableColumns(db, 'pcap_flows');
  const pick = (c: string) => (cols.has(c) ? c : 'NULL');
  return (
    db
      .prepare(
        `SELECT member, ${pick('interface')} AS iface, ${pick('proto')} AS proto, client_addr, client_port, server_addr, server_port, packets,
                ${pick('first_ts')} AS first_ts, ${pick('last_ts')} AS last_ts
           FROM pcap_flows
          WHERE node_id = @node AND ((client_addr = @a AND client_port = @ap AND server_addr = @b AND server_port = @bp)
                                  OR (client_addr = @b AND client_port = @bp AND server_addr = @a AND server_port = @ap))`,
      )
      .all({ node: nodeId, a: a.address, ap: a.port, b: b.address, bp: b.port }) as FlowRow[]
  ).map((r) => ({ ...r, iface: r.iface ?? ifaceOf(r.member) }));
}

/** The address:port pairs a finding names. */
export function endpointsIn(text: string): { address: string; port: number }[] {
  return [...text.matchAll(ENDPOINT)].map((m) => ({ address: m[1] as string, port: Number(m[2]) }));
}

/** The path of each flow a finding names, over every capture of the node. */
export function packetPaths(db: Database, nodeId: number, findingTexts: readonly string[]): PacketPathModel[] {
  if (!FLOW_COLUMNS.every((c) => tableColumns(db, 'pcap_flows').has(c))) return [];
  const captures = capturesOf(db, nodeId);
  if (captures.size === 0) return [];
  const out: PacketPathModel[] = [];
  const done = new Set<string>();
  for (const text of findingTexts) {
    const eps = endpointsIn(text);
    if (eps.length < 2) continue;
    const [a, b] = eps as [{ address: string; port: number }, { address: string; port: number }];
    const key = [`${a.address}:${a.port}`, `${b.address}:${b.port}`].sort().join(' ');
    if (done.has(key)) continue;
    done.add(key);
    const matching = matchingFlows(db, nodeId, a, b);
    const hops: PathHop[] = [...captures].map(([member, iface]) => {
      const rows = matching.filter((f) => f.member === member);
      const times = (k: 'first_ts' | 'last_ts') => rows.map((r) => r[k]).filter((t): t is string => t !== null).sort();
      return { iface, member, packets: rows.reduce((s, r) => s + Number(r.packets), 0), firstSeen: times('first_ts')[0] ?? null, lastSeen: times('last_ts').pop() ?? null };
    });
    // seen hops in the order the flow reached them, then the ones that never saw it
    hops.sort((x, y) => {
      const seenX = x.packets > 0;
      const seenY = y.packets > 0;
      if (seenX !== seenY) return seenX ? -1 : 1;
      if (seenX && x.firstSeen && y.firstSeen && x.firstSeen !== y.firstSeen) return x.firstSeen < y.firstSeen ? -1 : 1;
      return kindRank(x.iface) - kindRank(y.iface) || x.iface.localeCompare(y.iface);
    });
    const proto = matching[0]?.proto ? `${matching[0].proto} ` : '';
    let last = -1;
    hops.forEach((h, i) => {
      if (h.packets > 0) last = i;
    });
    out.push({ nodeId, flow: `${proto}${a.address}:${a.port} ⇄ ${b.address}:${b.port}`, hops, lastSeen: last });
    if (out.length >= MAX_PATHS_PER_NODE) break;
  }
  return out;
}

/** 2026-11-22T00:30:43.195071Z -> 00:30:43.195 */
function clockTime(iso: string): string {
  const m = /T(\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)/.exec(iso);
  return m ? (m[1] as string) : iso;
}

const HOP_W = 190;
const GAP = 46;

export function drawPacketPath(model: PacketPathModel, nodeName: string): SvgMarkup {
  const width = model.hops.length * (HOP_W + GAP) - GAP + 4;
  const height = 86;
  const lostAfter = model.lastSeen < model.hops.length - 1;
  const parts = model.hops.map((hop, i) => {
    const x = i * (HOP_W + GAP);
    const seen = hop.packets > 0;
    const cls = seen ? (i === model.lastSeen ? 'hop seen last' : 'hop seen') : 'hop lost';
    const arrow =
      i < model.hops.length - 1
        ? el(
            'g',
            { class: `edge ${i >= model.lastSeen ? 'dead' : ''}`.trim() },
            el('path', { d: `M${x + HOP_W},40 L${x + HOP_W + GAP - 6},40`, fill: 'none' }),
            el('path', { d: `M${x + HOP_W + GAP - 6},36 L${x + HOP_W + GAP},40 L${x + HOP_W + GAP - 6},44 Z`, class: 'arrow' }),
          )
        : null;
    return [
      el(
        'g',
        { class: cls },
        el('title', {}, `${hop.member}: ${seen ? `${formatCount(hop.packets)} packets, ${hop.firstSeen ?? '?'} – ${hop.lastSeen ?? '?'}` : 'flow not seen in this capture'}`),
        el('rect', { x, y: 18, width: HOP_W, height: 46, rx: 6 }),
        el('text', { x: x + 8, y: 37, class: 'b1' }, clip(hop.iface, 24)),
        el('text', { x: x + 8, y: 55, class: 'b2' }, seen ? `${formatCount(hop.packets)} pkts${hop.firstSeen ? ` · from ${clockTime(hop.firstSeen)}` : ''}` : 'not seen'),
        // "last seen" only means something when a later interface missed the flow
        i === model.lastSeen && lostAfter ? el('text', { x: x + HOP_W / 2, y: 12, 'text-anchor': 'middle', class: 'last-label' }, 'last seen here') : null,
      ),
      arrow,
    ];
  });
  return svgRoot(Math.max(width, 200), height, `Packet path of ${model.flow} on ${nodeName}`, 'pic path', parts);
}
