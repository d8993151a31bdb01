/**
 * The classic pcap reader against an independent one, the `pcap-parser` package, on every
 * well-formed microsecond fixture: same packets, same times, same lengths, same bytes.
 * (pcap-parser is not used for parsing: see pcap-classic.ts. The last test records why.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse, type Packet } from 'pcap-parser';
import { describe, expect, it } from 'vitest';
import type { InterfaceDescription, PacketSink } from './capture-session.js';
import { ClassicPcapFormat, classicMagic } from './pcap-classic.js';
import { RecordCutter } from './record-cutter.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/pcap');

interface Seen {
  us: number;
  captured: number;
  original: number;
  hex: string;
}

function withPcapParser(file: Buffer): Promise<{ packets: Seen[]; error: string | null; linkType: number }> {
  return new Promise((resolve) => {
    const packets: Seen[] = [];
    let error: string | null = null;
    let linkType = -1;
    let done = false;
    const parser = parse(Readable.from([file]));
    parser.on('globalHeader', (h) => (linkType = h.linkLayerType));
    parser.on('packet', (p: Packet) => packets.push({ us: p.header.timestampSeconds * 1e6 + p.header.timestampMicroseconds, captured: p.header.capturedLength, original: p.header.originalLength, hex: p.data.toString('hex') }));
    parser.on('error', (e) => (error = e.message));
    parser.on('end', () => {
      if (done) return; // it may end twice
      done = true;
      resolve({ packets, error, linkType });
    });
  });
}

function withOurReader(file: Buffer, chunkSize: number): { packets: Seen[]; linkType: number } {
  const packets: Seen[] = [];
  let linkType = -1;
  const sink: PacketSink = {
    get packetNumber() {
      return packets.length;
    },
    addInterface(d: InterfaceDescription) {
      linkType = d.linkType;
      return 0;
    },
    packet(_iface, us, buf, offset, captured, original) {
      packets.push({ us, captured, original, hex: buf.toString('hex', offset, offset + captured) });
    },
  };
  const cutter = new RecordCutter(new ClassicPcapFormat(sink, classicMagic(file)!));
  for (let i = 0; i < file.length; i += chunkSize) cutter.push(file.subarray(i, i + chunkSize));
  expect(cutter.hasPartialRecord).toBe(false);
  return { packets, linkType };
}

const classicMicrosecondFixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.pcap') && !f.includes('nano'));

describe('the classic pcap reader agrees with pcap-parser', () => {
  it.each(classicMicrosecondFixtures)('%s', async (name) => {
    const file = readFileSync(join(FIXTURES, name));
    const theirs = await withPcapParser(file);
    expect(theirs.error).toBeNull();
    expect(theirs.packets.length).toBeGreaterThan(0);
    for (const chunkSize of [65536, 13]) {
      const ours = withOurReader(file, chunkSize);
      expect(ours.linkType).toBe(theirs.linkType);
      expect(ours.packets).toEqual(theirs.packets);
    }
  });

  it('fixtures cover both byte orders', () => {
    expect(classicMicrosecondFixtures).toEqual(expect.arrayContaining(['basic.pcap', 'basic-be.pcap']));
  });

  it('pcap-parser cannot read nanosecond files, which tcpdump writes with --time-stamp-precision=nano', async () => {
    const file = readFileSync(join(FIXTURES, 'any-sll2-nano.pcap'));
    expect((await withPcapParser(file)).error).toBe('unknown magic number: 4d3cb2a1');
    expect(withOurReader(file, 65536).packets.length).toBeGreaterThan(0);
  });
});
