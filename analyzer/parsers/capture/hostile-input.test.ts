/**
 * Captures that are cut, corrupt or made to hurt: each becomes an error in pcap_files and
 * parse_errors, keeps what was read before, and costs bounded time and memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACK, ethernet, ipv4, parseCaptureBytes, pcapFile, pcapngBlock, pcapngInterface, pcapngPacket, pcapngSectionHeader, SYN, tcp } from './testing/frames.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/pcap');
const basic = readFileSync(join(FIXTURES, 'basic.pcap'));
const basicNg = readFileSync(join(FIXTURES, 'basic.pcapng'));

/** Offset of the n-th (1-based) packet record of a little-endian classic pcap. */
function recordOffset(file: Buffer, n: number): number {
  let offset = 24;
  for (let i = 1; i < n; i++) offset += 16 + file.readUInt32LE(offset + 8);
  return offset;
}

/** Offset of the n-th (1-based) block of a little-endian pcapng. */
function blockOffset(file: Buffer, n: number): number {
  let offset = 0;
  for (let i = 1; i < n; i++) offset += file.readUInt32LE(offset + 4);
  return offset;
}

function synPacket(us: number, sport: number): { us: number; data: Buffer } {
  return { us, data: ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, payload: tcp({ sport, dport: 80, seq: 1, flags: SYN }) })) };
}

describe('files that are not captures, or empty', () => {
  it.each([
    ['zero-length', Buffer.alloc(0), 'empty file'],
    ['three bytes', Buffer.from([0xd4, 0xc3, 0xb2]), '3 bytes: too short for a capture'],
    ['wrong magic', Buffer.from('GIF89a......'), 'not a pcap or pcapng file (it starts with 47 49 46 38)'],
  ])('%s: one pcap_files row with the error', async (_name, data, error) => {
    const parsed = await parseCaptureBytes(data, { name: 'eth0.pcap' });
    expect(parsed.files).toEqual([expect.objectContaining({ member: 'pcap/eth0.pcap', interface: 'eth0', packets: 0, link_type: null, error })]);
    expect(parsed.flows).toEqual([]);
    expect(parsed.errors).toEqual([{ message: error }]);
  });

  it('an unsupported pcap version', async () => {
    const file = Buffer.from(basic.subarray(0, 200));
    file.writeUInt16LE(1, 4);
    const parsed = await parseCaptureBytes(file);
    expect(parsed.files[0]).toMatchObject({ packets: 0, error: 'unsupported pcap version 1.4' });
  });
});

describe('cut files', () => {
  it('a file cut inside a packet keeps every whole packet and says it was truncated', async () => {
    const whole = await parseCaptureBytes(basic);
    for (const chunkSize of [1, 100, 65536]) {
      const cut = await parseCaptureBytes(basic.subarray(0, basic.length - 7), { chunkSize });
      expect(cut.files[0]).toMatchObject({ packets: 59, truncated: 1, error: null });
      expect(cut.files[0]!.bytes).toBeLessThan(whole.files[0]!.bytes as number);
    }
  });

  it('a file cut between two packets is whole', async () => {
    const cut = await parseCaptureBytes(basic.subarray(0, recordOffset(basic, 31)));
    expect(cut.files[0]).toMatchObject({ packets: 30, truncated: 0, error: null });
  });

  it('a file cut inside its header has no interface', async () => {
    const cut = await parseCaptureBytes(basic.subarray(0, 10));
    expect(cut.files).toEqual([expect.objectContaining({ packets: 0, link_type: null, truncated: 1, error: null })]);
  });

  it('a pcapng cut inside a block', async () => {
    const cut = await parseCaptureBytes(basicNg.subarray(0, basicNg.length - 30), { source: 'attachments' });
    expect(cut.files[0]).toMatchObject({ truncated: 1, error: null, interface: 'va' });
  });
});

describe('absurd lengths stop the reading, in bounded time and memory', () => {
  async function* absurdThenJunk(head: Buffer, junkMiB: number): AsyncGenerator<Buffer> {
    yield head;
    const junk = Buffer.alloc(1024 * 1024, 0x5a);
    for (let i = 0; i < junkMiB; i++) yield junk;
  }

  it('pcap: incl_len 0xFFFFFFFF in packet 10, then 64 MiB', async () => {
    const file = Buffer.from(basic);
    file.writeUInt32LE(0xffffffff, recordOffset(file, 10) + 8);
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const parsed = await parseCaptureBytes(absurdThenJunk(file, 64));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
    const error = 'packet 10: captured length 4294967295 is larger than 262144 bytes; the file is corrupt from here';
    expect(parsed.files[0]).toMatchObject({ packets: 9, truncated: 0, error });
    expect(parsed.errors).toEqual([{ message: error }]);
    expect(parsed.flows.length).toBeGreaterThan(0);
  });

  it('pcap: a snaplen above 256 KiB raises the limit, up to 16 MiB', async () => {
    const big = { us: 1_700_000_000_000_000, data: Buffer.concat([ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, payload: Buffer.alloc(8) })), Buffer.alloc(300_000)]) };
    expect((await parseCaptureBytes(pcapFile([big], { snaplen: 1 << 20 }))).files[0]).toMatchObject({ packets: 1, error: null });
    expect((await parseCaptureBytes(pcapFile([big]))).files[0]!.error).toBe('packet 1: captured length 300042 is larger than 262144 bytes; the file is corrupt from here');
  });

  it.each([
    ['not a multiple of 4', 0x0000_0101],
    ['under 12', 8],
    ['over 16 MiB', 0xffff_fff0],
  ])('pcapng: a block length %s', async (_name, length) => {
    const file = Buffer.from(basicNg);
    const at = blockOffset(file, 10);
    file.writeUInt32LE(length, at + 4);
    const parsed = await parseCaptureBytes(absurdThenJunk(file, 32), { source: 'attachments' });
    const error = `block 10: impossible block length ${length}; the file is corrupt from here`;
    expect(parsed.files[0]).toMatchObject({ interface: 'va', packets: 6, error });
    expect(parsed.errors).toEqual([{ message: error }]);
  });

  it('pcapng: a trailing length that differs', async () => {
    const file = Buffer.from(basicNg);
    const at = blockOffset(file, 5);
    file.writeUInt32LE(file.readUInt32LE(at + 4) + 4, at + file.readUInt32LE(at + 4) - 4);
    const parsed = await parseCaptureBytes(file, { source: 'attachments' });
    expect(parsed.files[0]!.error).toMatch(/^block 5: trailing length \d+ differs from its length \d+; the file is corrupt from here$/);
    expect(parsed.files[0]!.packets).toBe(1);
  });

  it('pcapng: a packet longer than its block, a packet of an undeclared interface, a section without byte-order magic', async () => {
    const packet = ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, payload: tcp({ sport: 1, dport: 2, seq: 1, flags: SYN }) }));
    const good = pcapngPacket(0, 1_700_000_000_000_000, packet);
    const tooLong = Buffer.from(good);
    tooLong.writeUInt32LE(9999, 20);
    const base = [pcapngSectionHeader(), pcapngInterface(1, 'eth0'), good];
    const cases: [Buffer, string][] = [
      [Buffer.concat([...base, tooLong]), 'block 4: captured length 9999 does not fit its block of 88 bytes'],
      [Buffer.concat([...base, pcapngPacket(3, 1, packet)]), 'block 4: packet of interface 3, which no interface block described'],
      [Buffer.concat([...base, pcapngBlock(0x0a0d0d0a, Buffer.alloc(16))]), 'block 4: section header without a byte-order magic'],
    ];
    for (const [file, error] of cases) {
      const parsed = await parseCaptureBytes(file, { source: 'attachments' });
      expect(parsed.files).toEqual([expect.objectContaining({ interface: 'eth0', packets: 1, flows: 1, error })]);
    }
  });
});

describe('packets that cannot be decoded', () => {
  it('are counted; the first 20 are described with their packet number, the rest summed up', async () => {
    const broken = ethernet(Buffer.from([0x43, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2])); // IHL 3
    const packets = [synPacket(1_700_000_000_000_000, 1000), ...Array.from({ length: 25 }, (_, i) => ({ us: 1_700_000_000_000_001 + i, data: broken }))];
    const parsed = await parseCaptureBytes(pcapFile(packets));
    expect(parsed.files[0]).toMatchObject({ packets: 26, undecoded: 25, flows: 1, error: null });
    expect(parsed.errors).toHaveLength(21);
    expect(parsed.errors[0]).toEqual({ line: 2, message: 'packet 2: IPv4 header length 12' });
    expect(parsed.errors[20]).toEqual({ message: '5 more packets could not be decoded' });
  });

  it('a link type that is not decoded: packets counted, no flows, said in the file row', async () => {
    const parsed = await parseCaptureBytes(pcapFile([synPacket(1_700_000_000_000_000, 1)], { linkType: 147 }));
    expect(parsed.files[0]).toMatchObject({ link_type: 147, packets: 1, non_ip: 1, flows: 0, error: 'link type 147 is not decoded: packets are counted, flows are not' });
  });
});

describe('the flow table is bounded', () => {
  it('flows beyond the limit are counted as overflow, and said so', async () => {
    const packets = Array.from({ length: 8 }, (_, i) => synPacket(1_700_000_000_000_000 + i, 2000 + (i % 5)));
    const parsed = await parseCaptureBytes(pcapFile(packets), { maxFlows: 3 });
    expect(parsed.flows).toHaveLength(3);
    expect(parsed.flows.map((f) => f.packets)).toEqual([2, 2, 2]);
    expect(parsed.files[0]).toMatchObject({ packets: 8, flows: 3, overflow_packets: 2 });
    expect(parsed.errors).toEqual([{ message: 'overflow: the flow table is full (3 flows); 2 packets of further flows on eth0 are not in pcap_flows' }]);
  });

  it('ACK-only traffic of one flow never grows the table', async () => {
    const packets = Array.from({ length: 1000 }, (_, i) => ({ us: 1_700_000_000_000_000 + i, data: ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, payload: tcp({ sport: 5000, dport: 80, seq: 1, ack: i, flags: ACK }) })) }));
    const parsed = await parseCaptureBytes(pcapFile(packets), { maxFlows: 1 });
    expect(parsed.flows).toEqual([expect.objectContaining({ packets: 1000, role_source: 'port', client_port: 5000 })]);
    expect(parsed.files[0]).toMatchObject({ overflow_packets: 0 });
  });
});
