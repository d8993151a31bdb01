/**
 * pcap/mtu-blackhole: packets too big for the path. Either an ICMP "fragmentation needed" /
 * "packet too big" names the flow and the MTU that does fit (path MTU discovery at work: it
 * only works while that ICMP reaches the sender), or — the black hole — large segments that may
 * not be fragmented are retransmitted again and again, no ICMP comes back, while the small
 * packets of the same connection (the handshake) got through (seed 003: cni0 at MTU 1500 in
 * front of a 1450-byte VXLAN overlay). When the node's routes and links are in the snapshot,
 * the finding quotes the MTU of the interface the flow leaves through.
 */
import type { Database } from 'better-sqlite3';
import { linkText, type LinkRow } from '../../analyzer/rules/lib/ip-text.js';
import { nodeRoutings, type NodeRouting } from '../../analyzer/rules/lib/node-routing.js';
import { capPerNode, flowLine, flowName, flowsEvidence, groupByServer, loadFlows, mergeFlows, plural, sequenceCountersUsable, type FlowRow, type MergedFlow } from '../../analyzer/rules/lib/pcap-flows.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'pcap/mtu-blackhole',
  title: 'Packets too big for the path: ICMP fragmentation needed, or large DF segments retransmitted while small ones pass',
  severity: 'high',
  category: 'pcap',
  description:
    'A link on the path has a smaller MTU than the packets sent across it: an overlay (VXLAN takes 50 bytes), a tunnel, or a ' +
    'bridge and pod interfaces left at 1500 in front of a 1450-byte flannel.1. With the Don\'t Fragment bit set (all TCP on ' +
    'Linux), the router that cannot forward a packet drops it and answers ICMP "fragmentation needed" with the MTU that fits; ' +
    'the sender then sends smaller segments. If that ICMP is filtered or never generated, the path is a black hole: ping, the ' +
    'TCP handshake and small requests work, every full-size segment is lost and retransmitted until the connection times out ' +
    '(TLS handshakes, image pulls and large responses hang). Captures taken with tcpdump -i any in the old cooked v1 format are ' +
    'not used for the retransmission pattern: a forwarded segment appears there twice.',
  remediation:
    'Make every hop fit, then let path MTU discovery work:\n' +
    '  ip -d link show                 (compare flannel.1 / tunnel MTU with the underlay minus 50, and cni0 / veths with flannel.1)\n' +
    '  ip route get <server address>   (the interface and any mtu lock on the route)\n' +
    '  tracepath <server address>      (the MTU hop by hop)\n' +
    'Lower the MTU of the interfaces that feed the small link (FLANNEL_MTU, the CNI "mtu" setting, docker "mtu" in daemon.json), ' +
    'or clamp TCP MSS on the router: iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu. ' +
    'Never drop ICMP type 3 code 4 (ICMPv6 type 2) in firewalls or security groups.',
  references: [
    'https://www.rfc-editor.org/rfc/rfc1191',
    'https://www.rfc-editor.org/rfc/rfc2923#section-2.1',
    'https://github.com/flannel-io/flannel/blob/master/Documentation/troubleshooting.md',
  ],
  sources: ['pcap|attachments'],
  parameters: {
    min_large_retransmissions: { default: 3, description: 'retransmitted large DF segments in one connection that make the black-hole pattern' },
  },
} satisfies Omit<RuleMeta, 'file'>;

const COUNTERS = ['max_packet', 'max_segment', 'client_mss', 'server_mss', 'retransmissions', 'df_large_retrans', 'dup_acks', 'icmp_frag_needed', 'icmp_mtu'] as const;

const isIcmp = (r: FlowRow) => r.proto === 'icmp' || r.proto === 'icmp6';

/**
 * Large DF segments retransmitted while the connection's small packets pass: most retransmissions
 * are large ones, the handshake completed, and the receiving side went quiet (a lossy link makes
 * the receiver send duplicate ACKs and keep acknowledging; a black hole leaves it nothing to answer).
 */
function blackHole(r: FlowRow, min: number): boolean {
  if (r.proto !== 'tcp' || !sequenceCountersUsable(r) || r.icmp_frag_needed > 0) return false;
  if (r.df_large_retrans < min || r.df_large_retrans * 2 < r.retransmissions) return false;
  const handshakePassed = r.syn_ack > 0 || r.role_source !== 'syn';
  const quiet = Math.min(r.client_packets, r.server_packets) <= r.df_large_retrans + 3 || r.df_large_retrans >= 0.2 * r.packets;
  return handshakePassed && quiet && r.dup_acks < r.df_large_retrans;
}

/** Where the flow's server is routed, with that interface's MTU, when the snapshot has routes and links. */
function mtuContext(net: NodeRouting | undefined, f: MergedFlow): { lines: string[]; egress: LinkRow | null } {
  if (!net) return { lines: [], egress: null };
  const lines: string[] = [];
  const route = net.route(f.lead.server_addr);
  const egress = route?.dev ? (net.links.get(route.dev) ?? null) : null;
  if (route && egress) lines.push(`route to ${f.lead.server_addr}: ${route.dst}${route.gateway ? ` via ${route.gateway}` : ''} dev ${route.dev}`, linkText(egress));
  for (const iface of new Set(f.rows.map((r) => r.interface))) {
    const l = iface ? net.links.get(iface) : undefined;
    if (l && l !== egress) lines.push(linkText(l));
  }
  return { lines, egress };
}

function routings(db: Database, nodeIds: readonly number[]): Map<number, NodeRouting> {
  const withLinks = (db.prepare('SELECT DISTINCT node_id FROM links').all() as { node_id: number }[]).map((r) => r.node_id).filter((n) => nodeIds.includes(n));
  return nodeRoutings(db, withLinks);
}

export function run(ctx: RuleContext): RuleFinding[] {
  const min = Math.max(1, Math.trunc(Number(ctx.params.min_large_retransmissions)));
  const flows = mergeFlows(loadFlows(ctx.db, ctx.nodeIds, `f.icmp_frag_needed > 0 OR (f.proto = 'tcp' AND f.df_large_retrans >= ${min})`));
  // ICMP flows that carried a frag-needed count only when the flow it quotes is not in the capture
  const quotedOn = new Set(flows.flatMap((f) => f.rows.filter((r) => !isIcmp(r) && r.icmp_frag_needed > 0).map((r) => `${r.node_id}|${r.member}`)));
  const fragNeeded = flows.filter((f) => f.rows.some((r) => r.icmp_frag_needed > 0 && (!isIcmp(r) || !quotedOn.has(`${r.node_id}|${r.member}`))));
  const holes = flows.filter((f) => !fragNeeded.includes(f) && f.rows.some((r) => blackHole(r, min)));
  const nets = routings(ctx.db, [...new Set([...fragNeeded, ...holes].map((f) => f.node_id))]);
  const findings: RuleFinding[] = [];

  const fragMtu = (f: MergedFlow) => Math.min(...f.rows.map((r) => r.icmp_mtu ?? Infinity));
  for (const g of groupByServer(fragNeeded, (f) => f.lead, (f) => String(fragMtu(f)))) {
    const f = g.items[0]!;
    const mtu = fragMtu(f);
    const messages = g.items.reduce((s, x) => s + Math.max(...x.rows.map((r) => r.icmp_frag_needed)), 0);
    const biggest = Math.max(...f.rows.map((r) => r.max_packet));
    const ctx2 = mtuContext(nets.get(g.node_id), f);
    const what = isIcmp(f.lead) ? `ICMP from ${f.lead.client_addr} to ${f.lead.server_addr}` : flowName(f.lead);
    const egress = ctx2.egress?.mtu != null && ctx2.egress.mtu < biggest ? `, and the route to ${f.lead.server_addr} leaves through ${ctx2.egress.name} with MTU ${ctx2.egress.mtu}` : '';
    findings.push({
      node_id: g.node_id,
      resource: flowName(f.lead),
      message:
        `${plural(messages, 'ICMP "fragmentation needed" message')} for ${what}${g.items.length > 1 ? ` and ${g.items.length - 1} more flows to ${g.server}` : ''}: ` +
        `${Number.isFinite(mtu) ? `only ${mtu} bytes fit the path` : 'the packets do not fit the path'}${biggest > 0 && !isIcmp(f.lead) ? ` (packets of up to ${biggest} bytes were sent${egress})` : ''}; ` +
        'connections work only while these ICMP messages reach the sender',
      evidence: [...flowsEvidence(g.items, (x) => x.rows.map((r) => flowLine(r, COUNTERS))), ...ctx2.lines].join('\n'),
    });
  }

  for (const g of groupByServer(holes, (f) => f.lead)) {
    const f = g.items[0]!;
    const row = f.rows.find((r) => blackHole(r, min))!;
    const ctx2 = mtuContext(nets.get(g.node_id), f);
    const smaller = ctx2.egress?.mtu != null && ctx2.egress.mtu < row.max_packet ? `; the route to ${f.lead.server_addr} leaves through ${ctx2.egress.name} with MTU ${ctx2.egress.mtu}` : '';
    findings.push({
      node_id: g.node_id,
      resource: flowName(f.lead),
      message:
        `${flowName(f.lead)}: ${plural(row.df_large_retrans, 'large segment')} (IP packets up to ${row.max_packet} bytes, Don't Fragment) ` +
        `were retransmitted on ${row.member} while the handshake got through and no ICMP "fragmentation needed" came back: a path MTU black hole${smaller}` +
        `${g.items.length > 1 ? ` (${plural(g.items.length, 'connection')} to ${g.server} alike)` : ''}`,
      evidence: [...flowsEvidence(g.items, (x) => x.rows.map((r) => flowLine(r, COUNTERS)), 'connections'), ...ctx2.lines].join('\n'),
    });
  }
  return capPerNode(findings);
}
