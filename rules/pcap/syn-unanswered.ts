/**
 * pcap/syn-unanswered: a client sent its SYN again and again and no SYN-ACK came back (neither a
 * RST: that is a refused connection, see pcap/tcp-resets). The packets vanish somewhere: a DROP
 * rule, a lost route, a dead endpoint, or — when another captured interface did see a SYN-ACK —
 * inside the node on the way back. One finding per server, naming the attempts and clients.
 */
import { capPerNode, clientText, flowLine, flowName, flowsEvidence, groupByServer, loadFlows, mergeFlows, plural, sequenceCountersUsable, whereSeen, type MergedFlow } from '../../analyzer/rules/lib/pcap-flows.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'pcap/syn-unanswered',
  title: 'TCP SYNs are retransmitted and never answered',
  severity: 'high',
  category: 'pcap',
  description:
    'A client that gets no SYN-ACK retransmits its SYN after 1, 3, 7... seconds and finally reports a connect timeout. No answer ' +
    'at all (not even a RST or an ICMP error) means the SYN or the SYN-ACK is silently dropped: a firewall DROP rule, a ' +
    'service VIP whose endpoint is gone, a missing route or overlay fdb entry, a pod that is not running, or a node that ' +
    'receives the SYN on the overlay but never hands it to the pod (seed: seen on flannel.1, not on cni0). When one captured ' +
    'interface sees the SYN-ACK and another does not, the answer is lost inside the node. Captures taken with tcpdump -i any in ' +
    'the old cooked v1 format are not used: a forwarded SYN appears there twice and looks retransmitted.',
  remediation:
    'Follow the SYN:\n' +
    '  iptables-save -c | grep -E "DROP|REJECT"     (counters that grow while the client retries)\n' +
    '  ip route get <server address>; ip neigh; bridge fdb show dev flannel.1\n' +
    '  conntrack -L -d <server address>            (SYN_SENT entries that never see a reply)\n' +
    'For a service address, check that the service has ready endpoints (kubectl get endpoints) and that kube-proxy programmed ' +
    'them; capture on every interface of the path at once (nodesnap collect --pcap eth0 --pcap flannel.1 --pcap cni0) to find ' +
    'the hop that loses the SYN.',
  references: ['https://www.rfc-editor.org/rfc/rfc6298#section-2', 'https://www.rfc-editor.org/rfc/rfc9293#section-3.5'],
  sources: ['pcap|attachments'],
  parameters: {
    min_syns: { default: 2, description: 'SYNs of one connection attempt (the first and its retransmissions) that make it a finding' },
  },
} satisfies Omit<RuleMeta, 'file'>;

const COUNTERS = ['syn', 'syn_ack', 'rst', 'icmp_unreachable'] as const;

const syns = (f: MergedFlow) => Math.max(...f.rows.map((r) => r.syn));

export function run(ctx: RuleContext): RuleFinding[] {
  const minSyns = Math.max(2, Math.trunc(Number(ctx.params.min_syns)));
  // every capture of a candidate flow, so a SYN-ACK seen on another interface shows up in the evidence
  // (two EXISTS, one per orientation, so each can use the client index of pcap_flows)
  const unanswered = `u.node_id = f.node_id AND u.proto = 'tcp' AND u.syn >= ${minSyns} AND u.syn_ack = 0 AND u.rst = 0`;
  const rows = loadFlows(
    ctx.db,
    ctx.nodeIds,
    `f.proto = 'tcp'
       AND (EXISTS (SELECT 1 FROM pcap_flows u WHERE u.client_addr = f.client_addr AND u.client_port = f.client_port AND u.server_addr = f.server_addr AND u.server_port = f.server_port AND ${unanswered})
         OR EXISTS (SELECT 1 FROM pcap_flows u WHERE u.client_addr = f.server_addr AND u.client_port = f.server_port AND u.server_addr = f.client_addr AND u.server_port = f.client_port AND ${unanswered}))`,
  ).filter(sequenceCountersUsable);
  const flows = mergeFlows(rows).filter((f) => f.rows.some((r) => r.syn >= minSyns && r.syn_ack === 0 && r.rst === 0));
  const groups = groupByServer(flows, (f) => f.lead);
  groups.sort((a, b) => b.items.length - a.items.length);
  const findings: RuleFinding[] = [];
  for (const g of groups) {
    const first = g.items[0]!;
    const clients = new Set(g.items.map((f) => f.lead.client_addr));
    const attempts = g.items.length > 1 ? `${plural(g.items.length, 'connection attempt')} from ${plural(clients.size, 'client')} to ${g.server}` : flowName(first.lead);
    const answeredElsewhere = g.items.flatMap((f) => f.rows.filter((r) => r.syn_ack > 0));
    const unanswered = first.rows.find((r) => r.syn_ack === 0) ?? first.lead;
    const icmp = g.items.reduce((s, f) => s + Math.max(...f.rows.map((r) => r.icmp_unreachable)), 0);
    let why = 'no SYN-ACK and no RST came back';
    if (answeredElsewhere.length) {
      why = `a SYN-ACK was seen on ${[...new Set(answeredElsewhere.map((r) => whereSeen(r)))].join(', ')} but never reached ${whereSeen(unanswered)}: the answer is lost inside the node`;
    } else if (icmp > 0) why = `no SYN-ACK came back, only ${plural(icmp, 'ICMP destination-unreachable message')}`;
    findings.push({
      node_id: g.node_id,
      resource: flowName(first.lead),
      message: `${attempts}: the SYN was sent ${syns(first)} times by ${clientText(first.lead)}${g.items.length > 1 ? ' (first attempt)' : ''} and ${why}`,
      evidence: flowsEvidence(g.items, (f) => f.rows.map((r) => flowLine(r, COUNTERS)), 'connection attempts').join('\n'),
    });
  }
  return capPerNode(findings);
}
