/**
 * A worker thread of a batch: loads nodes into staging SQLite files (same tables, no indexes),
 * several nodes per file ("segment"); the main thread, the only writer of the output database,
 * merges each closed segment. Node ids are assigned by the main thread, so nothing is renumbered.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { openStagingDatabase, type Db } from '../db/database.js';
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

// creating ~80 empty tables per segment costs more than copying a file that already has them
const template = join(setup.stagingDir, `template-${threadId}.sqlite`);
openStagingDatabase(template, plan).close();

interface Segment {
  file: string;
  db: Db;
  indexes: number[];
  tables: Set<string>;
}
let segment: Segment | null = null;
let segments = 0;

function openSegment(): Segment {
  const file = join(setup.stagingDir, `segment-${threadId}-${segments++}.sqlite`);
  copyFileSync(template, file);
  return { file, db: openStagingDatabase(file), indexes: [], tables: new Set() };
}

function flush(): void {
  if (!segment) return;
  const { file, db, indexes, tables } = segment;
  segment = null;
  db.close();
  post({ type: 'segment', file, indexes, tables: [...tables] });
}

function isFull(s: Segment): boolean {
  if (s.indexes.length >= setup.segmentNodes) return true;
  const pages = s.db.pragma('page_count', { simple: true }) as number;
  const pageSize = s.db.pragma('page_size', { simple: true }) as number;
  return pages * pageSize >= setup.segmentBytes;
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'flush') {
    flush();
    return;
  }
  const { index, nodeId, input } = message;
  segment ??= openSegment();
  const loaded = await loadNode(segment.db, input, { registry, plan, limits: setup.limits, onError: (error) => post({ type: 'error', index, error }) }, nodeId);
  segment.indexes.push(index);
  for (const table of loaded.tables) segment.tables.add(table);
  post({ type: 'done', index });
  if (isFull(segment)) flush();
}

// one message at a time: a flush must never close the segment under a node being loaded
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(() => handle(message)).catch((err: unknown) => {
    // the staging file is in an unknown state: end this thread, the pool re-runs what it held
    queueMicrotask(() => {
      throw err;
    });
  });
});
post({ type: 'ready' });
