import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expandInputs, type NodeInput } from '../archive/input-expansion.js';
import { createIndexes, ensureSchema, openOutputDatabase, type Db } from '../db/database.js';
import { mergeStagedSegment } from '../db/merge-staged.js';
import { nextNodeId } from '../db/node-identity.js';
import { planSchema, type SchemaPlan } from '../db/schema-plan.js';
import { registry as defaultRegistry } from './default-registry.js';
import type { ErrorRecord } from './error-record.js';
import { loadNode, recordUnloadableNode, type LoadLimits } from './node-loader.js';
import { nodeErrors, nodeSummaries, type NodeSummary } from './node-summary.js';
import type { AnalyzerRegistry } from './registry.js';
import { importRegistry } from './registry-module.js';
import { runInWorkers, type PoolJob } from './worker-pool.js';
import { workerCount } from './worker-count.js';

export interface AnalyzeOptions {
  /** Output database: a file path, an open connection, or (default) a new in-memory database. */
  db?: string | Db;
  /**
   * Worker threads; default 1 (in-process). Inputs are parsed in parallel, one thread writes.
   * 'auto' (the CLI's default): one per CPU for a batch large enough to repay them, else 1.
   */
  jobs?: number | 'auto';
  /** Called for each error as it is met (the CLI prints it); errors are also in the result and the errors table. */
  onError?: (e: ErrorRecord) => void;
  /** Parsers and tables to use in-process (tests). Worker threads cannot receive functions: see registryModule. */
  registry?: AnalyzerRegistry;
  /** URL of a module exporting `registry`, used by worker threads (and in-process when `registry` is not given). */
  registryModule?: string;
  limits?: Partial<LoadLimits>;
  /** Where worker staging files go; default beside the --db file, else the OS temp folder. */
  tempDir?: string;
  /** Nodes a worker stages before handing them to the writer (default 64; fewer when large). */
  segmentNodes?: number;
}

export interface AnalyzeResult {
  db: Db;
  plan: SchemaPlan;
  /** The nodes of this run, in input order. */
  nodes: NodeSummary[];
  errors: ErrorRecord[];
  inputs: NodeInput[];
}

/** The output database with the schema; `created`: new, so its parser-table indexes come after the load. */
function openDb(option: AnalyzeOptions['db'], plan: SchemaPlan): { db: Db; created: boolean } {
  if (option !== undefined && typeof option !== 'string') return { db: option, created: ensureSchema(option, plan) };
  const db = openOutputDatabase(option);
  try {
    return { db, created: ensureSchema(db, plan) };
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Analyzes tarballs and snapshot folders into one database: the seam the rule engine and the
 * report build on. Bad input never throws (it becomes nodes with status partial/unreadable and
 * `errors` rows); this throws only for tool errors: an unusable --db, a broken build.
 */
export async function analyzeInputs(args: readonly string[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const registry = options.registry ?? (options.registryModule ? await importRegistry(options.registryModule) : defaultRegistry);
  const plan = planSchema(registry.tables);
  const { db, created } = openDb(options.db, plan);
  try {
    const inputs = await expandInputs(args);
    const loaderOptions = { registry, plan, onError: options.onError, limits: options.limits };
    const workers = await workerCount(options.jobs, inputs);
    // injected parser objects exist only in this thread: without a module to import, stay in-process
    const canUseWorkers = options.registry === undefined || options.registryModule !== undefined;
    // node_ids follow input order, whatever order parallel workers finish in
    const firstId = nextNodeId(db);
    const jobs: PoolJob[] = inputs.map((input, index) => ({ index, input, nodeId: firstId + index }));
    if (workers > 1 && canUseWorkers) {
      await loadWithWorkers(db, jobs, workers, options, plan, registry.sources);
    } else {
      for (const job of jobs) await loadNode(db, job.input, loaderOptions, job.nodeId);
    }
    if (created) createIndexes(db, plan);
    const nodeIds = jobs.map((job) => job.nodeId);
    return { db, plan, nodes: nodeSummaries(db, nodeIds), errors: nodeErrors(db, nodeIds), inputs };
  } catch (err) {
    if (db !== options.db) db.close();
    throw err;
  }
}

/** A staging segment holds this many nodes at most (fewer when they are large). */
const SEGMENT_NODES = 64;
const SEGMENT_BYTES = 256 * 1024 * 1024;

/**
 * Parallel parsing, one writer: workers fill staging segments, this thread merges each one as it
 * arrives (the nodes of a segment in one transaction).
 */
async function loadWithWorkers(db: Db, jobs: readonly PoolJob[], workers: number, options: AnalyzeOptions, plan: SchemaPlan, sources: readonly string[]): Promise<void> {
  const base = options.tempDir ?? (typeof options.db === 'string' ? dirname(resolve(options.db)) : tmpdir());
  const stagingDir = mkdtempSync(join(base, '.nodesnap-staging-'));
  const unloadable = (index: number, message: string) => {
    const job = jobs[index] as PoolJob;
    recordUnloadableNode(db, job.input, { plan, sources, onError: options.onError }, message, job.nodeId);
  };
  try {
    await runInWorkers(jobs, {
      workers,
      onError: options.onError,
      setup: { registryModule: options.registryModule, limits: options.limits ?? {}, stagingDir, segmentNodes: options.segmentNodes ?? SEGMENT_NODES, segmentBytes: SEGMENT_BYTES },
      onSegment: (file, indexes, tables) => {
        try {
          mergeStagedSegment(db, plan, file, tables);
        } catch (err) {
          for (const index of indexes) unloadable(index, `could not merge the worker's results: ${(err as Error).message}`);
        } finally {
          // off this thread: unlinking a large file can take milliseconds the next merge needs
          void rm(file, { force: true }).catch(() => undefined);
        }
      },
      onFailed: (index, message) => unloadable(index, `analysis failed: ${message}`),
    });
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}
