import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NodeInput } from '../archive/input-expansion.js';
import type { ErrorRecord } from './error-record.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

export type JobOutcome = { kind: 'staged'; file: string } | { kind: 'failed'; message: string };

export interface PoolOptions {
  workers: number;
  setup: WorkerSetup;
  /** Folder for the staging files (one per node, deleted by the caller after merging). */
  stagingDir: string;
  onError?: (e: ErrorRecord) => void;
  /** Called on the main thread as each node finishes, in completion order. May throw: the pool then stops. */
  onOutcome: (index: number, outcome: JobOutcome) => void;
}

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
 * Runs node loads on worker threads, each node into its own staging file. A worker that dies takes
 * only its current node with it (reported as failed); a new worker takes over the rest. A worker
 * that cannot even start (broken build) stops the pool: every node would fail the same way.
 */
export function runInWorkers(inputs: readonly NodeInput[], options: PoolOptions): Promise<void> {
  const entry = workerEntryUrl();
  const total = inputs.length;
  let next = 0;
  let finished = 0;
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

    const outcome = (index: number, result: JobOutcome) => {
      try {
        options.onOutcome(index, result);
      } catch (err) {
        stop(err);
        return;
      }
      if (++finished === total) stop();
    };

    const spawn = () => {
      const worker = new Worker(entry, { workerData: options.setup });
      workers.add(worker);
      let current: number | null = null;
      let ready = false;
      let crash: string | null = null;

      const dispatch = () => {
        if (stopped || next >= total) {
          current = null;
          void worker.terminate();
          return;
        }
        current = next++;
        const job: ToWorker = { type: 'job', index: current, input: inputs[current] as NodeInput, stagingFile: join(options.stagingDir, `node-${current}.sqlite`) };
        worker.postMessage(job);
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
          case 'failed': {
            // next job first: the worker parses while this thread merges
            dispatch();
            outcome(
              message.index,
              message.type === 'done'
                ? { kind: 'staged', file: join(options.stagingDir, `node-${message.index}.sqlite`) }
                : { kind: 'failed', message: message.message },
            );
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
        if (current !== null) {
          const index = current;
          current = null;
          outcome(index, { kind: 'failed', message: `worker thread stopped while reading this input: ${crash ?? `exit code ${code}`}` });
          if (!stopped && next < total) spawn();
        }
      });
      dispatch();
    };

    if (total === 0) {
      resolve();
      return;
    }
    for (let i = 0; i < Math.min(options.workers, total); i++) spawn();
  });
}
