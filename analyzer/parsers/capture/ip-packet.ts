/**
 * What the decoder learns about one IP packet, in a reusable object (one per encapsulation
 * level): nothing is allocated per packet. Offsets point into `buf`, valid while the packet is
 * being handled.
 */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

export class IpPacket {
  buf: Buffer = Buffer.alloc(0);
  ipVersion = 4;
  addrLength = 4;
  srcOffset = 0;
  dstOffset = 0;
  proto = 0;
  /** IP total length on the wire (header included). */
  ipLength = 0;
  /** IPv4 DF set, or IPv6 (which routers never fragment). */
  dontFragment = false;
  /** TCP/UDP payload bytes on the wire; ICMP: bytes after the 4-byte ICMP header. */
  payloadLength = 0;
  /** TCP/UDP ports, or the ICMP echo identifier in both. */
  hasPorts = false;
  srcPort = 0;
  dstPort = 0;
  // TCP
  seq = 0;
  ack = 0;
  tcpFlags = 0;
  window = 0;
  /** MSS and window-scale options of a SYN, -1 when absent. */
  mss = -1;
  windowScale = -1;
  // ICMP / ICMPv6
  icmpType = -1;
  icmpCode = -1;
  /** Next-hop MTU of a fragmentation-needed / packet-too-big message, else -1. */
  icmpMtu = -1;
  /** The packet quoted by an ICMP error (its original direction), when readable. */
  quoted = false;
  quotedProto = 0;
  quotedSrcOffset = 0;
  quotedDstOffset = 0;
  quotedHasPorts = false;
  quotedSrcPort = 0;
  quotedDstPort = 0;
  // VXLAN payload of this (outer) UDP packet: the inner Ethernet frame, else -1
  vxlanInnerOffset = -1;
  vxlanInnerEnd = -1;
  vxlanVni = -1;
  // context
  /** VNI this packet was carried in (inner packets), else -1. */
  vni = -1;
  /** Interface index from a Linux cooked v2 header, else -1. */
  ifindex = -1;

  reset(buf: Buffer): void {
    this.buf = buf;
    this.hasPorts = false;
    this.srcPort = 0;
    this.dstPort = 0;
    this.payloadLength = 0;
    this.tcpFlags = 0;
    this.mss = -1;
    this.windowScale = -1;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpMtu = -1;
    this.quoted = false;
    this.quotedHasPorts = false;
    this.vxlanInnerOffset = -1;
    this.vxlanInnerEnd = -1;
    this.vxlanVni = -1;
  }
}
