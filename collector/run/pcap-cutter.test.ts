import { describe, expect, it } from 'vitest';
import { PcapBoundaryTracker, sniffFileKind } from './pcap-cutter.js';

/** A classic pcap file with records of the given packet sizes. */
function pcapBytes(sizes: number[], littleEndian = true, magic = 0xa1b2c3d4): Buffer {
  const header = Buffer.alloc(24);
  if (littleEndian) header.writeUInt32LE(magic, 0);
  else header.writeUInt32BE(magic, 0);
  const write = (buf: Buffer, value: number, at: number): void => void (littleEndian ? buf.writeUInt32LE(value, at) : buf.writeUInt32BE(value, at));
  header.writeUInt16LE(2, 4);
  write(header, 262144, 16);
  write(header, 1, 20);
  const records = sizes.map((size, i) => {
    const rec = Buffer.alloc(16 + size, i + 1);
    write(rec, 1700000000 + i, 0);
    write(rec, 0, 4);
    write(rec, size, 8);
    write(rec, size, 12);
    return rec;
  });
  return Buffer.concat([header, ...records]);
}

function track(bytes: Buffer, chunkSize: number): PcapBoundaryTracker {
  const tracker = new PcapBoundaryTracker();
  for (let i = 0; i < bytes.length; i += chunkSize) tracker.push(bytes.subarray(i, i + chunkSize));
  return tracker;
}

describe('PcapBoundaryTracker', () => {
  const sizes = [60, 1514, 0, 98, 42];
  const file = pcapBytes(sizes);
  const ends = sizes.reduce<number[]>((acc, size) => [...acc, (acc.at(-1) ?? 24) + 16 + size], []);

  it('finds every record boundary whatever the chunking', () => {
    for (const chunk of [1, 3, 7, 16, 24, 100, file.length]) {
      const tracker = track(file, chunk);
      expect(tracker.isPcap).toBe(true);
      expect(tracker.recordCount).toBe(sizes.length);
      expect(tracker.validLength).toBe(file.length);
    }
  });

  it('stops at the last whole record when the stream is cut mid-record', () => {
    // 5 bytes past a record's end is never a whole next record, not even the empty one (16-byte header)
    for (const end of ends) expect(track(file.subarray(0, end + 5), 5).validLength).toBe(end);
    expect(track(file.subarray(0, ends[1] as number), 5).validLength).toBe(ends[1]);
    expect(track(file.subarray(0, (ends[1] as number) - 1), 5).validLength).toBe(ends[0]);
    expect(track(file.subarray(0, 30), 4).validLength).toBe(24);
    expect(track(file.subarray(0, 10), 4).validLength).toBe(0);
  });

  it('reads big-endian and nanosecond files', () => {
    expect(track(pcapBytes(sizes, false), 9).validLength).toBe(file.length);
    expect(track(pcapBytes(sizes, true, 0xa1b23c4d), 9).recordCount).toBe(sizes.length);
  });

  it('gives no boundary for something that is not a pcap', () => {
    const tracker = track(Buffer.from('this is a log file, not a capture\n'), 8);
    expect(tracker.isPcap).toBe(false);
    expect(tracker.validLength).toBe(0);
  });
});

describe('sniffFileKind', () => {
  it('tells captures, binaries and text apart', () => {
    expect(sniffFileKind(pcapBytes([10]))).toBe('pcap');
    expect(sniffFileKind(pcapBytes([10], false))).toBe('pcap');
    expect(sniffFileKind(Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0]))).toBe('pcapng');
    expect(sniffFileKind(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]))).toBe('binary');
    expect(sniffFileKind(Buffer.from('Nov 21 kubelet[123]: E1121 error\n'))).toBe('text');
  });
});
