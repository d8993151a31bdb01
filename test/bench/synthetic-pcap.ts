/**
 * A classic pcap (Ethernet, IPv4, TCP) of about `bytes` bytes with many flows, handshakes,
 * data, some retransmissions and resets: realistic work for a capture parser.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

function checksumless(ipSrc: number, ipDst: number, sport: number, dport: number, seq: number, ack: number, flags: number, payload: number): Buffer {
  const frame = Buffer.alloc(14 + 20 + 20 + payload);
  frame.writeUIntBE(0x02420a000001, 0, 6);
  frame.writeUIntBE(0x02420a000002, 6, 6);
  frame.writeUInt16BE(0x0800, 12);
  frame[14] = 0x45;
  frame.writeUInt16BE(20 + 20 + payload, 16);
  frame.writeUInt16BE(0x4000, 20); // DF
  frame[22] = 64;
  frame[23] = 6;
  frame.writeUInt32BE(ipSrc >>> 0, 26);
  frame.writeUInt32BE(ipDst >>> 0, 30);
  frame.writeUInt16BE(sport, 34);
  frame.writeUInt16BE(dport, 36);
  frame.writeUInt32BE(seq >>> 0, 38);
  frame.writeUInt32BE(ack >>> 0, 42);
  frame[46] = 0x50;
  frame[47] = flags;
  frame.writeUInt16BE(flags & 0x04 ? 0 : 64240, 48);
  return frame;
}

export function writeSyntheticPcap(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(262144, 16);
  global.writeUInt32LE(1, 20);
  writeSync(fd, global);
  let written = 24;
  let t = 1_763_626_503;
  let usec = 0;
  const chunks: Buffer[] = [];
  let chunkBytes = 0;
  const emit = (frame: Buffer) => {
    const rec = Buffer.alloc(16);
    usec += 37;
    if (usec >= 1_000_000) {
      t++;
      usec -= 1_000_000;
    }
    rec.writeUInt32LE(t, 0);
    rec.writeUInt32LE(usec, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    chunks.push(rec, frame);
    chunkBytes += 16 + frame.length;
    written += 16 + frame.length;
    if (chunkBytes > 4 * 1024 * 1024) {
      writeSync(fd, Buffer.concat(chunks));
      chunks.length = 0;
      chunkBytes = 0;
    }
  };
  const SYN = 0x02, ACK = 0x10, PSH = 0x08, RST = 0x04, FIN = 0x01;
  for (let flow = 0; written < bytes; flow++) {
    const client = (10 << 24) | (244 << 16) | ((flow % 200) << 8) | (2 + (flow % 250));
    const server = (10 << 24) | (96 << 16) | ((flow >> 8) & 0xff) << 8 | (flow & 0xff);
    const sport = 32768 + (flow % 28000);
    let cs = flow * 7919, ss = flow * 104729;
    emit(checksumless(client, server, sport, 80, cs, 0, SYN, 0));
    emit(checksumless(server, client, 80, sport, ss, cs + 1, SYN | ACK, 0));
    cs++; ss++;
    emit(checksumless(client, server, sport, 80, cs, ss, ACK, 0));
    for (let i = 0; i < 6; i++) {
      emit(checksumless(client, server, sport, 80, cs, ss, PSH | ACK, 300));
      if (flow % 17 === 0 && i === 2) emit(checksumless(client, server, sport, 80, cs, ss, PSH | ACK, 300));
      cs += 300;
      emit(checksumless(server, client, 80, sport, ss, cs, PSH | ACK, 1400));
      ss += 1400;
    }
    if (flow % 23 === 0) emit(checksumless(server, client, 80, sport, ss, cs, RST, 0));
    else {
      emit(checksumless(client, server, sport, 80, cs, ss, FIN | ACK, 0));
      emit(checksumless(server, client, 80, sport, ss, cs + 1, FIN | ACK, 0));
    }
  }
  if (chunks.length) writeSync(fd, Buffer.concat(chunks));
  closeSync(fd);
}
