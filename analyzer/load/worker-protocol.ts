import type { NodeInput } from '../archive/input-expansion.js';
import type { ErrorRecord } from './error-record.js';
import type { LoadLimits } from './node-loader.js';

/** Given to every worker at start. */
export interface WorkerSetup {
  /** URL of a module exporting `registry: AnalyzerRegistry`; absent: the real parsers. */
  registryModule?: string;
  limits: Partial<LoadLimits>;
  /** Folder of the staging files (the worker keeps its empty-schema template there too). */
  stagingDir: string;
}

export type ToWorker = { type: 'job'; index: number; input: NodeInput; stagingFile: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'error'; index: number; error: ErrorRecord }
  | { type: 'done'; index: number }
  | { type: 'failed'; index: number; message: string };
