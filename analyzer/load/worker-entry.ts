/**
 * A worker thread of a batch: loads one node at a time into its own staging SQLite file (same
 * tables, no indexes); the main thread, the only writer of the output database, merges it.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { openStagingDatabase } from '../db/database.js';
import { planSchema } from '../db/schema-plan.js';
import { loadNode } from './node-loader.js';
import { importRegistry } from './registry-module.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-entry.js runs as a worker thread only');
const setup = workerData as WorkerSetup;
const registry = await importRegistry(setup.registryModule ?? new URL('./default-registry.js', import.meta.url).href);
const plan = planSchema(registry.tables);
const post = (message: FromWorker) => port.postMessage(message);

// creating ~80 empty tables per node costs more than copying a file that already has them
const template = join(setup.stagingDir, `template-${threadId}.sqlite`);
openStagingDatabase(template, plan).close();

port.on('message', (message: ToWorker) => {
  void (async () => {
    const { index, input, stagingFile } = message;
    try {
      copyFileSync(template, stagingFile);
      const db = openStagingDatabase(stagingFile);
      try {
        await loadNode(db, input, { registry, plan, limits: setup.limits, onError: (error) => post({ type: 'error', index, error }) });
      } finally {
        db.close();
      }
      post({ type: 'done', index });
    } catch (err) {
      post({ type: 'failed', index, message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
post({ type: 'ready' });
