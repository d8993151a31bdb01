/**
 * Kernel release arithmetic for rules whose meaning changed between kernel versions
 * (e.g. /proc/vmstat nr_kernel_stack counts stacks before 4.9 and KiB from 4.9 on).
 */
import type { Database } from 'better-sqlite3';

export interface KernelVersion {
  major: number;
  minor: number;
  /** The release as uname -r prints it, e.g. 3.10.0-1160.el7.x86_64 */
  release: string;
}

/** Reads "5.15.0-91-generic" as 5.15; null when the text does not start with two numbers. */
export function parseKernelRelease(release: string | null | undefined): KernelVersion | null {
  if (!release) return null;
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), release: release.trim() } : null;
}

/** True when `v` is at least major.minor. */
export function kernelAtLeast(v: KernelVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** Kernel version of each node (nodes.kernel, filled from uname), null when unknown. */
export function kernelVersions(db: Database, nodeIds: readonly number[]): Map<number, KernelVersion | null> {
  const rows = db.prepare('SELECT node_id, kernel FROM nodes').all() as { node_id: number; kernel: string | null }[];
  const wanted = new Set(nodeIds);
  return new Map(rows.filter((r) => wanted.has(r.node_id)).map((r) => [r.node_id, parseKernelRelease(r.kernel)] as const));
}
