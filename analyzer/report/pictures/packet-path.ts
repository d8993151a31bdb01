/**
 * The packet path of a flow across the interfaces captured at the same time (--pcap IFACE,
 * repeatable): one box per interface in path order, green where the flow was seen (packets,
 * first/last time), red after the last interface that saw it — the "flannel.1 yes, cni0 no"
 * picture of a packet lost inside the node.
 *
 * Reads `pcap_flows` (one row per flow and capture): member, interface, protocol, src, sport,
 * dst, dport, packets, first_seen, last_seen. Only member, src, dst and packets are required;
 * without the table (capture parsers absent) there is no picture.
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
  protocol: string | null;
  src: string;
  sport: number | null;
  dst: string;
  dport: number | null;
  packets: number;
  first_seen: string | null;
  last_seen: string | null;
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

function flowsOf(db: Database, nodeId: number): FlowRow[] | null {
  const cols = tableColumns(db, 'pcap_flows');
  if (!['member', 'src', 'dst', 'packets'].every((c) => cols.has(c))) return null;
  const pick = (c: string, fallback = 'NULL') => (cols.has(c) ? c : fallback);
  return (
    db
      .prepare(
        `SELECT member, ${pick('interface', 'NULL')} AS iface, ${pick('protocol')} AS protocol, src, ${pick('sport')} AS sport, dst, ${pick('dport')} AS dport,
                packets, ${pick('first_seen')} AS first_seen, ${pick('last_seen')} AS last_seen
           FROM pcap_flows WHERE node_id = ?`,
      )
      .all(nodeId) as FlowRow[]
  ).map((r) => ({ ...r, iface: r.iface ?? ifaceOf(r.member) }));
}

/** The address:port pairs a finding names. */
export function endpointsIn(text: string): { address: string; port: number }[] {
  return [...text.matchAll(ENDPOINT)].map((m) => ({ address: m[1] as string, port: Number(m[2]) }));
}

/** The path of each flow a finding names, over every capture of the node. */
export function packetPaths(db: Database, nodeId: number, findingTexts: readonly string[]): PacketPathModel[] {
  const flows = flowsOf(db, nodeId);
  if (!flows || flows.length === 0) return [];
  const captures = new Map<string, string>();
  for (const f of flows) captures.set(f.member, f.iface);
  const out: PacketPathModel[] = [];
  const done = new Set<string>();
  for (const text of findingTexts) {
    const eps = endpointsIn(text);
    if (eps.length < 2) continue;
    const [a, b] = eps as [{ address: string; port: number }, { address: string; port: number }];
    const key = [`${a.address}:${a.port}`, `${b.address}:${b.port}`].sort().join(' ');
    if (done.has(key)) continue;
    done.add(key);
    const same = (f: FlowRow, x: typeof a, y: typeof b) => f.src === x.address && f.sport === x.port && f.dst === y.address && f.dport === y.port;
    const matching = flows.filter((f) => same(f, a, b) || same(f, b, a));
    const hops: PathHop[] = [...captures].map(([member, iface]) => {
      const rows = matching.filter((f) => f.member === member);
      const times = (k: 'first_seen' | 'last_seen') => rows.map((r) => r[k]).filter((t): t is string => t !== null).sort();
      return { iface, member, packets: rows.reduce((s, r) => s + Number(r.packets), 0), firstSeen: times('first_seen')[0] ?? null, lastSeen: times('last_seen').pop() ?? null };
    });
    // seen hops in the order the flow reached them, then the ones that never saw it
    hops.sort((x, y) => {
      const seenX = x.packets > 0;
      const seenY = y.packets > 0;
      if (seenX !== seenY) return seenX ? -1 : 1;
      if (seenX && x.firstSeen && y.firstSeen && x.firstSeen !== y.firstSeen) return x.firstSeen < y.firstSeen ? -1 : 1;
      return kindRank(x.iface) - kindRank(y.iface) || x.iface.localeCompare(y.iface);
    });
    const proto = matching[0]?.protocol ? `${matching[0].protocol} ` : '';
    let last = -1;
    hops.forEach((h, i) => {
      if (h.packets > 0) last = i;
    });
    out.push({ nodeId, flow: `${proto}${a.address}:${a.port} ⇄ ${b.address}:${b.port}`, hops, lastSeen: last });
    if (out.length >= MAX_PATHS_PER_NODE) break;
  }
  return out;
}

const HOP_W = 170;
const GAP = 46;

export function drawPacketPath(model: PacketPathModel, nodeName: string): SvgMarkup {
  const width = model.hops.length * (HOP_W + GAP) - GAP + 4;
  const height = 86;
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
        el('text', { x: x + 8, y: 37, class: 'b1' }, clip(hop.iface, 22)),
        el('text', { x: x + 8, y: 55, class: 'b2' }, seen ? `${formatCount(hop.packets)} pkts` : 'not seen'),
        i === model.lastSeen ? el('text', { x: x + HOP_W / 2, y: 12, 'text-anchor': 'middle', class: 'last-label' }, 'last seen here') : null,
      ),
      arrow,
    ];
  });
  return svgRoot(Math.max(width, 200), height, `Packet path of ${model.flow} on ${nodeName}`, 'pic path', parts);
}
