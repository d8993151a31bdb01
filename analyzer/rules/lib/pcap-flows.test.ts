/**
 * How the pcap/ rules name, merge and group flows (pcap-flows.ts), on rows shaped like pcap_flows.
 */
import { describe, expect, it } from 'vitest';
import { endpointsIn } from '../../report/pictures/packet-path.js';
import { capPerNode, flowKey, flowLine, flowName, groupByServer, mergeFlows, percent, sequenceCountersUsable, whereSeen, type FlowRow } from './pcap-flows.js';

function row(over: Partial<FlowRow>): FlowRow {
  return {
    node_id: 1, member: 'pcap/eth0.pcap', interface: 'eth0', ifindex: null, link_type: 1, proto: 'tcp', ip_version: 4,
    client_addr: '10.244.2.5', client_port: 49526, server_addr: '10.244.1.7', server_port: 8080, role_source: 'syn',
    vxlan_vni: null, inner: 0, packets: 4, bytes: 240, client_packets: 4, server_packets: 0, client_bytes: 240, server_bytes: 0,
    syn: 4, syn_ack: 0, fin: 0, rst: 0, rst_from: null, rst_after_out_of_window: 0, out_of_window: 0, retransmissions: 3, dup_acks: 0,
    zero_window: 0, max_segment: 0, max_packet: 60, client_mss: 1410, server_mss: null, df_large_retrans: 0, icmp_frag_needed: 0,
    icmp_mtu: null, icmp_unreachable: 0, first_ts: '2026-11-22T00:55:09.302381Z', last_ts: '2026-11-22T00:55:12.363611Z',
    first_time: 1795308909.302381, last_time: 1795308912.363611, ...over,
  };
}

describe('flow names', () => {
  it('write client -> server (proto), IPv6 in brackets, ICMP without ports', () => {
    expect(flowName(row({}))).toBe('10.244.2.5:49526 -> 10.244.1.7:8080 (tcp)');
    expect(flowName(row({ client_addr: 'fd00:99::1', server_addr: 'fd00:99::2', client_port: 35976 }))).toBe('[fd00:99::1]:35976 -> [fd00:99::2]:8080 (tcp)');
    expect(flowName(row({ proto: 'icmp', client_port: 26058, server_port: 26058 }))).toBe('10.244.2.5 -> 10.244.1.7 (icmp)');
  });

  it('are what the packet-path picture reads back', () => {
    const six = flowName(row({ client_addr: 'fd00:99::1', server_addr: 'fd00:99::2', client_port: 35976 }));
    expect(endpointsIn(six).map((e) => `${e.address} ${e.port}`)).toEqual(['fd00:99::1 35976', 'fd00:99::2 8080']);
    expect(endpointsIn(flowName(row({}))).map((e) => `${e.address} ${e.port}`)).toEqual(['10.244.2.5 49526', '10.244.1.7 8080']);
  });

  it('say where a row was seen', () => {
    expect(whereSeen(row({}))).toBe('pcap/eth0.pcap');
    expect(whereSeen(row({ inner: 1, vxlan_vni: 1 }))).toBe('pcap/eth0.pcap inside VXLAN 1');
    expect(whereSeen(row({ member: 'pcap/any.pcap', interface: 'any', ifindex: 4 }))).toBe('pcap/any.pcap ifindex 4');
    expect(whereSeen(row({ member: 'attachments/01-x.pcapng', interface: 'va' }))).toBe('attachments/01-x.pcapng interface va');
  });

  it('quote counters by column name, with the time span', () => {
    expect(flowLine(row({}), ['syn', 'syn_ack'])).toBe(
      'pcap/eth0.pcap: 10.244.2.5:49526 -> 10.244.1.7:8080 (tcp) packets=4 (client 4, server 0) syn=4 syn_ack=0 00:55:09.302381-00:55:12.363611',
    );
    expect(flowLine(row({ first_ts: null, last_ts: null }), ['syn'])).toMatch(/syn=4$/);
  });
});

describe('merging and grouping', () => {
  it('merges one flow across captures, oriented like the row that saw the SYN', () => {
    const guessed = row({
      member: 'pcap/cni0.pcap', interface: 'cni0', role_source: 'port', client_addr: '10.244.1.7', client_port: 8080, server_addr: '10.244.2.5',
      server_port: 49526, client_packets: 0, server_packets: 4, rst: 1, rst_from: 'client',
    });
    expect(flowKey(guessed)).toBe(flowKey(row({})));
    const [merged, ...rest] = mergeFlows([guessed, row({})]);
    expect(rest).toEqual([]);
    expect(merged!.lead.member).toBe('pcap/eth0.pcap');
    const flipped = merged!.rows.find((r) => r.member === 'pcap/cni0.pcap')!;
    expect([flipped.client_addr, flipped.client_packets, flipped.server_packets, flipped.rst_from]).toEqual(['10.244.2.5', 4, 0, 'server']);
  });

  it('groups flows by node and server endpoint', () => {
    const flows = mergeFlows([row({}), row({ client_port: 49530 }), row({ server_port: 9000 }), row({ node_id: 2 })]);
    const groups = groupByServer(flows, (f) => f.lead);
    expect(groups.map((g) => [g.node_id, g.server, g.items.length])).toEqual([
      [1, '10.244.1.7:8080 (tcp)', 2],
      [1, '10.244.1.7:9000 (tcp)', 1],
      [2, '10.244.1.7:8080 (tcp)', 1],
    ]);
  });

  it('keeps the first findings of a node and counts the rest', () => {
    const findings = [1, 2, 3].map((i) => ({ node_id: 7, resource: `r${i}`, message: 'm', evidence: 'e' }));
    const kept = capPerNode(findings, 2);
    expect(kept.map((f) => f.resource)).toEqual(['r1', 'r2']);
    expect(kept[1]!.evidence).toBe('e\n(1 more findings of this rule on this node are not listed)');
    expect(findings[1]!.evidence).toBe('e');
  });
});

describe('helpers', () => {
  it('distrust sequence counters of cooked v1 -i any captures only', () => {
    expect(sequenceCountersUsable(row({ link_type: 113 }))).toBe(false);
    expect(sequenceCountersUsable(row({ link_type: 276 }))).toBe(true);
    expect(sequenceCountersUsable(row({ link_type: null }))).toBe(true);
  });

  it('print percentages with one decimal below 10', () => {
    expect(percent(10, 181)).toBe('5.5%');
    expect(percent(4, 18)).toBe('22%');
    expect(percent(1, 0)).toBe('0%');
  });
});
