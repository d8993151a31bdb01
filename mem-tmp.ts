import { FlowTable } from './analyzer/parsers/capture/flow-table.js';
import { IpPacket } from './analyzer/parsers/capture/ip-packet.js';
declare const gc: () => void;
const N = Number(process.argv[2] ?? 100000);
const buf = Buffer.alloc(64);
const pkt = new IpPacket();
gc(); const before = process.memoryUsage().heapUsed;
const table = new FlowTable(10_000_000);
for (let i = 0; i < N; i++) {
  pkt.reset(buf); pkt.ipVersion = 4; pkt.addrLength = 4; pkt.srcOffset = 0; pkt.dstOffset = 4; pkt.proto = 6; pkt.ipLength = 60; pkt.hasPorts = true;
  buf.writeUInt32BE(0x0af40000 + (i >> 8), 0); buf.writeUInt32BE(0x0a600001, 4); pkt.srcPort = 30000 + (i & 255); pkt.dstPort = 443; pkt.tcpFlags = 2; pkt.seq = i; pkt.vni = -1; pkt.ifindex = -1;
  table.add(pkt, 0, 1.7e15 + i);
}
gc(); const after = process.memoryUsage().heapUsed;
console.log(N, 'flows', ((after - before) / N).toFixed(0), 'bytes/flow', ((after - before) / 1e6).toFixed(0), 'MB');
