/**
 * pcap/path-loss-between-interfaces: a flow seen on one captured interface of the node never
 * shows up on the next interface of its path, although that one was captured at the same time —
 * the node itself drops it between the two (seed 000 scenario 2: the request is on eth0 inside
 * VXLAN and on flannel.1, never on cni0; restarting flannel.1 and cni0 "fixed" it). The path
 * comes from the node's routes and links; VXLAN-decapsulated flows on the underlay count, and
 * NAT-translated forms of a flow are recognised (see analyzer/rules/lib/pcap-path.ts).
 */
import { endpointText, flowLine, flowName, plural, capPerNode, clock, type FlowRow } from '../../analyzer/rules/lib/pcap-flows.js';
import { findPathLosses, type HopView, type PathLoss } from '../../analyzer/rules/lib/pcap-path.js';
import { nodeRoutings } from '../../analyzer/rules/lib/node-routing.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'pcap/path-loss-between-interfaces',
  title: 'A flow seen on one captured interface never reaches the next interface of its path',
  severity: 'high',
  category: 'pcap',
  description:
    'When the same traffic is captured on several interfaces of a node at once (nodesnap collect --pcap eth0 --pcap flannel.1 ' +
    '--pcap cni0, or tcpdump -i any), a packet that enters on one interface and never appears on the next one of its route was ' +
    'dropped by the node itself: an iptables/nftables rule in FORWARD, rp_filter, a bridge port in the wrong state, a stale ' +
    'neighbour or fdb entry, a veth whose peer is gone. The path is ordered by the node\'s routes: in through the device that ' +
    'routes back to the source (the underlay, inside VXLAN, then the VXLAN device), out through the device that routes to the ' +
    'destination (a bridge, then the pod\'s veth; a VXLAN device, then its underlay). Flows to service VIPs and other DNAT ' +
    'targets, flows the node only sends or receives, and interfaces not captured while the flow was seen are left out; ' +
    'captures taken with different BPF filters can hide a flow on one interface and must not be compared.',
  remediation:
    'Look at what the node does between the two interfaces named in the finding:\n' +
    '  iptables-save -c | grep -E "FORWARD|DROP|REJECT"   (a rule whose counter grows with the lost packets)\n' +
    '  sysctl net.ipv4.conf.all.rp_filter net.ipv4.conf.<in-interface>.rp_filter\n' +
    '  bridge link show; bridge fdb show br cni0; ip neigh show dev cni0\n' +
    '  ip -d link show <veth>                            (state, master, peer)\n' +
    '  nstat -az | grep -i drop; ip -s link show <interface>\n' +
    'Tracing a test packet shows the hook that drops it: iptables -t raw -I PREROUTING -p tcp --dport <port> -j TRACE, or ' +
    'perf trace / dropwatch for kfree_skb. Restarting flannel.1 and cni0 (seed 000) only hides the cause.',
  references: [
    'https://github.com/flannel-io/flannel/blob/master/Documentation/troubleshooting.md',
    'https://www.kernel.org/doc/Documentation/networking/ip-sysctl.txt',
  ],
  sources: ['pcap|attachments', 'ip-route', 'ip-link', 'ip-addr'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const COUNTERS = ['syn', 'syn_ack', 'rst', 'retransmissions'] as const;

function hopName(v: HopView): string {
  return v.hop.encapsulated ? `${v.hop.iface} (inside VXLAN${v.hop.vni !== null ? ` ${v.hop.vni}` : ''})` : v.hop.iface;
}

function captureSpan(v: HopView): string {
  return v.captures.map((c) => `${c.member}${c.start !== null ? ` ${clock(new Date(c.start * 1000).toISOString())}-${clock(new Date((c.end ?? c.start) * 1000).toISOString())}` : ''}`).join(', ');
}

function hopLines(loss: PathLoss, from: string): string[] {
  return loss.path.flatMap((v, i) => {
    if (v.packets > 0) return [`${hopName(v)}: ${plural(v.packets, 'packet')} from ${from}`, ...v.rows.map((r: FlowRow) => `  ${flowLine(r, COUNTERS)}`)];
    if (v.captures.length > 0) return [`${hopName(v)}: not seen${i === loss.missing ? ' <- lost here' : ''} (captured by ${captureSpan(v)})`];
    return [`${hopName(v)}: not captured at that time`];
  });
}

function whyLine(v: HopView, from: string, to: string): string {
  if (v.hop.whyKind !== 'route') return `${v.hop.iface}: ${v.hop.why}`;
  return v.hop.side === 'in' ? `${v.hop.iface}: route back to ${from}: ${v.hop.why}` : `${v.hop.iface}: route to ${to}: ${v.hop.why}`;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const routings = nodeRoutings(ctx.db, ctx.nodeIds);
  const losses = findPathLosses(ctx.db, ctx.nodeIds, routings);
  // one finding per destination and pair of interfaces: many connections die the same way
  const groups = new Map<string, PathLoss[]>();
  for (const l of losses) {
    const key = `${l.nodeId}|${l.flow.lead.proto}|${endpointText(l.to.addr, l.to.port)}|${l.path[l.lastSeen]!.hop.iface}|${l.path[l.missing]!.hop.iface}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const findings: RuleFinding[] = [];
  for (const list of groups.values()) {
    const loss = list[0]!;
    const from = endpointText(loss.from.addr, loss.from.port);
    const to = endpointText(loss.to.addr, loss.to.port);
    const seen = loss.path[loss.lastSeen]!;
    const lost = loss.path[loss.missing]!;
    const others = list.length > 1 ? ` (${plural(list.length, 'flow')} to ${to} alike)` : '';
    findings.push({
      node_id: loss.nodeId,
      resource: flowName(loss.flow.lead),
      message:
        `${flowName(loss.flow.lead)}: ${plural(seen.packets, 'packet')} from ${from} to ${to} were seen on ${hopName(seen)} but never on ${hopName(lost)}, ` +
        `the next interface on their way (${lost.hop.whyKind === 'route' ? `route ${lost.hop.why}` : lost.hop.why}), although ${lost.hop.iface} was captured at the same time: the node drops them between ` +
        `${seen.hop.iface} and ${lost.hop.iface}${others}`,
      evidence: [
        `path of ${from} -> ${to}: ${loss.path.map(hopName).join(' -> ')}`,
        ...hopLines(loss, from),
        ...loss.path.map((v) => whyLine(v, from, to)),
        ...(list.length > 1 ? [`also: ${list.slice(1, 6).map((l) => flowName(l.flow.lead)).join(', ')}${list.length > 6 ? ` and ${list.length - 6} more` : ''}`] : []),
      ].join('\n'),
    });
  }
  return capPerNode(findings);
}
