/**
 * pcap/zero-window: a TCP receiver advertised a zero window again and again — its application
 * stopped reading, the socket buffer filled, and the sender had to stall. Not a network fault:
 * the slow side is named so the engineer looks at that process (CPU throttling, a blocked
 * thread, a full disk behind it) instead of at the network.
 */
import { capPerNode, clientText, flowLine, flowName, flowsEvidence, groupByServer, loadFlows, mergeFlows, plural, serverText, type MergedFlow } from '../../analyzer/rules/lib/pcap-flows.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'pcap/zero-window',
  title: 'A TCP receiver advertises a zero window repeatedly (the application stopped reading)',
  severity: 'low',
  category: 'pcap',
  description:
    'A zero receive window means the receiving socket buffer is full: the application on that side is not reading what arrives. ' +
    'The sender then stops and probes until the window opens again, so the connection looks slow or hung although the network ' +
    'is fine. Repeated zero windows in one connection point at the receiving process: a blocked or CPU-throttled container, ' +
    'a consumer slower than its producer, or an application that stopped reading a socket it still holds open.',
  remediation:
    'Look at the receiving side named in the finding:\n' +
    '  ss -tmi dst <peer>                 (Recv-Q that does not drain: the application does not read)\n' +
    '  cat /sys/fs/cgroup/cpu,cpuacct/<container cgroup>/cpu.stat   (nr_throttled growing: CPU limit too low)\n' +
    '  top -H -p <pid> / a thread dump    (is the reading thread blocked on a lock, disk or downstream call?)\n' +
    'Raise the CPU limit or fix the slow consumer; a bigger buffer (net.ipv4.tcp_rmem) only postpones the stall.',
  references: ['https://www.rfc-editor.org/rfc/rfc9293#section-3.8.6.1', 'https://wiki.wireshark.org/TCP_ZeroWindow'],
  sources: ['pcap|attachments'],
  parameters: {
    min_zero_windows: { default: 3, description: 'zero-window advertisements in one connection that make it a finding' },
  },
} satisfies Omit<RuleMeta, 'file'>;

const COUNTERS = ['zero_window', 'retransmissions', 'rst', 'rst_from'] as const;

const zeroWindows = (f: MergedFlow) => Math.max(...f.rows.map((r) => r.zero_window));

/** The side that received the data: the one that sent fewer bytes. */
function receiver(f: MergedFlow): { role: 'client' | 'server'; endpoint: string; took: number; sent: number } {
  const r = f.lead;
  return r.client_bytes >= r.server_bytes
    ? { role: 'server', endpoint: serverText(r), took: r.client_bytes, sent: r.server_bytes }
    : { role: 'client', endpoint: clientText(r), took: r.server_bytes, sent: r.client_bytes };
}

export function run(ctx: RuleContext): RuleFinding[] {
  const min = Number(ctx.params.min_zero_windows);
  const flows = mergeFlows(loadFlows(ctx.db, ctx.nodeIds, "f.proto = 'tcp' AND f.zero_window > 0")).filter((f) => zeroWindows(f) >= min);
  const findings: RuleFinding[] = [];
  const groups = groupByServer(flows, (f) => f.lead).map((g) => ({ ...g, items: [...g.items].sort((a, b) => zeroWindows(b) - zeroWindows(a)) }));
  groups.sort((a, b) => zeroWindows(b.items[0]!) - zeroWindows(a.items[0]!));
  for (const g of groups) {
    const worst = g.items[0]!;
    const side = receiver(worst);
    const others = g.items.length > 1 ? ` (${plural(g.items.length, 'connection')} to ${g.server} show it)` : '';
    const ended = worst.lead.rst > 0 ? ', and the connection ended in a RST' : '';
    findings.push({
      node_id: g.node_id,
      resource: flowName(worst.lead),
      message:
        `${flowName(worst.lead)}: the receiver advertised a zero window ${zeroWindows(worst)} times${others}: the ${side.role} ${side.endpoint} ` +
        `(it took ${side.took} bytes and sent ${side.sent}) stopped reading, so the sender stalled${ended}`,
      evidence: flowsEvidence(g.items, (f) => f.rows.map((r) => flowLine(r, COUNTERS)), 'connections').join('\n'),
    });
  }
  return capPerNode(findings);
}
