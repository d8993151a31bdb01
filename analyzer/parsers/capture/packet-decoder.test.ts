import { describe, expect, it } from 'vitest';
import { formatAddress, isoFromMicros } from './format-values.js';
import { IpPacket } from './ip-packet.js';
import { Decoded, LINK, PacketDecoder } from './packet-decoder.js';
import { ethernet, icmp, ipv4, ipv6, ipv6Bytes, SYN, tcp, udp } from './testing/frames.js';

const decoder = new PacketDecoder();

function decode(linkType: number, frame: Buffer): { result: Decoded; pkt: IpPacket } {
  const pkt = new IpPacket();
  // decode from an offset inside a larger buffer, as records are handed over in place
  const buf = Buffer.concat([Buffer.alloc(7, 0xee), frame, Buffer.alloc(5, 0xee)]);
  const result = decoder.decodeFrame(linkType, buf, 7, 7 + frame.length, pkt);
  return { result, pkt };
}

const tcpSyn = tcp({ sport: 40000, dport: 443, seq: 0xfffffff0, flags: SYN, mss: 1410, windowScale: 7 });
const v4tcp = ipv4({ src: '10.244.1.5', dst: '10.96.0.1', proto: 6, payload: tcpSyn, df: true });

describe('link layers', () => {
  it('Ethernet with stacked 802.1ad/802.1Q tags', () => {
    const frame = ethernet(v4tcp, 0x0800, [100, 200]);
    frame.writeUInt16BE(0x88a8, 12);
    const { result, pkt } = decode(LINK.ETHERNET, frame);
    expect(result).toBe(Decoded.Ip);
    expect([pkt.srcPort, pkt.dstPort, pkt.mss, pkt.windowScale, pkt.seq, pkt.dontFragment]).toEqual([40000, 443, 1410, 7, 0xfffffff0, true]);
  });

  it('ARP is not IP', () => {
    expect(decode(LINK.ETHERNET, ethernet(Buffer.alloc(28), 0x0806)).result).toBe(Decoded.NotIp);
  });

  it('Linux cooked v1 and v2 (the v2 header carries the interface index)', () => {
    const sll = Buffer.alloc(16);
    sll.writeUInt16BE(0x0800, 14);
    expect(decode(LINK.LINUX_SLL, Buffer.concat([sll, v4tcp])).result).toBe(Decoded.Ip);
    const sll2 = Buffer.alloc(20);
    sll2.writeUInt16BE(0x86dd, 0);
    sll2.writeUInt32BE(7, 4);
    const { result, pkt } = decode(LINK.LINUX_SLL2, Buffer.concat([sll2, ipv6('fd00::1', 'fd00::2', 17, udp(5353, 53, Buffer.alloc(4)))]));
    expect(result).toBe(Decoded.Ip);
    expect([pkt.ipVersion, pkt.ifindex, pkt.dstPort]).toEqual([6, 7, 53]);
  });

  it('raw IP, and BSD loopback in either byte order', () => {
    expect(decode(LINK.RAW, v4tcp).result).toBe(Decoded.Ip);
    expect(decode(LINK.RAW_DLT12, ipv6('::1', '::1', 6, tcpSyn)).pkt.ipVersion).toBe(6);
    expect(decode(LINK.IPV4, v4tcp).result).toBe(Decoded.Ip);
    expect(decode(LINK.NULL, Buffer.concat([Buffer.from([2, 0, 0, 0]), v4tcp])).result).toBe(Decoded.Ip); // little-endian host
    expect(decode(LINK.NULL, Buffer.concat([Buffer.from([0, 0, 0, 2]), v4tcp])).result).toBe(Decoded.Ip); // big-endian host
    expect(decode(LINK.LOOP, Buffer.concat([Buffer.from([0, 0, 0, 30]), ipv6('::1', '::1', 6, tcpSyn)])).pkt.ipVersion).toBe(6);
    expect(decode(LINK.NULL, Buffer.concat([Buffer.from([7, 0, 0, 0]), v4tcp])).result).toBe(Decoded.NotIp);
  });

  it('an unknown link type is reported as such', () => {
    expect(decode(147, v4tcp).result).toBe(Decoded.UnsupportedLink);
  });
});

describe('IP', () => {
  it('IPv6 extension headers are walked to the transport header', () => {
    const hopByHop = Buffer.alloc(8);
    const destination = Buffer.alloc(16);
    destination[1] = 1; // 16 bytes
    const { result, pkt } = decode(LINK.ETHERNET, ethernet(ipv6('2001:db8::1', '2001:db8::2', 6, tcpSyn, [[0, hopByHop], [60, destination]]), 0x86dd));
    expect(result).toBe(Decoded.Ip);
    expect([pkt.proto, pkt.srcPort, pkt.dstPort, pkt.ipLength, pkt.payloadLength]).toEqual([6, 40000, 443, 40 + 24 + tcpSyn.length, 0]);
  });

  it('IPv6 fragments: the first one is decoded, later ones are fragments', () => {
    const first = Buffer.from([0, 0, 0x00, 0x01, 0, 0, 0, 1]); // offset 0, more fragments
    const later = Buffer.from([0, 0, 0x05, 0x00, 0, 0, 0, 1]); // offset 160
    expect(decode(LINK.ETHERNET, ethernet(ipv6('fd00::1', 'fd00::2', 17, udp(1, 2, Buffer.alloc(8)), [[44, first]]), 0x86dd)).result).toBe(Decoded.Ip);
    expect(decode(LINK.ETHERNET, ethernet(ipv6('fd00::1', 'fd00::2', 17, Buffer.alloc(16), [[44, later]]), 0x86dd)).result).toBe(Decoded.Fragment);
  });

  it('IPv4 fragments: the first has the ports, later ones are fragments', () => {
    const first = decode(LINK.ETHERNET, ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, payload: udp(1111, 2222, Buffer.alloc(100)), moreFragments: true })));
    expect([first.result, first.pkt.srcPort]).toEqual([Decoded.Ip, 1111]);
    expect(decode(LINK.ETHERNET, ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, payload: Buffer.alloc(100), fragmentOffset: 185 }))).result).toBe(Decoded.Fragment);
  });

  it('a total length of 0 (TSO, captured before the stack filled it in) means the captured length', () => {
    const { result, pkt } = decode(LINK.ETHERNET, ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, payload: tcp({ sport: 1, dport: 2, seq: 1, flags: 0x10, payload: 30000 }), totalLength: 0 })));
    expect(result).toBe(Decoded.Ip);
    expect([pkt.ipLength, pkt.payloadLength]).toEqual([20 + 20 + 30000, 30000]);
  });

  it('a packet cut by the snapshot length counts its length on the wire', () => {
    const frame = ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, payload: tcp({ sport: 1, dport: 2, seq: 1, flags: 0x10, payload: 1448 }) }));
    const { result, pkt } = decode(LINK.ETHERNET, frame.subarray(0, 96));
    expect(result).toBe(Decoded.Ip);
    expect([pkt.ipLength, pkt.payloadLength]).toEqual([1488, 1448]);
  });

  it.each([
    ['an IPv4 header length under 20', ethernet(Buffer.from([0x43, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2])), 'IPv4 header length 12', false],
    ['a total length shorter than the header', ethernet(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6, payload: tcpSyn, totalLength: 10 })), 'IPv4 total length 10 shorter than its header', false],
    ['a TCP data offset under 20', ethernet(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6, payload: Buffer.from([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 2, 0, 0, 0, 0, 0, 0]) })), 'TCP header length 16', false],
    ['a TCP header longer than the packet', ethernet(ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6, payload: Buffer.from([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 2, 0, 0, 0, 0, 0, 0]) })), 'TCP header longer than the IP packet', false],
    ['an IPv6 version nibble of 4', ethernet(Buffer.concat([Buffer.from([0x45]), Buffer.alloc(39)]), 0x86dd), 'IP version 4 in an IPv6 frame', false],
    ['a cut Ethernet header', Buffer.alloc(10), 'Ethernet header cut', true],
    ['a cut TCP header', ethernet(v4tcp).subarray(0, 14 + 20 + 10), 'TCP header cut', true],
  ])('%s is malformed', (_name, frame, problem, cut) => {
    const { result } = decode(LINK.ETHERNET, frame);
    expect([result, decoder.problem, decoder.cut]).toEqual([Decoded.Malformed, problem, cut]);
  });

  it('SYN options with a zero length do not loop', () => {
    const syn = tcp({ sport: 1, dport: 2, seq: 1, flags: SYN, mss: 1460 });
    syn[21] = 0; // the MSS option claims length 0
    const { result, pkt } = decode(LINK.RAW, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6, payload: syn }));
    expect([result, pkt.mss]).toEqual([Decoded.Ip, -1]);
  });
});

describe('ICMP errors name the packet they are about', () => {
  it('IPv4 fragmentation needed, quoting a TCP segment', () => {
    const quoted = v4tcp.subarray(0, 28);
    const rest = Buffer.concat([Buffer.from([0, 0, 0x05, 0x96]), quoted]); // next-hop MTU 1430
    const { pkt } = decode(LINK.RAW, ipv4({ src: '192.168.0.1', dst: '10.244.1.5', proto: 1, payload: icmp(3, 4, rest) }));
    expect([pkt.icmpType, pkt.icmpCode, pkt.icmpMtu, pkt.quoted, pkt.quotedProto, pkt.quotedSrcPort, pkt.quotedDstPort]).toEqual([3, 4, 1430, true, 6, 40000, 443]);
    expect(formatAddress(pkt.buf, pkt.quotedSrcOffset, 4)).toBe('10.244.1.5');
  });

  it('ICMPv6 packet too big, quoting a UDP datagram', () => {
    const quoted = ipv6('fd00::5', 'fd00::9', 17, udp(4000, 4789, Buffer.alloc(64)));
    const rest = Buffer.concat([Buffer.from([0, 0, 0x05, 0x00]), quoted]); // MTU 1280
    const { pkt } = decode(LINK.RAW, ipv6('fd00::1', 'fd00::5', 58, icmp(2, 0, rest)));
    expect([pkt.icmpMtu, pkt.quotedProto, pkt.quotedSrcPort, pkt.quotedDstPort]).toEqual([1280, 17, 4000, 4789]);
  });

  it('echo requests carry their identifier as both ports', () => {
    const { pkt } = decode(LINK.RAW, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 1, payload: icmp(8, 0, Buffer.from([0x12, 0x34, 0, 1])) }));
    expect([pkt.hasPorts, pkt.srcPort, pkt.dstPort]).toEqual([true, 0x1234, 0x1234]);
  });
});

describe('VXLAN is located in UDP to 4789 and 8472 only', () => {
  const inner = ethernet(ipv4({ src: '10.244.1.2', dst: '10.244.2.3', proto: 6, payload: tcpSyn }));
  const vx = Buffer.concat([Buffer.from([0x08, 0, 0, 0, 0, 0, 1, 0]), inner]);
  it.each([
    [8472, 1],
    [4789, 1],
    [4790, -1],
  ])('port %i', (port, found) => {
    const { pkt } = decode(LINK.RAW, ipv4({ src: '192.168.1.1', dst: '192.168.1.2', proto: 17, payload: udp(50000, port, vx) }));
    expect(pkt.vxlanVni).toBe(found);
    if (found > 0) expect(pkt.vxlanInnerOffset).toBe(7 + 20 + 8 + 8);
  });
});

describe('formatting', () => {
  it.each([
    ['2001:db8::1', '2001:db8::1'],
    ['::1', '::1'],
    ['::', '::'],
    ['fe80::1:0:0:1', 'fe80::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of equal runs
    ['fd00:99::2', 'fd00:99::2'],
  ])('IPv6 %s -> %s (RFC 5952)', (text, expected) => {
    expect(formatAddress(ipv6Bytes(text), 0, 16)).toBe(expected);
  });

  it('times keep microseconds', () => {
    expect(isoFromMicros(1_795_307_051_529_116)).toBe('2026-11-22T00:24:11.529116Z');
    expect(isoFromMicros(5)).toBe('1970-01-01T00:00:00.000005Z');
    expect(isoFromMicros(Number.NaN)).toBeNull();
  });
});
