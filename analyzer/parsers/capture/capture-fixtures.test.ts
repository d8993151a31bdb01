/**
 * The capture parsers on real captures made by test/fixtures/pcap/make-captures.sh (network
 * namespaces, veth pairs, VXLAN on port 8472, tcpdump): each file is one scenario the pcap/ rules
 * look for, and the numbers below were checked against `tcpdump -r FILE -n`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '../types.js';
import { parseCaptureBytes, type ParsedCapture } from './testing/frames.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/pcap');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

async function parseFixture(file: string, o: { source?: 'pcap' | 'attachments'; iface?: string; chunkSize?: number } = {}): Promise<ParsedCapture> {
  const source = o.source ?? 'pcap';
  return parseCaptureBytes(fixture(file), { source, name: source === 'pcap' ? `${o.iface ?? 'va'}.pcap` : `01-${file}`, chunkSize: o.chunkSize ?? 65536 });
}

function where(flows: Row[], match: Row): Row[] {
  return flows.filter((f) => Object.entries(match).every(([k, v]) => f[k] === v));
}

function one(flows: Row[], match: Row): Row {
  const found = where(flows, match);
  expect(found, JSON.stringify(match)).toHaveLength(1);
  return found[0]!;
}

/** Flow rows without what differs between two files of the same capture. */
function comparable(flows: Row[]): Row[] {
  return flows.map(({ member: _m, interface: _i, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Every IP packet of a capture is in exactly one outer flow. */
function expectPacketsAccountedFor(parsed: ParsedCapture): void {
  for (const file of parsed.files) {
    const outer = parsed.flows.filter((f) => f.interface === file.interface && f.inner === 0);
    const inFlows = outer.reduce((sum, f) => sum + (f.packets as number), 0);
    expect(inFlows + (file.non_ip as number) + (file.fragments as number) + (file.undecoded as number)).toBe(file.packets);
  }
}

describe('basic.pcap: HTTP over IPv4 and IPv6, a refused connection, pings, UDP to a closed port', () => {
  it('describes the file', async () => {
    const parsed = await parseFixture('basic.pcap');
    expect(parsed.files).toEqual([
      {
        member: 'pcap/va.pcap',
        interface: 'va',
        link_type: 1,
        format: 'pcap',
        precision: 'us',
        snaplen: 262144,
        packets: 60,
        bytes: 5647,
        snapped: 0,
        non_ip: 0,
        fragments: 0,
        undecoded: 0,
        headers_cut: 0,
        flows: 18,
        overflow_packets: 0,
        first_ts: '2026-11-22T00:30:36.361105Z',
        last_ts: '2026-11-22T00:30:39.249986Z',
        truncated: 0,
        error: null,
      },
    ]);
    expect(parsed.errors).toEqual([]);
    expectPacketsAccountedFor(parsed);
  });

  it('finds the TCP connections with their handshakes and closes', async () => {
    const { flows } = await parseFixture('basic.pcap');
    const http = where(flows, { proto: 'tcp', server_port: 8080 });
    expect(http.map((f) => [f.ip_version, f.client_addr, f.server_addr, f.packets, f.syn, f.syn_ack, f.fin, f.rst, f.retransmissions, f.role_source])).toEqual([
      [4, '10.99.0.1', '10.99.0.2', 12, 1, 1, 2, 0, 0, 'syn'],
      [4, '10.99.0.1', '10.99.0.2', 12, 1, 1, 2, 0, 0, 'syn'],
      [6, 'fd00:99::1', 'fd00:99::2', 12, 1, 1, 2, 0, 0, 'syn'],
    ]);
    expect(http[0]).toMatchObject({ client_mss: 1460, server_mss: 1460, interface: 'va', inner: 0, vxlan_vni: null, ifindex: null });
    expect(http[0]!.client_packets as number).toBeGreaterThan(0);
    expect((http[0]!.client_bytes as number) + (http[0]!.server_bytes as number)).toBe(http[0]!.bytes);
  });

  it('names the server as the sender of the RST that refused the connection', async () => {
    const { flows } = await parseFixture('basic.pcap');
    expect(one(flows, { proto: 'tcp', server_port: 9 })).toMatchObject({ client_addr: '10.99.0.1', server_addr: '10.99.0.2', syn: 1, syn_ack: 0, rst: 1, rst_from: 'server', rst_after_out_of_window: 0, packets: 2 });
  });

  it('pairs echo requests and replies, IPv4 and IPv6', async () => {
    const { flows } = await parseFixture('basic.pcap');
    const v4 = one(flows, { proto: 'icmp', role_source: 'echo' });
    expect(v4).toMatchObject({ client_addr: '10.99.0.1', server_addr: '10.99.0.2', packets: 6, client_packets: 3, server_packets: 3 });
    expect(v4.client_port).toBe(v4.server_port); // the echo identifier
    expect(one(flows, { proto: 'icmp6', role_source: 'echo' })).toMatchObject({ client_addr: 'fd00:99::1', server_addr: 'fd00:99::2', packets: 4 });
  });

  it('ties the ICMP port unreachable to the UDP flow it answers', async () => {
    const { flows } = await parseFixture('basic.pcap');
    expect(one(flows, { proto: 'udp', server_port: 5353 })).toMatchObject({ client_addr: '10.99.0.1', packets: 1, icmp_unreachable: 1, icmp_frag_needed: 0 });
    expect(one(flows, { proto: 'icmp', client_port: null, icmp_unreachable: 1 })).toMatchObject({ client_addr: '10.99.0.2', server_addr: '10.99.0.1' });
  });
});

describe('the same capture in other encodings gives the same flows', () => {
  it('big-endian pcap, pcapng, and any chunking', async () => {
    const reference = await parseFixture('basic.pcap');
    const bigEndian = await parseFixture('basic-be.pcap', { source: 'attachments' });
    const pcapng = await parseFixture('basic.pcapng', { source: 'attachments' });
    expect(comparable(bigEndian.flows)).toEqual(comparable(reference.flows));
    expect(comparable(pcapng.flows)).toEqual(comparable(reference.flows));
    expect(bigEndian.files[0]).toMatchObject({ interface: null, format: 'pcap', packets: 60 });
    expect(pcapng.files).toHaveLength(1);
    expect(pcapng.files[0]).toMatchObject({ interface: 'va', format: 'pcapng', precision: 'us', packets: 60, first_ts: reference.files[0]!.first_ts, last_ts: reference.files[0]!.last_ts });
    for (const chunkSize of [1, 3, 1000]) {
      expect(await parseFixture('basic.pcap', { chunkSize })).toEqual(reference);
      expect((await parseFixture('basic.pcapng', { source: 'attachments', chunkSize })).flows).toEqual(pcapng.flows);
    }
  });
});

describe('VXLAN (flannel port 8472) captured outside and inside the tunnel', () => {
  it('decapsulates: each inner flow of the underlay capture is the flow of the vxlan device capture', async () => {
    const outer = await parseFixture('vxlan-outer.pcap', { iface: 'va' });
    const inner = await parseFixture('vxlan-inner.pcap', { iface: 'vx0' });
    const tunnelled = where(outer.flows, { inner: 1 });
    expect(tunnelled.map((f) => [f.proto, f.vxlan_vni, f.client_addr, f.server_addr, f.packets])).toEqual([
      ['icmp', 42, '10.200.0.1', '10.200.0.2', 4],
      ['tcp', 42, '10.200.0.1', '10.200.0.2', 12],
    ]);
    const tuple = (f: Row) => [f.proto, f.client_addr, f.client_port, f.server_addr, f.server_port, f.packets, f.bytes, f.syn, f.fin].join(' ');
    expect(tunnelled.map(tuple)).toEqual(inner.flows.map(tuple));
    expect(inner.flows.every((f) => f.inner === 0 && f.vxlan_vni === null)).toBe(true);
    // the tunnel itself: UDP to 8472 between the nodes, one flow per source port and direction
    const tunnels = where(outer.flows, { proto: 'udp', server_port: 8472, inner: 0 });
    expect(tunnels.length).toBeGreaterThanOrEqual(2);
    expect(tunnels.every((f) => ['10.99.0.1', '10.99.0.2'].includes(f.client_addr as string))).toBe(true);
    expectPacketsAccountedFor(outer);
    expect(inner.files[0]).toMatchObject({ interface: 'vx0', non_ip: 2, packets: 18 });
  });

  it('a big-endian pcapng with both interfaces has a file row and flows per interface', async () => {
    const both = await parseFixture('vxlan-be.pcapng', { source: 'attachments' });
    expect(both.files.map((f) => [f.interface, f.format, f.packets, f.flows])).toEqual([
      ['va', 'pcapng', 22, where(both.flows, { interface: 'va' }).length],
      ['vx0', 'pcapng', 18, where(both.flows, { interface: 'vx0' }).length],
    ]);
    const outer = await parseFixture('vxlan-outer.pcap');
    const inner = await parseFixture('vxlan-inner.pcap');
    expect(comparable(where(both.flows, { interface: 'va' }))).toEqual(comparable(outer.flows));
    expect(comparable(where(both.flows, { interface: 'vx0' }))).toEqual(comparable(inner.flows));
  });
});

describe('tcpdump -i any', () => {
  it('Linux cooked v2 with nanosecond timestamps: interface index per flow, microseconds kept', async () => {
    const raw = fixture('any-sll2-nano.pcap');
    const parsed = await parseFixture('any-sll2-nano.pcap', { iface: 'any' });
    expect(parsed.files[0]).toMatchObject({ interface: 'any', link_type: 276, precision: 'ns', undecoded: 0 });
    const seconds = raw.readUInt32LE(24);
    const nanos = raw.readUInt32LE(28);
    const expected = new Date(seconds * 1000).toISOString().slice(0, 19) + '.' + String(Math.floor(nanos / 1000)).padStart(6, '0') + 'Z';
    expect(parsed.files[0]!.first_ts).toBe(expected);
    const http = one(parsed.flows, { proto: 'tcp', server_port: 8080 });
    expect(http).toMatchObject({ syn: 1, syn_ack: 1, fin: 2, packets: 12, retransmissions: 0 });
    expect(typeof http.ifindex).toBe('number');
    expectPacketsAccountedFor(parsed);
  });

  it('Linux cooked v1', async () => {
    const parsed = await parseFixture('any-sll.pcap', { iface: 'any' });
    expect(parsed.files[0]).toMatchObject({ link_type: 113, undecoded: 0 });
    // the capture stopped before the connection closed: tcpdump -r shows the same 8 packets
    expect(one(parsed.flows, { proto: 'tcp', server_port: 8080 })).toMatchObject({ syn: 1, syn_ack: 1, fin: 0, packets: 8, ifindex: null });
    expectPacketsAccountedFor(parsed);
  });
});

describe('scenarios of the pcap/ rules', () => {
  it('pcap/syn-unanswered: the SYN is retransmitted and never answered', async () => {
    const { flows } = await parseFixture('syn-unanswered.pcap');
    expect(one(flows, { proto: 'tcp' })).toMatchObject({ client_addr: '10.99.0.1', server_addr: '10.99.0.2', server_port: 8081, packets: 4, syn: 4, syn_ack: 0, retransmissions: 3, client_mss: 1460, server_mss: null, role_source: 'syn' });
  });

  it('Simple Packet Blocks carry no time: the flows are the same, the times are NULL', async () => {
    const spb = await parseFixture('syn-unanswered-spb.pcapng', { source: 'attachments' });
    const pcap = await parseFixture('syn-unanswered.pcap');
    const withoutTimes = (rows: Row[]) => comparable(rows).map(({ first_ts: _a, last_ts: _b, first_time: _c, last_time: _d, ...rest }) => rest);
    expect(withoutTimes(spb.flows)).toEqual(withoutTimes(pcap.flows));
    expect(spb.flows.every((f) => f.first_ts === null && f.last_time === null)).toBe(true);
    expect(spb.files[0]).toMatchObject({ first_ts: null, last_ts: null, packets: pcap.files[0]!.packets });
  });

  it('pcap/zero-window: the receiver advertises a zero window, then resets', async () => {
    const parsed = await parseFixture('zero-window.pcap');
    expect(one(parsed.flows, { proto: 'tcp' })).toMatchObject({ server_port: 8082, zero_window: 4, rst: 1, rst_from: 'server', rst_after_out_of_window: 0, dup_acks: 0, retransmissions: 0, out_of_window: 0 });
    // snaplen 96: TCP headers fit, the inner headers of two stray VXLAN packets do not
    expect(parsed.files[0]).toMatchObject({ snaplen: 96, snapped: 4, headers_cut: 2, undecoded: 0 });
    expect(parsed.errors).toEqual([]);
  });

  it('pcap/mtu-blackhole: ICMP fragmentation needed, quoted flow and next-hop MTU', async () => {
    const { flows } = await parseFixture('mtu-fragneeded.pcap');
    expect(one(flows, { proto: 'udp', server_port: 9999 })).toMatchObject({ server_addr: '10.98.0.2', max_packet: 1328, icmp_frag_needed: 1, icmp_mtu: 1200 });
    expect(one(flows, { proto: 'icmp', icmp_frag_needed: 1 })).toMatchObject({ client_addr: '10.99.0.2', icmp_mtu: 1200 });
    // the later TCP connection used the learnt path MTU: nothing over 1200, no retransmission
    expect(one(flows, { proto: 'tcp', server_port: 9000 })).toMatchObject({ client_mss: 1160, max_packet: 1200, retransmissions: 0, df_large_retrans: 0 });
  });

  it('pcap/mtu-blackhole: without the ICMP, large DF segments are retransmitted while small ones pass', async () => {
    const parsed = await parseFixture('mtu-blackhole.pcap');
    expect(one(parsed.flows, { proto: 'tcp' })).toMatchObject({ server_port: 9000, server_mss: 1460, max_packet: 1500, max_segment: 1448, retransmissions: 4, df_large_retrans: 4, icmp_frag_needed: 0, syn_ack: 1 });
    expect(parsed.files[0]).toMatchObject({ snaplen: 96, snapped: 15, headers_cut: 0 });
  });
});

describe('attachments that are not captures', () => {
  const log = Buffer.from('2024-03-14T09:58:01+0800 master1 kubelet[912]: I0314 09:58:01.123456 912 server.go:1] started\n');

  it('give no rows at all', async () => {
    expect(await parseCaptureBytes(log, { source: 'attachments', name: '02-kubelet.log' })).toEqual({ files: [], flows: [], errors: [], other: [] });
    expect(await parseCaptureBytes(Buffer.from('ab'), { source: 'attachments', name: '03-x' })).toEqual({ files: [], flows: [], errors: [], other: [] });
    expect(await parseCaptureBytes(Buffer.alloc(0), { source: 'attachments', name: '04-empty' })).toEqual({ files: [], flows: [], errors: [], other: [] });
  });

  it('but a --pcap member that is not a capture is an error', async () => {
    const parsed = await parseCaptureBytes(log, { source: 'pcap', name: 'eth0.pcap' });
    expect(parsed.files).toEqual([expect.objectContaining({ interface: 'eth0', packets: 0, error: 'not a pcap or pcapng file (it starts with 32 30 32 34)' })]);
    expect(parsed.errors).toEqual([{ message: 'not a pcap or pcapng file (it starts with 32 30 32 34)' }]);
  });
});
