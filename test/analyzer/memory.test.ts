import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import type { StreamParser } from '../../analyzer/parsers/types.js';
import { snapshotEntries, tempDir, writeTarball } from './support/snapshot-builder.js';
import { registry as testRegistry } from './support/test-registry.mjs';

const MiB = 1024 * 1024;
const MEMBER_BYTES = 300 * MiB;

describe('a stream member is never held whole in memory', () => {
  it('300 MB through a StreamParser: many small chunks, RSS far below the member size', async () => {
    const dir = tempDir();
    // a varied pattern (not zeros) so inflating does real work, still small on disk
    const pattern = Buffer.alloc(MiB);
    for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 31 + (i >> 12)) & 0xff;
    const entries = snapshotEntries({ hostname: 'big', members: [{ member: 'lines/a.txt', data: 'a\n' }], manifest: false });
    entries.push({
      name: 'nodesnap-big-20240501T000000Z/huge/capture.bin',
      stream: {
        size: MEMBER_BYTES,
        async *chunks() {
          for (let i = 0; i < MEMBER_BYTES / MiB; i++) yield pattern;
        },
      },
    });
    const file = await writeTarball(join(dir, 'big.tar.gz'), entries, { level: 1 });

    let chunks = 0;
    let bytes = 0;
    let largestChunk = 0;
    let peakRss = 0;
    const counter: StreamParser = {
      kind: 'stream',
      async *parse(input) {
        for await (const chunk of input) {
          chunks++;
          bytes += chunk.length;
          largestChunk = Math.max(largestChunk, chunk.length);
          if (chunks % 16 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }
        yield ['test_blobs', { bytes, chunks }];
      },
    };
    const registry = { ...testRegistry, parserFor: (source: string) => (source === 'huge' ? counter : testRegistry.parserFor(source)) };

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const { db, nodes } = await analyzeInputs([file], { registry });
    expect(bytes).toBe(MEMBER_BYTES);
    expect(chunks).toBeGreaterThan(100);
    expect(largestChunk).toBeLessThanOrEqual(MiB);
    expect(peakRss - baseline).toBeLessThan(MEMBER_BYTES / 3);
    expect(db.prepare("SELECT bytes, sha256 IS NOT NULL AS hashed FROM files WHERE member = 'huge/capture.bin'").get()).toEqual({ bytes: MEMBER_BYTES, hashed: 1 });
    expect(nodes[0]).toMatchObject({ rows: 2 });
  });
});
