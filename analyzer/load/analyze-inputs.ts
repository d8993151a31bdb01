import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expandInputs, type NodeInput } from '../archive/input-expansion.js';
import { ensureSchema, openOutputDatabase, type Db } from '../db/database.js';
import { mergeStagedNode } from '../db/merge-staged.js';
import { planSchema, type SchemaPlan } from '../db/schema-plan.js';
import { registry as defaultRegistry } from './default-registry.js';
import type { ErrorRecord } from './error-record.js';
import { loadNode, recordUnloadableNode, type LoadLimits } from './node-loader.js';
import { nodeErrors, nodeSummaries, type NodeSummary } from './node-summary.js';
import type { AnalyzerRegistry } from './registry.js';
import { importRegistry } from './registry-module.js';
import { runInWorkers, type JobOutcome } from './worker-pool.js';

export interface AnalyzeOptions {
  /** Output database: a file path, an open connection, or (default) a new in-memory database. */
  db?: string | Db;
  /** Worker threads; default 1 (in-process). Inputs are parsed in parallel, one thread writes. */
  jobs?: number;
  /** Called for each error as it is met (the CLI prints it); errors are also in the result and the errors table. */
  onError?: (e: ErrorRecord) => void;
  /** Parsers and tables to use in-process (tests). Worker threads cannot receive functions: see registryModule. */
  registry?: AnalyzerRegistry;
  /** URL of a module exporting `registry`, used by worker threads (and in-process when `registry` is not given). */
  registryModule?: string;
  limits?: Partial<LoadLimits>;
  /** Where worker staging files go; default beside the --db file, else the OS temp folder. */
  tempDir?: string;
}

export interface AnalyzeResult {
  db: Db;
  plan: SchemaPlan;
  /** The nodes of this run, in input order. */
  nodes: NodeSummary[];
  errors: ErrorRecord[];
  inputs: NodeInput[];
}

function openDb(option: AnalyzeOptions['db'], plan: SchemaPlan): Db {
  if (option !== undefined && typeof option !== 'string') {
    ensureSchema(option, plan);
    return option;
  }
  const db = openOutputDatabase(option);
  try {
    ensureSchema(db, plan);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Analyzes tarballs and snapshot folders into one database: the seam the rule engine and the
 * report build on. Bad input never throws (it becomes nodes with status partial/unreadable and
 * `errors` rows); this throws only for tool errors: an unusable --db, a broken build.
 */
export async function analyzeInputs(args: readonly string[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const registry = options.registry ?? (options.registryModule ? await importRegistry(options.registryModule) : defaultRegistry);
  const plan = planSchema(registry.tables);
  const db = openDb(options.db, plan);
  const inputs = await expandInputs(args);
  const loaderOptions = { registry, plan, onError: options.onError, limits: options.limits };

  const workers = Math.max(1, Math.min(Math.floor(options.jobs ?? 1), inputs.length));
  // injected parser objects exist only in this thread: without a module to import, stay in-process
  const canUseWorkers = options.registry === undefined || options.registryModule !== undefined;
  let nodeIds: number[];
  if (workers > 1 && canUseWorkers) {
    nodeIds = await loadWithWorkers(db, inputs, workers, options, plan);
  } else {
    nodeIds = [];
    for (const input of inputs) nodeIds.push(await loadNode(db, input, loaderOptions));
  }
  return { db, plan, nodes: nodeSummaries(db, nodeIds), errors: nodeErrors(db, nodeIds), inputs };
}

/** Parallel parsing, one writer: nodes are merged in input order, so node_ids do not depend on timing. */
async function loadWithWorkers(db: Db, inputs: readonly NodeInput[], workers: number, options: AnalyzeOptions, plan: SchemaPlan): Promise<number[]> {
  const base = options.tempDir ?? (typeof options.db === 'string' ? dirname(resolve(options.db)) : tmpdir());
  const stagingDir = mkdtempSync(join(base, '.nodesnap-staging-'));
  const outcomes = new Map<number, JobOutcome>();
  const nodeIds: number[] = [];
  const unloadable = (input: NodeInput, message: string) => recordUnloadableNode(db, input, { plan, onError: options.onError }, message);

  const mergeReady = () => {
    for (let outcome = outcomes.get(nodeIds.length); outcome; outcome = outcomes.get(nodeIds.length)) {
      const index = nodeIds.length;
      const input = inputs[index] as NodeInput;
      outcomes.delete(index);
      if (outcome.kind === 'failed') {
        nodeIds.push(unloadable(input, `analysis failed: ${outcome.message}`));
        continue;
      }
      try {
        nodeIds.push(mergeStagedNode(db, plan, outcome.file));
      } catch (err) {
        nodeIds.push(unloadable(input, `could not merge the worker's results: ${(err as Error).message}`));
      } finally {
        rmSync(outcome.file, { force: true });
      }
    }
  };

  try {
    await runInWorkers(inputs, {
      workers,
      stagingDir,
      onError: options.onError,
      setup: { registryModule: options.registryModule, limits: options.limits ?? {}, stagingDir },
      onOutcome: (index, outcome) => {
        outcomes.set(index, outcome);
        mergeReady();
      },
    });
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
  return nodeIds;
}
