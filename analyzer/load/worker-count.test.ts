import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeInput } from '../archive/input-expansion.js';
import { workerCount } from './worker-count.js';

const MiB = 1024 * 1024;

/** Tarballs of the given sizes (sparse files: only the size is read). */
function tarballs(sizes: number[]): NodeInput[] {
  const dir = mkdtempSync(join(tmpdir(), 'nodesnap-jobs-'));
  return sizes.map((size, i) => {
    const file = join(dir, `n${i}.tar.gz`);
    writeFileSync(file, '');
    truncateSync(file, size);
    return { input: file, kind: 'tarball' };
  });
}

describe('workerCount', () => {
  it('an explicit --jobs is kept, at most one thread per input', async () => {
    const inputs = tarballs([100, 100, 100]);
    expect(await workerCount(2, inputs, 8)).toBe(2);
    expect(await workerCount(16, inputs, 8)).toBe(3);
    expect(await workerCount(undefined, inputs, 8)).toBe(1);
    expect(await workerCount(0, inputs, 8)).toBe(1);
  });

  it('auto: one thread for a small batch (a second isolate would cost more than it saves), one per CPU for a large one', async () => {
    // 20 small nodes of ~110 KB: ~17 MB inflated
    expect(await workerCount('auto', tarballs(Array.from({ length: 20 }, () => 110 * 1024)), 2)).toBe(1);
    // 200 of them: ~170 MB inflated
    expect(await workerCount('auto', tarballs(Array.from({ length: 200 }, () => 110 * 1024)), 2)).toBe(2);
    // one large node is one input: nothing to share
    expect(await workerCount('auto', tarballs([64 * MiB]), 2)).toBe(1);
    // two large nodes
    expect(await workerCount('auto', tarballs([7 * MiB, 7 * MiB]), 4)).toBe(2);
    // one CPU
    expect(await workerCount('auto', tarballs(Array.from({ length: 200 }, () => 110 * 1024)), 1)).toBe(1);
    // folders count as small snapshots; unknown inputs as nothing
    const folders: NodeInput[] = Array.from({ length: 60 }, (_, i) => ({ input: `/nonexistent/${i}`, kind: i % 2 ? 'folder' : 'unknown' }));
    expect(await workerCount('auto', folders, 2)).toBe(1);
    expect(await workerCount('auto', [...folders, ...folders.map((f) => ({ ...f, kind: 'folder' as const }))], 2)).toBe(2);
  });
});
