import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { NodeInput } from '../archive/input-expansion.js';

/**
 * --jobs auto uses worker threads only for a batch that holds at least this much (estimated,
 * inflated). Each worker thread is a V8 isolate that loads and JIT-compiles every parser again:
 * measured on 2 cores, a second thread costs ~1.3 s of CPU whatever the batch size (a small node
 * takes ~25 ms), so below ~50 small nodes one thread finishes first.
 */
const AUTO_PARALLEL_BYTES = 48 * 1024 * 1024;
/** Tarballs inflate about eightfold; a folder is counted as one small snapshot (not walked). */
const INFLATION = 8;
const FOLDER_BYTES = 1024 * 1024;

/** Worker threads for a run: `jobs` (at most one per input), or for 'auto' what the batch repays. */
export async function workerCount(jobs: number | 'auto' | undefined, inputs: readonly NodeInput[], cpus = availableParallelism()): Promise<number> {
  if (jobs !== 'auto') return Math.max(1, Math.min(Math.floor(jobs ?? 1), inputs.length));
  if (cpus < 2 || inputs.length < 2) return 1;
  let bytes = 0;
  for (const input of inputs) {
    if (input.kind === 'tarball') bytes += ((await stat(input.input).catch(() => null))?.size ?? 0) * INFLATION;
    else if (input.kind === 'folder') bytes += FOLDER_BYTES;
    if (bytes >= AUTO_PARALLEL_BYTES) return Math.min(cpus, inputs.length);
  }
  return 1;
}

