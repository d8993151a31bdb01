import type { ManifestItem, RedactionRecord } from '../registry/manifest.js';
import type { SnapshotArchive } from './archive.js';
import type { ModuleProbe } from './module-probe.js';
import type { SinceValue } from './since.js';
import type { ConfinedRoot } from './sysroot-fs.js';

/** What every item runner needs during one collection. */
export interface RunContext {
  archive: SnapshotArchive;
  /** Host files (--sysroot, default /). */
  host: ConfinedRoot;
  /** The running kernel's /proc, /sys and /dev. */
  kernel: ConfinedRoot;
  probe: ModuleProbe;
  isRoot: boolean;
  env: NodeJS.ProcessEnv;
  /** PATH the commands run with (tools are looked up on it). */
  path: string;
  since: SinceValue | null;
  /** Manifest items in archive order. */
  items: ManifestItem[];
  redactions: RedactionRecord[];
  progress: (line: string) => void;
}

/** A manifest item before its members are written. */
export type PendingItem = Omit<ManifestItem, 'output' | 'stderr'>;

export const SIZE_CAP_REASON = 'snapshot size cap reached';
