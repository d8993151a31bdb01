/**
 * The TCP anomaly counters on hand-built conversations, one behaviour at a time.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../types.js';
import { ACK, ethernet, FIN, ipv4, parseCaptureBytes, pcapFile, PSH, RST, SYN, tcp, udp, vxlan, type TcpOptions } from './testing/frames.js';

const CLIENT = '10.244.1.5';
const SERVER = '10.244.2.9';
const T0 = 1_700_000_000_000_000;

/** A segment from the client (c) or the server (s). */
type Step = ['c' | 's', Omit<TcpOptions, 'sport' | 'dport'>];

function conversation(steps: Step[], o: { df?: boolean } = {}): Buffer {
  return pcapFile(
    steps.map(([who, seg], i) => {
      const fromClient = who === 'c';
      const payload = tcp({ sport: fromClient ? 43210 : 80, dport: fromClient ? 80 : 43210, ...seg });
      return { us: T0 + i * 1000, data: ethernet(ipv4({ src: fromClient ? CLIENT : SERVER, dst: fromClient ? SERVER : CLIENT, proto: 6, payload, df: o.df ?? true })) };
    }),
  );
}

async function flowOf(file: Buffer): Promise<Row> {
  const parsed = await parseCaptureBytes(file);
  expect(parsed.flows).toHaveLength(1);
  return parsed.flows[0]!;
}

const C_ISN = 0xfffff000; // the client's sequence numbers wrap past 2^32 during the transfer
const S_ISN = 5000;
const handshake: Step[] = [
  ['c', { seq: C_ISN, flags: SYN, window: 64240, mss: 1460, windowScale: 7 }],
  ['s', { seq: S_ISN, ack: C_ISN + 1, flags: SYN | ACK, window: 65160, mss: 1460, windowScale: 7 }],
  ['c', { seq: C_ISN + 1, ack: S_ISN + 1, flags: ACK, window: 502 }],
];
const data = (n: number, size = 1448): Step => ['c', { seq: (C_ISN + 1 + n * size) >>> 0, ack: S_ISN + 1, flags: ACK | PSH, payload: size, window: 502 }];
const serverAck = (n: number, size = 1448, window = 509): Step => ['s', { seq: S_ISN + 1, ack: (C_ISN + 1 + n * size) >>> 0, flags: ACK, window }];

describe('retransmissions', () => {
  it('none in a clean transfer whose sequence numbers wrap around 2^32', async () => {
    const flow = await flowOf(conversation([...handshake, data(0), data(1), data(2), data(3), serverAck(4)]));
    expect(flow).toMatchObject({ retransmissions: 0, dup_acks: 0, out_of_window: 0, client_mss: 1460, server_mss: 1460, role_source: 'syn', client_addr: CLIENT, server_port: 80 });
  });

  it('a segment sent again is one; large DF ones are also counted for the MTU black hole', async () => {
    const flow = await flowOf(conversation([...handshake, data(0), data(1), data(0), data(0), ['c', { seq: (C_ISN + 1) >>> 0, ack: S_ISN + 1, flags: ACK, payload: 100 }]]));
    expect(flow).toMatchObject({ retransmissions: 3, df_large_retrans: 2, max_packet: 1488, max_segment: 1448 });
    const noDf = await flowOf(conversation([...handshake, data(0), data(0)], { df: false }));
    expect(noDf).toMatchObject({ retransmissions: 1, df_large_retrans: 0 });
  });

  it('keep-alives (one byte below the next sequence number) are not', async () => {
    const keepAlive: Step = ['c', { seq: (C_ISN + 1 + 1448 - 1) >>> 0, ack: S_ISN + 1, flags: ACK, payload: 1 }];
    const flow = await flowOf(conversation([...handshake, data(0), serverAck(1), keepAlive, keepAlive]));
    expect(flow.retransmissions).toBe(0);
  });

  it('a SYN sent again is one', async () => {
    const flow = await flowOf(conversation([handshake[0]!, handshake[0]!, handshake[0]!]));
    expect(flow).toMatchObject({ syn: 3, syn_ack: 0, retransmissions: 2 });
  });
});

describe('duplicate ACKs and zero windows', () => {
  it('pure ACKs repeating the same ACK and window are duplicates; a window update is not', async () => {
    const flow = await flowOf(conversation([...handshake, data(0), data(1), serverAck(1), serverAck(1), serverAck(1), serverAck(1, 1448, 600), serverAck(2)]));
    expect(flow.dup_acks).toBe(2);
  });

  it('zero-window advertisements are counted, and are not duplicate ACKs', async () => {
    const flow = await flowOf(conversation([...handshake, data(0), serverAck(1, 1448, 0), serverAck(1, 1448, 0), serverAck(1, 1448, 0)]));
    expect(flow).toMatchObject({ zero_window: 3, dup_acks: 0 });
  });
});

describe('resets', () => {
  it('an RST answering data beyond the advertised window (what conntrack calls INVALID)', async () => {
    // the server advertises 509 << 7 = 65152 bytes; the client sends 200 KB further on
    const beyond: Step = ['c', { seq: (C_ISN + 1 + 200_000) >>> 0, ack: S_ISN + 1, flags: ACK | PSH, payload: 100 }];
    const rst: Step = ['s', { seq: S_ISN + 1, flags: RST }];
    const flow = await flowOf(conversation([...handshake, data(0), serverAck(1), beyond, rst]));
    expect(flow).toMatchObject({ out_of_window: 1, rst: 1, rst_from: 'server', rst_after_out_of_window: 1 });
  });

  it('an RST after ordinary data', async () => {
    const flow = await flowOf(conversation([...handshake, data(0), serverAck(1), ['c', { seq: (C_ISN + 1 + 1448) >>> 0, flags: RST | ACK, ack: S_ISN + 1 }]]));
    expect(flow).toMatchObject({ out_of_window: 0, rst: 1, rst_from: 'client', rst_after_out_of_window: 0, fin: 0 });
  });

  it('FINs are counted from both sides', async () => {
    const flow = await flowOf(conversation([...handshake, ['c', { seq: C_ISN + 1, ack: S_ISN + 1, flags: FIN | ACK }], ['s', { seq: S_ISN + 1, ack: C_ISN + 2, flags: FIN | ACK }], ['c', { seq: C_ISN + 2, ack: S_ISN + 2, flags: ACK }]]));
    expect(flow).toMatchObject({ fin: 2, retransmissions: 0, client_packets: 4, server_packets: 2 });
  });
});

describe('client and server', () => {
  it('without the handshake, the higher port is the client', async () => {
    const flow = await flowOf(conversation([serverAck(1), data(1), serverAck(2)]));
    expect(flow).toMatchObject({ role_source: 'port', client_addr: CLIENT, client_port: 43210, server_port: 80, client_packets: 1, server_packets: 2 });
  });

  it('a SYN seen after a guess wins', async () => {
    const flow = await flowOf(conversation([serverAck(1), ...handshake]));
    expect(flow).toMatchObject({ role_source: 'syn', client_addr: CLIENT });
  });
});

describe('one packet seen twice is not a retransmission', () => {
  it('tcpdump -i any (cooked v2) keeps each interface index apart', async () => {
    const sll2 = (ifindex: number) => {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(0x0800, 0);
      h.writeUInt32BE(ifindex, 4);
      return h;
    };
    const segment = ipv4({ src: CLIENT, dst: SERVER, proto: 6, payload: tcp({ sport: 43210, dport: 80, seq: 1, ack: 1, flags: ACK | PSH, payload: 100 }) });
    // the same segment on the pod's veth (ifindex 12) and on cni0 (ifindex 5)
    const file = pcapFile([{ us: T0, data: Buffer.concat([sll2(12), segment]) }, { us: T0 + 5, data: Buffer.concat([sll2(5), segment]) }], { linkType: 276 });
    const parsed = await parseCaptureBytes(file, { name: 'any.pcap' });
    expect(parsed.flows.map((f) => [f.ifindex, f.packets, f.retransmissions])).toEqual([
      [12, 1, 0],
      [5, 1, 0],
    ]);
  });

  it('VXLAN: the tunnel and the flow inside are separate rows', async () => {
    const inner = ethernet(ipv4({ src: CLIENT, dst: SERVER, proto: 6, payload: tcp({ sport: 43210, dport: 80, seq: 1, flags: SYN, mss: 1410 }) }));
    const outer = ethernet(ipv4({ src: '192.168.10.11', dst: '192.168.10.12', proto: 17, payload: udp(51000, 8472, vxlan(1, inner)) }));
    const parsed = await parseCaptureBytes(pcapFile([{ us: T0, data: outer }]));
    expect(parsed.flows.map((f) => [f.proto, f.inner, f.vxlan_vni, f.client_addr, f.server_port, f.bytes])).toEqual([
      ['udp', 0, null, '192.168.10.11', 8472, 20 + 8 + 8 + 14 + 20 + 24],
      ['tcp', 1, 1, CLIENT, 80, 20 + 24],
    ]);
  });
});

describe('fragments', () => {
  it('the first fragment counts in its flow, later ones only in pcap_files', async () => {
    const first = ipv4({ src: CLIENT, dst: SERVER, proto: 17, payload: udp(5000, 53, Buffer.alloc(1472)), moreFragments: true });
    const second = ipv4({ src: CLIENT, dst: SERVER, proto: 17, payload: Buffer.alloc(600), fragmentOffset: 185 });
    const parsed = await parseCaptureBytes(pcapFile([{ us: T0, data: ethernet(first) }, { us: T0 + 1, data: ethernet(second) }]));
    expect(parsed.flows).toEqual([expect.objectContaining({ proto: 'udp', packets: 1, server_port: 53 })]);
    expect(parsed.files[0]).toMatchObject({ packets: 2, fragments: 1 });
  });
});
