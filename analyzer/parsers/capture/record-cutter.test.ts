import { describe, expect, it } from 'vitest';
import { CaptureFormatError, RecordCutter, type RecordFormat } from './record-cutter.js';

/** Records of a 2-byte big-endian length (the header) followed by that many payload bytes. */
class LengthPrefixed implements RecordFormat {
  readonly seen: string[] = [];
  headerBytes(): number {
    return 2;
  }
  recordLength(buf: Buffer, offset: number): number {
    const length = buf.readUInt16BE(offset);
    if (length === 0xffff) throw new CaptureFormatError('absurd');
    return 2 + length;
  }
  record(buf: Buffer, offset: number, length: number): void {
    this.seen.push(buf.toString('latin1', offset + 2, offset + length));
  }
}

function encode(records: string[]): Buffer {
  return Buffer.concat(records.map((r) => Buffer.concat([Buffer.from([r.length >> 8, r.length & 0xff]), Buffer.from(r, 'latin1')])));
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('RecordCutter', () => {
  it('hands over every record exactly once, whatever the chunk boundaries', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const records = Array.from({ length: 1 + Math.floor(next() * 30) }, (_, i) => `r${i}:`.padEnd(Math.floor(next() * 3000), 'x'));
      const data = encode(records);
      const format = new LengthPrefixed();
      const cutter = new RecordCutter(format);
      for (let at = 0; at < data.length; ) {
        const size = Math.max(1, Math.floor(next() * (next() < 0.3 ? 4 : 5000)));
        cutter.push(data.subarray(at, at + size));
        at += size;
      }
      expect(format.seen).toEqual(records);
      expect(cutter.hasPartialRecord).toBe(false);
    }
  });

  it('records within one chunk are not copied', () => {
    const data = encode(['abc', 'def']);
    const buffers: Buffer[] = [];
    const cutter = new RecordCutter({ headerBytes: () => 2, recordLength: (b, o) => 2 + b.readUInt16BE(o), record: (b) => void buffers.push(b) });
    cutter.push(data);
    expect(buffers.every((b) => b === data)).toBe(true);
  });

  it('reports a record left unfinished, and its expected length', () => {
    const cutter = new RecordCutter(new LengthPrefixed());
    cutter.push(encode(['hello']).subarray(0, 4));
    expect([cutter.hasPartialRecord, cutter.partialRecordLength]).toEqual([true, 7]);
    const headerOnly = new RecordCutter(new LengthPrefixed());
    headerOnly.push(Buffer.from([0]));
    expect([headerOnly.hasPartialRecord, headerOnly.partialRecordLength]).toEqual([true, -1]);
  });

  it('lets a format error through, whether the header is whole or split', () => {
    const bad = Buffer.concat([encode(['ok']), Buffer.from([0xff, 0xff, 1, 2, 3])]);
    expect(() => new RecordCutter(new LengthPrefixed()).push(bad)).toThrow(CaptureFormatError);
    const split = new RecordCutter(new LengthPrefixed());
    split.push(bad.subarray(0, 5));
    expect(() => split.push(bad.subarray(5))).toThrow('absurd');
  });
});
