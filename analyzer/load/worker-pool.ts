import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NodeInput } from '../archive/input-expansion.js';
import type { ErrorRecord } from './error-record.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

export interface PoolJob {
  index: number;
  nodeId: number;
  input: NodeInput;
}

export interface PoolOptions {
  workers: number;
  setup: WorkerSetup;
  onError?: (e: ErrorRecord) => void;
  /** A closed staging file with the nodes of these jobs: merge it, then it may be deleted. May throw: the pool then stops. */
  onSegment: (file: string, indexes: number[], tables: string[]) => void;
  /** A job whose worker died while loading it. May throw: the pool then stops. */
  onFailed: (index: number, message: string) => void;
}

/** A job that keeps killing workers is given up after this many attempts. */
const MAX_ATTEMPTS = 2;

/**
 * The compiled worker. From dist/ it sits beside this module; when this module runs from the
 * TypeScript sources (vitest), worker threads cannot load .ts, so they run the dist/ build.
 */
export function workerEntryUrl(): URL {
  const here = new URL(import.meta.url);
  const url = here.pathname.endsWith('.js') ? new URL('./worker-entry.js', here) : new URL('../../dist/analyzer/load/worker-entry.js', here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`worker entry ${fileURLToPath(url)} not found: run \`npm run build\``);
  return url;
}

/**
 * Runs node loads on worker threads. Each worker fills staging segments and hands each closed
 * segment to `onSegment` on this thread. A worker that dies takes its current job with it
 * (`onFailed`); the finished jobs of its unmerged segment are queued again for a new worker. A
 * worker that cannot even start (a broken build) stops the pool: every job would fail alike.
 */
export function runInWorkers(jobs: readonly PoolJob[], options: PoolOptions): Promise<void> {
  const entry = workerEntryUrl();
  const queue = [...jobs];
  const attempts = new Map<number, number>();
  const total = jobs.length;
  let settled = 0;
  let stopped = false;
  const workers = new Set<Worker>();

  return new Promise<void>((resolve, reject) => {
    const stop = (err?: unknown) => {
      if (stopped) return;
      stopped = true;
      for (const w of workers) void w.terminate();
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const guarded = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        stop(err);
      }
    };
    const settle = (count: number) => {
      settled += count;
      if (settled === total) stop();
    };

    const spawn = () => {
      const worker = new Worker(entry, { workerData: options.setup });
      workers.add(worker);
      let current: PoolJob | null = null;
      let unflushed: PoolJob[] = [];
      let flushing = false;
      let ready = false;
      let crash: string | null = null;

      const next = () => {
        if (stopped) return;
        const job = queue.shift();
        if (job) {
          current = job;
          attempts.set(job.index, (attempts.get(job.index) ?? 0) + 1);
          const message: ToWorker = { type: 'job', index: job.index, nodeId: job.nodeId, input: job.input };
          worker.postMessage(message);
        } else if (unflushed.length > 0) {
          if (!flushing) worker.postMessage({ type: 'flush' } satisfies ToWorker);
          flushing = true;
        } else {
          void worker.terminate();
        }
      };

      worker.on('message', (message: FromWorker) => {
        if (stopped) return;
        switch (message.type) {
          case 'ready':
            ready = true;
            break;
          case 'error':
            options.onError?.(message.error);
            break;
          case 'done':
            if (current) unflushed.push(current);
            current = null;
            next(); // the worker parses the next node while this thread merges
            break;
          case 'segment': {
            unflushed = unflushed.filter((job) => !message.indexes.includes(job.index));
            flushing = false;
            guarded(() => options.onSegment(message.file, message.indexes, message.tables));
            if (!stopped) settle(message.indexes.length);
            if (!stopped && current === null) next();
            break;
          }
        }
      });
      worker.on('error', (err) => {
        crash = err.message;
      });
      worker.on('exit', (code) => {
        workers.delete(worker);
        if (stopped) return;
        if (!ready) {
          stop(new Error(`worker thread failed to start: ${crash ?? `exit code ${code}`}`));
          return;
        }
        const why = `worker thread stopped while reading this input: ${crash ?? `exit code ${code}`}`;
        const lost = current;
        current = null;
        if (lost) {
          guarded(() => options.onFailed(lost.index, why));
          if (stopped) return;
          settle(1);
        }
        for (const job of unflushed) {
          if ((attempts.get(job.index) ?? 0) < MAX_ATTEMPTS) queue.unshift(job);
          else {
            guarded(() => options.onFailed(job.index, why));
            if (stopped) return;
            settle(1);
          }
        }
        unflushed = [];
        if (!stopped && queue.length > 0) spawn();
      });
      next();
    };

    if (total === 0) {
      resolve();
      return;
    }
    for (let i = 0; i < Math.min(options.workers, total); i++) spawn();
  });
}
