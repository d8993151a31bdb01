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
  /** A staging segment is handed over once it holds this many nodes... */
  segmentNodes: number;
  /** ...or this many bytes. */
  segmentBytes: number;
}

export type ToWorker = { type: 'job'; index: number; nodeId: number; input: NodeInput } | { type: 'flush' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'error'; index: number; error: ErrorRecord }
  | { type: 'done'; index: number }
  /** A closed staging file holding the nodes of these job indexes, with rows in these tables. */
  | { type: 'segment'; file: string; indexes: number[]; tables: string[] };
