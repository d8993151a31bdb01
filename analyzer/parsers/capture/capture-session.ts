/**
 * Everything learned from one capture member: its interfaces with their counters, the flow table,
 * and the errors to report. The file-format readers call addInterface() and packet(); rows()
 * turns the result into pcap_files, pcap_flows and parse_errors rows.
 */
import type { Row } from '../types.js';
import { FlowTable, MAX_FLOWS } from './flow-table.js';
import { isoFromMicros } from './format-values.js';
import { IpPacket } from './ip-packet.js';
import { Decoded, PacketDecoder } from './packet-decoder.js';

export interface InterfaceDescription {
  /** From the file (pcapng if_name); null lets the member name decide. */
  name: string | null;
  linkType: number;
  format: 'pcap' | 'pcapng';
  precision: string;
  snaplen: number;
}

/** What the file-format readers report to. */
export interface PacketSink {
  /** Packets reported so far (for error messages). */
  readonly packetNumber: number;
  /** Declares a capture interface; returns its index for packet(). */
  addInterface(description: InterfaceDescription): number;
  /** One packet: its captured bytes are buf[offset, offset + captured); tsUs is NaN when the format has no time. */
  packet(iface: number, tsUs: number, buf: Buffer, offset: number, captured: number, original: number): void;
}

class InterfaceState {
  packets = 0;
  bytes = 0;
  snapped = 0;
  nonIp = 0;
  fragments = 0;
  undecoded = 0;
  headersCut = 0;
  firstUs = Number.NaN;
  lastUs = Number.NaN;
  unsupportedLink = false;

  constructor(readonly description: InterfaceDescription) {}
}

/** Malformed packets described one by one in parse_errors; the rest are only counted. */
const MAX_PACKET_ERRORS = 20;

export class CaptureSession implements PacketSink {
  private readonly interfaces: InterfaceState[] = [];
  private readonly decoder = new PacketDecoder();
  private readonly outer = new IpPacket();
  private readonly inner = new IpPacket();
  private readonly flows: FlowTable;
  private readonly errors: Row[] = [];
  private packetErrors = 0;
  /** Why reading stopped, if it did. */
  private fatal: string | null = null;
  truncated = false;
  packetNumber = 0;

  /** `memberInterface`: the interface a --pcap member is named after (null for attachments). */
  constructor(
    private readonly memberInterface: string | null,
    maxFlows: number = MAX_FLOWS,
  ) {
    this.flows = new FlowTable(maxFlows);
  }

  addInterface(description: InterfaceDescription): number {
    this.interfaces.push(new InterfaceState(description));
    return this.interfaces.length - 1;
  }

  /** Reading stopped: the message goes to pcap_files.error and parse_errors. */
  fail(message: string): void {
    if (this.fatal !== null) return;
    this.fatal = message;
    this.errors.push({ message });
  }

  packet(iface: number, tsUs: number, buf: Buffer, offset: number, captured: number, original: number): void {
    const number = ++this.packetNumber;
    const state = this.interfaces[iface]!;
    state.packets++;
    state.bytes += original;
    if (captured < original) state.snapped++;
    if (!Number.isNaN(tsUs)) {
      if (Number.isNaN(state.firstUs) || tsUs < state.firstUs) state.firstUs = tsUs;
      if (Number.isNaN(state.lastUs) || tsUs > state.lastUs) state.lastUs = tsUs;
    }
    const outer = this.outer;
    const result = this.decoder.decodeFrame(state.description.linkType, buf, offset, offset + captured, outer);
    if (result !== Decoded.Ip) {
      this.notDecoded(result, state, number, '', captured < original);
      return;
    }
    this.flows.add(outer, iface, tsUs);
    if (outer.vxlanInnerOffset < 0) return;
    const inner = this.inner;
    inner.reset(buf);
    inner.vni = outer.vxlanVni;
    inner.ifindex = outer.ifindex;
    const innerResult = this.decoder.decodeEthernet(buf, outer.vxlanInnerOffset, outer.vxlanInnerEnd, inner);
    if (innerResult === Decoded.Ip) {
      inner.vxlanInnerOffset = -1; // one level of decapsulation
      this.flows.add(inner, iface, tsUs);
    } else if (innerResult !== Decoded.NotIp) {
      this.notDecoded(innerResult, state, number, 'inside VXLAN: ', captured < original);
    }
  }

  private notDecoded(result: Decoded, state: InterfaceState, number: number, where: string, snapped: boolean): void {
    switch (result) {
      case Decoded.NotIp:
        state.nonIp++;
        break;
      case Decoded.Fragment:
        state.fragments++;
        break;
      case Decoded.UnsupportedLink:
        state.nonIp++;
        state.unsupportedLink = true;
        break;
      default:
        // headers cut by the snapshot length are what a small snaplen does, not damage
        if (snapped && this.decoder.cut) {
          state.headersCut++;
          break;
        }
        state.undecoded++;
        if (++this.packetErrors <= MAX_PACKET_ERRORS) this.errors.push({ line: number, message: `packet ${number}: ${where}${this.decoder.problem}` });
    }
  }

  /** All rows of the member. */
  *rows(member: string): Generator<[string, Row]> {
    const names = this.interfaces.map((i) => i.description.name ?? this.memberInterface);
    for (const row of this.flows.rows(member, names)) yield ['pcap_flows', row];
    const flowCounts = this.flows.countsByInterface();
    if (this.interfaces.length === 0) {
      yield ['pcap_files', this.fileRow(member, null, this.memberInterface, 0, 0)];
    }
    for (let i = 0; i < this.interfaces.length; i++) {
      const overflow = this.flows.overflow[i] ?? 0;
      if (overflow > 0) {
        this.errors.push({ message: `overflow: the flow table is full (${this.flows.size} flows); ${overflow} packets of further flows on ${names[i] ?? 'this capture'} are not in pcap_flows` });
      }
      yield ['pcap_files', this.fileRow(member, this.interfaces[i]!, names[i] ?? null, flowCounts[i] ?? 0, overflow)];
    }
    if (this.packetErrors > MAX_PACKET_ERRORS) {
      this.errors.push({ message: `${this.packetErrors - MAX_PACKET_ERRORS} more packets could not be decoded` });
    }
    for (const error of this.errors) yield ['parse_errors', error];
  }

  private fileRow(member: string, state: InterfaceState | null, name: string | null, flows: number, overflow: number): Row {
    const d = state?.description;
    let error = this.fatal;
    if (error === null && state?.unsupportedLink) error = `link type ${d!.linkType} is not decoded: packets are counted, flows are not`;
    return {
      member,
      interface: name,
      link_type: d?.linkType ?? null,
      format: d?.format ?? null,
      precision: d?.precision ?? null,
      snaplen: d?.snaplen ?? null,
      packets: state?.packets ?? 0,
      bytes: state?.bytes ?? 0,
      snapped: state?.snapped ?? 0,
      non_ip: state?.nonIp ?? 0,
      fragments: state?.fragments ?? 0,
      undecoded: state?.undecoded ?? 0,
      headers_cut: state?.headersCut ?? 0,
      flows,
      overflow_packets: overflow,
      first_ts: state ? isoFromMicros(state.firstUs) : null,
      last_ts: state ? isoFromMicros(state.lastUs) : null,
      truncated: this.truncated ? 1 : 0,
      error,
    };
  }
}
