/**
 * Flows of one capture member, keyed on a direction-independent tuple: IP version, protocol,
 * VXLAN VNI, cooked-v2 interface index, capture interface, and the two endpoints (address and
 * port) in byte order. The key is built in a scratch buffer and read as one short latin1 string,
 * so a packet costs one small string and one Map lookup. The table holds at most `maxFlows`
 * flows; packets of further flows are counted as overflow.
 */
import { Flow, SIDE_A, SIDE_B, type Side } from './flow.js';
import { formatAddress, isoFromMicros, secondsFromMicros } from './format-values.js';
import { IpPacket, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from './ip-packet.js';
import type { Row } from '../types.js';

/** Per-member flow limit: about 100 MB of flow state at most. */
export const MAX_FLOWS = 200_000;

const PROTO_NAMES: Readonly<Record<number, string>> = { [PROTO_TCP]: 'tcp', [PROTO_UDP]: 'udp', [PROTO_ICMP]: 'icmp', [PROTO_ICMPV6]: 'icmp6' };

export class FlowTable {
  private readonly flows = new Map<string, Flow>();
  private readonly scratch = Buffer.alloc(64);
  /** Set by key(): the source is the low endpoint. */
  private srcIsLow = true;
  /** Packets of flows that did not fit, per capture interface. */
  readonly overflow: number[] = [];

  constructor(private readonly maxFlows: number = MAX_FLOWS) {}

  get size(): number {
    return this.flows.size;
  }

  /** Counts a decoded IP packet seen on capture interface `iface`. */
  add(pkt: IpPacket, iface: number, tsUs: number): void {
    const key = this.key(iface, pkt.ipVersion, pkt.proto, pkt.buf, pkt.addrLength, pkt.srcOffset, pkt.dstOffset, pkt.hasPorts, pkt.srcPort, pkt.dstPort, pkt.vni, pkt.ifindex);
    const flow = this.lookup(key, iface, pkt, pkt.srcOffset, pkt.dstOffset, pkt.proto, pkt.hasPorts, pkt.srcPort, pkt.dstPort);
    if (flow === undefined) {
      this.overflow[iface] = (this.overflow[iface] ?? 0) + 1;
      return;
    }
    const side: Side = this.srcIsLow === flow.aIsLow ? SIDE_A : SIDE_B;
    flow.count(side, pkt, tsUs);
    if (pkt.proto === PROTO_TCP) flow.tcp(side, pkt);
    else flow.other(side);
    if (pkt.icmpType >= 0) this.icmp(flow, side, pkt, iface, tsUs);
  }

  private icmp(flow: Flow, side: Side, pkt: IpPacket, iface: number, tsUs: number): void {
    const v6 = pkt.proto === PROTO_ICMPV6;
    if (v6 ? pkt.icmpType === 128 : pkt.icmpType === 8) flow.setClient(side, 'echo');
    else if (v6 ? pkt.icmpType === 129 : pkt.icmpType === 0) flow.setClient(side === SIDE_A ? SIDE_B : SIDE_A, 'echo');
    const fragNeeded = pkt.icmpMtu >= 0;
    const unreachable = !fragNeeded && (v6 ? pkt.icmpType === 1 : pkt.icmpType === 3);
    if (!fragNeeded && !unreachable) return;
    const targets: Flow[] = [flow];
    if (pkt.quoted) {
      const key = this.key(iface, pkt.ipVersion, pkt.quotedProto, pkt.buf, pkt.addrLength, pkt.quotedSrcOffset, pkt.quotedDstOffset, pkt.quotedHasPorts, pkt.quotedSrcPort, pkt.quotedDstPort, pkt.vni, pkt.ifindex);
      const quoted = this.lookup(key, iface, pkt, pkt.quotedSrcOffset, pkt.quotedDstOffset, pkt.quotedProto, pkt.quotedHasPorts, pkt.quotedSrcPort, pkt.quotedDstPort);
      if (quoted !== undefined && quoted !== flow) {
        if (!Number.isNaN(tsUs)) quoted.touch(tsUs);
        targets.push(quoted);
      }
    }
    for (const target of targets) {
      if (unreachable) target.icmpUnreachable++;
      else {
        target.icmpFragNeeded++;
        if (target.icmpMtu < 0 || pkt.icmpMtu < target.icmpMtu) target.icmpMtu = pkt.icmpMtu;
      }
    }
  }

  private lookup(key: string, iface: number, pkt: IpPacket, srcOffset: number, dstOffset: number, proto: number, hasPorts: boolean, srcPort: number, dstPort: number): Flow | undefined {
    let flow = this.flows.get(key);
    if (flow !== undefined) return flow;
    if (this.flows.size >= this.maxFlows) return undefined;
    flow = new Flow(
      iface,
      proto,
      pkt.ipVersion,
      formatAddress(pkt.buf, srcOffset, pkt.addrLength),
      hasPorts ? srcPort : -1,
      formatAddress(pkt.buf, dstOffset, pkt.addrLength),
      hasPorts ? dstPort : -1,
      hasPorts,
      pkt.vni,
      pkt.vni >= 0,
      pkt.ifindex,
    );
    flow.aIsLow = this.srcIsLow;
    this.flows.set(key, flow);
    return flow;
  }

  /** The flow key; sets srcIsLow. */
  private key(iface: number, ipVersion: number, proto: number, buf: Buffer, addrLength: number, src: number, dst: number, hasPorts: boolean, srcPort: number, dstPort: number, vni: number, ifindex: number): string {
    const k = this.scratch;
    k[0] = ipVersion;
    k[1] = proto;
    k.writeInt32LE(vni, 2);
    k.writeInt32LE(ifindex, 6);
    k.writeUInt16LE(iface & 0xffff, 10);
    if (!hasPorts) srcPort = dstPort = 0;
    let order = 0;
    for (let i = 0; i < addrLength && order === 0; i++) order = buf[src + i]! - buf[dst + i]!;
    if (order === 0) order = srcPort - dstPort;
    const srcLow = order <= 0;
    this.srcIsLow = srcLow;
    let o = 12;
    const lowAddr = srcLow ? src : dst;
    const highAddr = srcLow ? dst : src;
    for (let i = 0; i < addrLength; i++) k[o++] = buf[lowAddr + i]!;
    const lowPort = srcLow ? srcPort : dstPort;
    k[o++] = lowPort >> 8;
    k[o++] = lowPort & 0xff;
    for (let i = 0; i < addrLength; i++) k[o++] = buf[highAddr + i]!;
    const highPort = srcLow ? dstPort : srcPort;
    k[o++] = highPort >> 8;
    k[o++] = highPort & 0xff;
    return k.toString('latin1', 0, o);
  }

  /** Flows per capture interface, for pcap_files. */
  countsByInterface(): number[] {
    const counts: number[] = [];
    for (const flow of this.flows.values()) counts[flow.iface] = (counts[flow.iface] ?? 0) + 1;
    return counts;
  }

  /** pcap_flows rows; `interfaces[i]` names capture interface i. */
  *rows(member: string, interfaces: readonly (string | null)[]): Generator<Row> {
    for (const flow of this.flows.values()) yield flowRow(flow, member, interfaces[flow.iface] ?? null);
  }
}

function flowRow(flow: Flow, member: string, iface: string | null): Row {
  let clientSide = flow.clientSide;
  let roleSource = flow.roleSource;
  if (clientSide < 0) {
    if (flow.hasPorts && flow.portA !== flow.portB) {
      clientSide = flow.portA > flow.portB ? SIDE_A : SIDE_B;
      roleSource = 'port';
    } else {
      clientSide = SIDE_A;
      roleSource = 'first';
    }
  }
  const clientIsA = clientSide === SIDE_A;
  const client = clientIsA ? flow.a : flow.b;
  const server = clientIsA ? flow.b : flow.a;
  const port = (p: number) => (p >= 0 ? p : null);
  const tcp = flow.proto === PROTO_TCP;
  return {
    member,
    interface: iface,
    ifindex: flow.ifindex >= 0 ? flow.ifindex : null,
    proto: PROTO_NAMES[flow.proto] ?? String(flow.proto),
    ip_version: flow.ipVersion,
    client_addr: clientIsA ? flow.addrA : flow.addrB,
    client_port: port(clientIsA ? flow.portA : flow.portB),
    server_addr: clientIsA ? flow.addrB : flow.addrA,
    server_port: port(clientIsA ? flow.portB : flow.portA),
    role_source: roleSource,
    vxlan_vni: flow.vni >= 0 ? flow.vni : null,
    inner: flow.inner ? 1 : 0,
    packets: flow.packets,
    bytes: client.bytes + server.bytes,
    client_packets: client.packets,
    server_packets: server.packets,
    client_bytes: client.bytes,
    server_bytes: server.bytes,
    syn: flow.syn,
    syn_ack: flow.synAck,
    fin: flow.fin,
    rst: flow.rst,
    rst_from: flow.rst === 0 ? null : flow.rstFrom === clientSide ? 'client' : 'server',
    rst_after_out_of_window: flow.rstAfterOutOfWindow ? 1 : 0,
    out_of_window: flow.outOfWindow,
    retransmissions: flow.retransmissions,
    dup_acks: flow.dupAcks,
    zero_window: flow.zeroWindow,
    max_segment: flow.maxSegment,
    max_packet: flow.maxPacket,
    client_mss: tcp && client.mss >= 0 ? client.mss : null,
    server_mss: tcp && server.mss >= 0 ? server.mss : null,
    df_large_retrans: flow.dfLargeRetrans,
    icmp_frag_needed: flow.icmpFragNeeded,
    icmp_mtu: flow.icmpMtu >= 0 ? flow.icmpMtu : null,
    icmp_unreachable: flow.icmpUnreachable,
    first_ts: isoFromMicros(flow.firstUs),
    last_ts: isoFromMicros(flow.lastUs),
    first_time: secondsFromMicros(flow.firstUs),
    last_time: secondsFromMicros(flow.lastUs),
  };
}
