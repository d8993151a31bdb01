/**
 * Decodes a captured frame down to its IP packet and transport header: link types Ethernet (with
 * 802.1Q/802.1ad tags), Linux cooked v1/v2 (tcpdump -i any), raw IP, BSD loopback; IPv4 and IPv6
 * (extension headers walked); TCP (with SYN options), UDP (VXLAN payload located), ICMP and
 * ICMPv6 (echo identifiers, the packet an error message quotes, path MTU messages).
 * Lengths come from the IP header (so a packet cut by the snapshot length still counts its
 * bytes); a header cut short or impossible is reported, never read past the captured bytes.
 */
import { IpPacket, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TCP_SYN } from './ip-packet.js';

/** What decodeFrame found. */
export const Decoded = {
  Ip: 0,
  NotIp: 1,
  /** A non-first IP fragment: no transport header. */
  Fragment: 2,
  Malformed: 3,
  UnsupportedLink: 4,
} as const;
export type Decoded = (typeof Decoded)[keyof typeof Decoded];

/** Link types this decoder reads (LINKTYPE_ values). */
export const LINK = { NULL: 0, ETHERNET: 1, RAW: 101, RAW_DLT12: 12, RAW_DLT14: 14, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
/** UDP destination ports carrying VXLAN: IANA 4789, and 8472 (Linux default, flannel). */
export const VXLAN_PORTS: ReadonlySet<number> = new Set([4789, 8472]);

const u16 = (b: Buffer, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Buffer, o: number): number => b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);

export class PacketDecoder {
  /** Why the last packet was Malformed. */
  problem = '';
  /** The last Malformed packet simply ended before its headers did (as a snapshot length cuts). */
  cut = false;

  /** Decodes a frame of `linkType` occupying buf[offset, end). */
  decodeFrame(linkType: number, buf: Buffer, offset: number, end: number, pkt: IpPacket): Decoded {
    pkt.reset(buf);
    pkt.ifindex = -1;
    pkt.vni = -1;
    let ethertype: number;
    let p: number;
    switch (linkType) {
      case LINK.ETHERNET:
        return this.decodeEthernet(buf, offset, end, pkt);
      case LINK.LINUX_SLL:
        if (end - offset < 16) return this.malformed('Linux cooked header cut');
        ethertype = u16(buf, offset + 14);
        p = offset + 16;
        break;
      case LINK.LINUX_SLL2:
        if (end - offset < 20) return this.malformed('Linux cooked v2 header cut');
        ethertype = u16(buf, offset);
        pkt.ifindex = u32(buf, offset + 4);
        p = offset + 20;
        break;
      case LINK.RAW:
      case LINK.RAW_DLT12:
      case LINK.RAW_DLT14:
        if (end - offset < 1) return this.malformed('empty packet');
        return this.decodeIp(buf[offset]! >> 4, buf, offset, end, pkt);
      case LINK.IPV4:
        return this.decodeIp(4, buf, offset, end, pkt);
      case LINK.IPV6:
        return this.decodeIp(6, buf, offset, end, pkt);
      case LINK.NULL:
      case LINK.LOOP: {
        if (end - offset < 4) return this.malformed('loopback header cut');
        // an AF_ value, in network byte order for LOOP, in the capturing host's order for NULL
        const family = linkType === LINK.NULL && buf[offset] !== 0 ? buf[offset]! : buf[offset + 3]!;
        if (family === 2) return this.decodeIp(4, buf, offset + 4, end, pkt);
        if (family === 10 || family === 24 || family === 28 || family === 30) return this.decodeIp(6, buf, offset + 4, end, pkt);
        return Decoded.NotIp;
      }
      default:
        return Decoded.UnsupportedLink;
    }
    if (ethertype === ETH_IPV4) return this.decodeIp(4, buf, p, end, pkt);
    if (ethertype === ETH_IPV6) return this.decodeIp(6, buf, p, end, pkt);
    return Decoded.NotIp;
  }

  decodeEthernet(buf: Buffer, offset: number, end: number, pkt: IpPacket): Decoded {
    if (end - offset < 14) return this.malformed('Ethernet header cut');
    let ethertype = u16(buf, offset + 12);
    let p = offset + 14;
    for (let tags = 0; (ethertype === 0x8100 || ethertype === 0x88a8 || ethertype === 0x9100) && tags < 4; tags++) {
      if (end - p < 4) return this.malformed('VLAN tag cut');
      ethertype = u16(buf, p + 2);
      p += 4;
    }
    if (ethertype === ETH_IPV4) return this.decodeIp(4, buf, p, end, pkt);
    if (ethertype === ETH_IPV6) return this.decodeIp(6, buf, p, end, pkt);
    return Decoded.NotIp;
  }

  private decodeIp(version: number, buf: Buffer, p: number, end: number, pkt: IpPacket): Decoded {
    if (version === 4) return this.decodeIpv4(buf, p, end, pkt);
    if (version === 6) return this.decodeIpv6(buf, p, end, pkt);
    return this.malformed(`IP version ${version}`);
  }

  private decodeIpv4(buf: Buffer, p: number, end: number, pkt: IpPacket): Decoded {
    if (end - p < 20) return this.malformed('IPv4 header cut');
    const vihl = buf[p]!;
    if (vihl >> 4 !== 4) return this.malformed(`IP version ${vihl >> 4} in an IPv4 frame`);
    const headerLength = (vihl & 15) * 4;
    if (headerLength < 20) return this.malformed(`IPv4 header length ${headerLength}`);
    if (end - p < headerLength) return this.malformed('IPv4 options cut');
    let total = u16(buf, p + 2);
    if (total === 0) total = end - p; // TSO: the stack had not filled it in when the packet was captured
    if (total < headerLength) return this.malformed(`IPv4 total length ${total} shorter than its header`);
    const fragment = u16(buf, p + 6);
    pkt.ipVersion = 4;
    pkt.addrLength = 4;
    pkt.srcOffset = p + 12;
    pkt.dstOffset = p + 16;
    pkt.proto = buf[p + 9]!;
    pkt.ipLength = total;
    pkt.dontFragment = (fragment & 0x4000) !== 0;
    if ((fragment & 0x1fff) !== 0) return Decoded.Fragment;
    return this.decodeTransport(buf, p + headerLength, Math.min(end, p + total), total - headerLength, pkt);
  }

  private decodeIpv6(buf: Buffer, p: number, end: number, pkt: IpPacket): Decoded {
    if (end - p < 40) return this.malformed('IPv6 header cut');
    if (buf[p]! >> 4 !== 6) return this.malformed(`IP version ${buf[p]! >> 4} in an IPv6 frame`);
    let payload = u16(buf, p + 4);
    if (payload === 0) payload = end - p - 40; // jumbogram or GSO
    pkt.ipVersion = 6;
    pkt.addrLength = 16;
    pkt.srcOffset = p + 8;
    pkt.dstOffset = p + 24;
    pkt.ipLength = 40 + payload;
    pkt.dontFragment = true;
    const limit = Math.min(end, p + 40 + payload);
    let next = buf[p + 6]!;
    let t = p + 40;
    for (let hops = 0; hops < 8; hops++) {
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
        if (limit - t < 2) return this.malformed('IPv6 extension header cut');
        const length = (buf[t + 1]! + 1) * 8;
        next = buf[t]!;
        t += length;
      } else if (next === 44) {
        if (limit - t < 8) return this.malformed('IPv6 fragment header cut');
        const offset = u16(buf, t + 2) >> 3;
        next = buf[t]!;
        t += 8;
        if (offset !== 0) {
          pkt.proto = next;
          return Decoded.Fragment;
        }
      } else if (next === 51) {
        if (limit - t < 2) return this.malformed('IPv6 AH header cut');
        const length = (buf[t + 1]! + 2) * 4;
        next = buf[t]!;
        t += length;
      } else {
        break;
      }
    }
    pkt.proto = next;
    if (t > p + 40 + payload) return this.malformed('IPv6 extension headers longer than the packet');
    return this.decodeTransport(buf, t, limit, p + 40 + payload - t, pkt);
  }

  /** `end`: end of the captured transport bytes; `wireLength`: transport bytes on the wire. */
  private decodeTransport(buf: Buffer, t: number, end: number, wireLength: number, pkt: IpPacket): Decoded {
    const available = end - t;
    switch (pkt.proto) {
      case PROTO_TCP: {
        if (available < 20) return this.malformed('TCP header cut');
        const headerLength = (buf[t + 12]! >> 4) * 4;
        if (headerLength < 20) return this.malformed(`TCP header length ${headerLength}`);
        if (wireLength < headerLength) return this.malformed('TCP header longer than the IP packet');
        pkt.hasPorts = true;
        pkt.srcPort = u16(buf, t);
        pkt.dstPort = u16(buf, t + 2);
        pkt.seq = u32(buf, t + 4);
        pkt.ack = u32(buf, t + 8);
        pkt.tcpFlags = buf[t + 13]!;
        pkt.window = u16(buf, t + 14);
        pkt.payloadLength = wireLength - headerLength;
        if ((pkt.tcpFlags & TCP_SYN) !== 0) this.readSynOptions(buf, t + 20, Math.min(end, t + headerLength), pkt);
        return Decoded.Ip;
      }
      case PROTO_UDP: {
        if (available < 8) return this.malformed('UDP header cut');
        if (wireLength < 8) return this.malformed('UDP header longer than the IP packet');
        pkt.hasPorts = true;
        pkt.srcPort = u16(buf, t);
        pkt.dstPort = u16(buf, t + 2);
        pkt.payloadLength = wireLength - 8;
        // VXLAN: 8-byte header with the I flag, then an inner Ethernet frame
        if (VXLAN_PORTS.has(pkt.dstPort) && available >= 8 + 8 + 14 && (buf[t + 8]! & 0x08) !== 0) {
          pkt.vxlanVni = (buf[t + 12]! << 16) | (buf[t + 13]! << 8) | buf[t + 14]!;
          pkt.vxlanInnerOffset = t + 16;
          pkt.vxlanInnerEnd = end;
        }
        return Decoded.Ip;
      }
      case PROTO_ICMP:
      case PROTO_ICMPV6:
        return this.decodeIcmp(buf, t, end, wireLength, pkt);
      default:
        pkt.payloadLength = wireLength;
        return Decoded.Ip;
    }
  }

  private readSynOptions(buf: Buffer, o: number, end: number, pkt: IpPacket): void {
    while (o < end) {
      const kind = buf[o]!;
      if (kind === 0) return;
      if (kind === 1) {
        o++;
        continue;
      }
      if (o + 1 >= end) return;
      const length = buf[o + 1]!;
      if (length < 2 || o + length > end) return;
      if (kind === 2 && length === 4) pkt.mss = u16(buf, o + 2);
      else if (kind === 3 && length === 3) pkt.windowScale = Math.min(buf[o + 2]!, 14);
      o += length;
    }
  }

  private decodeIcmp(buf: Buffer, t: number, end: number, wireLength: number, pkt: IpPacket): Decoded {
    if (end - t < 4) return this.malformed('ICMP header cut');
    const v6 = pkt.proto === PROTO_ICMPV6;
    const type = buf[t]!;
    const code = buf[t + 1]!;
    pkt.icmpType = type;
    pkt.icmpCode = code;
    pkt.payloadLength = Math.max(0, wireLength - 4);
    const echo = v6 ? type === 128 || type === 129 : type === 8 || type === 0;
    if (echo) {
      if (end - t >= 6) {
        pkt.hasPorts = true;
        pkt.srcPort = pkt.dstPort = u16(buf, t + 4);
      }
      return Decoded.Ip;
    }
    const error = v6 ? type >= 1 && type <= 4 : type === 3 || type === 11 || type === 12;
    if (!error || end - t < 8) return Decoded.Ip;
    if (v6 && type === 2) pkt.icmpMtu = u32(buf, t + 4);
    if (!v6 && type === 3 && code === 4) pkt.icmpMtu = u16(buf, t + 6);
    this.readQuoted(buf, t + 8, end, v6, pkt);
    return Decoded.Ip;
  }

  /** The start of the packet an ICMP error is about: its addresses, protocol and ports. */
  private readQuoted(buf: Buffer, q: number, end: number, v6: boolean, pkt: IpPacket): void {
    let transport: number;
    if (v6) {
      if (end - q < 40 || buf[q]! >> 4 !== 6) return;
      pkt.quotedProto = buf[q + 6]!;
      pkt.quotedSrcOffset = q + 8;
      pkt.quotedDstOffset = q + 24;
      transport = q + 40;
    } else {
      if (end - q < 20 || buf[q]! >> 4 !== 4) return;
      const headerLength = (buf[q]! & 15) * 4;
      if (headerLength < 20) return;
      pkt.quotedProto = buf[q + 9]!;
      pkt.quotedSrcOffset = q + 12;
      pkt.quotedDstOffset = q + 16;
      transport = q + headerLength;
    }
    pkt.quoted = true;
    if ((pkt.quotedProto === PROTO_TCP || pkt.quotedProto === PROTO_UDP) && end - transport >= 4) {
      pkt.quotedHasPorts = true;
      pkt.quotedSrcPort = u16(buf, transport);
      pkt.quotedDstPort = u16(buf, transport + 2);
    }
  }

  private malformed(problem: string): Decoded {
    this.problem = problem;
    this.cut = problem.endsWith(' cut');
    return Decoded.Malformed;
  }
}
