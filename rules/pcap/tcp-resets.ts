/**
 * pcap/tcp-resets: TCP connections of a capture that end in a RST instead of a FIN exchange.
 * Each finding says who sent the RST (client or server side, with its address) and what came
 * just before it. The telling case (seed 001): the RST comes right after the peer sent data
 * beyond the window the RST sender had advertised — conntrack marked that segment INVALID, did
 * not reverse the NAT for it, and the node's own stack, which has no socket on the translated
 * port, answered with the RST that kills the real connection.
 */
import type { Database } from 'better-sqlite3';
import { capPerNode, clientText, flowLine, flowName, flowsEvidence, groupByServer, loadFlows, mergeFlows, plural, serverText, type FlowRow, type MergedFlow } from '../../analyzer/rules/lib/pcap-flows.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'pcap/tcp-resets',
  title: 'TCP connections end in a RST (who sent it, and whether out-of-window data came just before)',
  severity: 'medium',
  category: 'pcap',
  description:
    'A connection that ends in a RST was aborted: a refused connection (nothing listens, or a REJECT --reject-with tcp-reset ' +
    'rule), an application that closed with unread data, or a stack that received a segment for a connection it does not know. ' +
    'The last one is the conntrack INVALID trap of NAT nodes: a segment beyond the receiver\'s window is marked INVALID, is ' +
    'not un-NATed, reaches the node\'s own stack on the translated address and port, and the RST it triggers tears down the real ' +
    'connection ("connection reset by peer" on uploads from containers). Connections that completed their FIN exchange before ' +
    'the RST, and connections the client aborted before any data (health checks, scans), are not reported.',
  remediation:
    'When the RST follows out-of-window data (the conntrack INVALID pattern), on the node that does the NAT either drop INVALID ' +
    'packets before they reach the stack:\n' +
    '  iptables -I FORWARD -m conntrack --ctstate INVALID -j DROP\n' +
    '  iptables -I INPUT -m conntrack --ctstate INVALID -j DROP\n' +
    'or let conntrack accept out-of-window segments:\n' +
    '  sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1\n' +
    '  echo "net.netfilter.nf_conntrack_tcp_be_liberal = 1" > /etc/sysctl.d/90-conntrack.conf\n' +
    'Watch them with: conntrack -S (invalid=) and iptables -I INPUT -m conntrack --ctstate INVALID -j LOG --log-prefix "invalid: ".\n' +
    'A refused connection: check that something listens on the server port (ss -ltnp) and which rule rejects it (iptables-save -c | grep REJECT). ' +
    'A RST from an application: look at its logs for aborted requests and timeouts.',
  references: [
    'https://kubernetes.io/blog/2019/03/29/kube-proxy-subtleties-debugging-an-intermittent-connection-reset/',
    'https://www.kernel.org/doc/Documentation/networking/nf_conntrack-sysctl.txt',
    'https://www.rfc-editor.org/rfc/rfc9293#section-3.5.2',
  ],
  sources: ['pcap|attachments'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const COUNTERS = ['syn', 'syn_ack', 'fin', 'rst', 'rst_from', 'rst_after_out_of_window', 'out_of_window', 'retransmissions'] as const;

type Kind = 'out-of-window' | 'out-of-window-earlier' | 'refused' | 'reset';

/** The most telling row of a flow: one where the RST followed out-of-window data, else the first with a RST. */
function rstRow(f: MergedFlow): FlowRow {
  return f.rows.find((r) => r.rst_after_out_of_window) ?? f.rows.find((r) => r.rst > 0 && r.out_of_window > 0) ?? f.rows.find((r) => r.rst > 0) ?? f.lead;
}

function kindOf(f: MergedFlow): Kind | null {
  const r = rstRow(f);
  if (r.rst_after_out_of_window) return 'out-of-window';
  if (r.out_of_window > 0) return 'out-of-window-earlier';
  // a RST after both FINs only finishes a connection that had already closed
  if (f.rows.every((x) => x.fin >= 2)) return null;
  if (r.syn > 0 && r.syn_ack === 0 && r.rst_from === 'server') return 'refused';
  // connect, then abort without a byte of data: a health check or scan closing without TIME_WAIT
  if (r.rst_from === 'client' && f.rows.every((x) => x.max_segment === 0)) return null;
  return 'reset';
}

const RANK: Readonly<Record<Kind, number>> = { 'out-of-window': 0, 'out-of-window-earlier': 1, reset: 2, refused: 3 };

/** `net.netfilter.nf_conntrack_tcp_be_liberal = 0` and any INVALID DROP rule of each node, to show whether the trap is armed. */
function conntrackContext(db: Database, nodeIds: readonly number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const add = (node: number, line: string) => out.set(node, [...(out.get(node) ?? []), line]);
  const ids = nodeIds.map((n) => Math.trunc(n)).join(', ') || 'NULL';
  for (const r of db.prepare(`SELECT node_id, key, value FROM sysctls WHERE key = 'net.netfilter.nf_conntrack_tcp_be_liberal' AND node_id IN (${ids})`).all() as { node_id: number; key: string; value: string }[]) {
    add(r.node_id, `${r.key} = ${r.value}`);
  }
  const drops = db
    .prepare(`SELECT node_id, spec FROM iptables_rules WHERE ctstate LIKE '%INVALID%' AND target = 'DROP' AND table_name = 'filter' AND node_id IN (${ids}) ORDER BY node_id, line`)
    .all() as { node_id: number; spec: string }[];
  const withDrop = new Set(drops.map((d) => d.node_id));
  for (const d of drops) add(d.node_id, d.spec);
  const hasRules = new Set((db.prepare(`SELECT DISTINCT node_id FROM iptables_rules WHERE node_id IN (${ids})`).all() as { node_id: number }[]).map((r) => r.node_id));
  for (const node of hasRules) if (!withDrop.has(node)) add(node, 'no iptables rule drops --ctstate INVALID packets');
  return out;
}

function outcome(kind: Kind, f: MergedFlow): string {
  const r = rstRow(f);
  const senderRole = r.rst_from === 'client' ? 'client' : 'server';
  const sender = `the ${senderRole} side (${senderRole === 'client' ? clientText(r) : serverText(r)})`;
  const peer = senderRole === 'client' ? `the server (${serverText(r)})` : `the client (${clientText(r)})`;
  switch (kind) {
    case 'out-of-window':
      return (
        `was reset by ${sender} right after ${peer} sent data beyond the window the ${senderRole} had advertised: ` +
        'the conntrack INVALID pattern, where such a segment is not un-NATed and the stack that gets it answers with a RST'
      );
    case 'out-of-window-earlier':
      return (
        `was reset by ${sender} after the connection had carried ${plural(r.out_of_window, 'segment')} beyond the receiver's window: ` +
        'conntrack may have lost track of the window and found a later segment INVALID'
      );
    case 'refused':
      return `was refused: ${sender} answered the SYN with a RST (nothing listens there, or a REJECT --reject-with tcp-reset rule)`;
    default:
      return `ended in a RST from ${sender} after ${r.packets} packets${r.fin > 0 ? ` and ${plural(r.fin, 'FIN')}` : ''}`;
  }
}

export function run(ctx: RuleContext): RuleFinding[] {
  const flows = mergeFlows(loadFlows(ctx.db, ctx.nodeIds, "f.proto = 'tcp' AND f.rst > 0"));
  const classified = flows.map((f) => ({ f, kind: kindOf(f) })).filter((x): x is { f: MergedFlow; kind: Kind } => x.kind !== null);
  const groups = groupByServer(classified, (x) => x.f.lead, (x) => `${x.kind}|${rstRow(x.f).rst_from}`);
  groups.sort((a, b) => RANK[a.items[0]!.kind] - RANK[b.items[0]!.kind] || b.items.length - a.items.length);
  const context = conntrackContext(ctx.db, ctx.nodeIds);
  const findings: RuleFinding[] = [];
  for (const g of groups) {
    const { f, kind } = g.items[0]!;
    const others = g.items.length > 1 ? ` (${plural(g.items.length, 'connection')} to ${g.server} alike)` : '';
    const evidence = flowsEvidence(g.items, (x) => x.f.rows.map((r) => flowLine(r, COUNTERS)), 'connections');
    if (kind === 'out-of-window' || kind === 'out-of-window-earlier') evidence.push(...(context.get(g.node_id) ?? []));
    findings.push({
      node_id: g.node_id,
      resource: flowName(f.lead),
      message: `${flowName(f.lead)} ${outcome(kind, f)}${others}`,
      evidence: evidence.join('\n'),
    });
  }
  return capPerNode(findings);
}
