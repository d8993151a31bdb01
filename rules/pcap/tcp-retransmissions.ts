/**
 * pcap/tcp-retransmissions: TCP flows of a capture that retransmit more than a healthy network
 * does (> 2% of their segments, with at least 10 segments so one lost SYN is not a rate). Each
 * finding names the worst flow to a server and quotes the counters of every capture that saw it,
 * so the engineer sees where along the path the retransmissions appear.
 */
import {
  capPerNode,
  flowLine,
  flowName,
  flowsEvidence,
  groupByServer,
  loadFlows,
  mergeFlows,
  percent,
  plural,
  sequenceCountersUsable,
  type FlowRow,
  type MergedFlow,
} from '../../analyzer/rules/lib/pcap-flows.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'pcap/tcp-retransmissions',
  title: 'TCP flows retransmit more than 2% of their segments',
  severity: 'medium',
  category: 'pcap',
  description:
    'Retransmissions mean segments were lost (or badly reordered) between the two ends; a healthy network retransmits well under ' +
    '1%. Above 2%, throughput collapses (each loss halves the congestion window) and requests stall for a retransmission ' +
    'timeout (200 ms to seconds). Causes on a container node: a saturated or faulty link, a full conntrack table or backlog ' +
    'dropping packets, an MTU problem (see pcap/mtu-blackhole), or policing. Comparing the captures of several interfaces ' +
    'shows where the loss happens. A single retransmission in a short flow (a tail loss probe, a reordered segment) is not ' +
    'reported. Captures taken with `tcpdump -i any` in the old cooked v1 format are not used: they show a ' +
    'forwarded packet once per interface, which looks like a retransmission.',
  remediation:
    'Find where the segments are lost:\n' +
    '  nstat -az | grep -Ei "retrans|drop|overflow"   (on both ends)\n' +
    '  ip -s link show <interface>                    (RX/TX errors, dropped, overruns)\n' +
    '  conntrack -S                                   (insert_failed, drop)\n' +
    '  tc -s qdisc show dev <interface>               (drops by a policer or a full queue)\n' +
    'Capture on both ends and on each interface of the path (nodesnap collect --pcap eth0 --pcap flannel.1 --pcap cni0) to see ' +
    'which hop loses the original segment.',
  references: ['https://www.rfc-editor.org/rfc/rfc6298', 'https://www.wireshark.org/docs/wsug_html_chunked/ChAdvTCPAnalysis.html'],
  sources: ['pcap|attachments'],
  parameters: {
    max_rate: { default: 0.02, description: 'retransmitted share of a flow\'s segments above which it is a finding' },
    min_segments: { default: 10, description: 'segments a flow needs before its retransmission rate counts' },
    min_retransmissions: { default: 2, description: 'retransmissions a flow needs: a single one is often a tail loss probe or a reordered segment' },
  },
} satisfies Omit<RuleMeta, 'file'>;

const COUNTERS = ['retransmissions', 'dup_acks', 'df_large_retrans', 'syn', 'syn_ack', 'rst', 'max_packet'] as const;

const rate = (r: FlowRow) => r.retransmissions / r.packets;

/** The capture where the flow retransmits the most. */
const worstRow = (f: MergedFlow) => f.rows.reduce((a, b) => (rate(b) > rate(a) ? b : a));

export function run(ctx: RuleContext): RuleFinding[] {
  const maxRate = Number(ctx.params.max_rate);
  const minSegments = Math.max(1, Math.trunc(Number(ctx.params.min_segments)));
  const minRetransmissions = Math.max(1, Math.trunc(Number(ctx.params.min_retransmissions)));
  const rows = loadFlows(ctx.db, ctx.nodeIds, `f.proto = 'tcp' AND f.retransmissions >= ${minRetransmissions} AND f.packets >= ${minSegments}`).filter(
    (r) => sequenceCountersUsable(r) && rate(r) > maxRate,
  );
  const flows = mergeFlows(rows);
  const groups = groupByServer(flows, (f) => f.lead).map((g) => ({ ...g, items: [...g.items].sort((a, b) => rate(worstRow(b)) - rate(worstRow(a))) }));
  groups.sort((a, b) => rate(worstRow(b.items[0]!)) - rate(worstRow(a.items[0]!)));
  const findings: RuleFinding[] = [];
  for (const g of groups) {
    const worst = g.items[0]!;
    const row = worstRow(worst);
    const others = g.items.length > 1 ? `; ${plural(g.items.length, 'flow')} to ${g.server} are above ${percent(maxRate, 1)}` : '';
    findings.push({
      node_id: g.node_id,
      resource: flowName(worst.lead),
      message:
        `${flowName(worst.lead)} retransmitted ${row.retransmissions} of ${row.packets} segments (${percent(row.retransmissions, row.packets)}) ` +
        `on ${row.member}${others}`,
      evidence: flowsEvidence(g.items, (f) => f.rows.map((r) => flowLine(r, COUNTERS))).join('\n'),
    });
  }
  return capPerNode(findings);
}
