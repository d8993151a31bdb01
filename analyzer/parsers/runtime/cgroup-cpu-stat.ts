/**
 * cpu.stat of container cgroups, one member per file; the path says whose it is.
 *
 *   cgroup v1 (/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod57501f2c-.../2591c532.../cpu.stat):
 *     nr_periods 345600
 *     nr_throttled 112003
 *     throttled_time 8842010238812          (nanoseconds)
 *   cgroup v2 (/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod57501f2c_60f3_....slice/cri-containerd-8c1f....scope/cpu.stat):
 *     usage_usec 1290038110
 *     user_usec 1001000221
 *     system_usec 289037889
 *     nr_periods 345600
 *     nr_throttled 112003
 *     throttled_usec 8842010238
 */
import type { TextParser } from '../types.js';
import { nodePathOf, RowSink, splitLines } from './rows.js';

// docker-<id>.scope, cri-containerd-<id>.scope, <id> (cgroupfs), kubepods-...slice:cri-containerd:<id>
const CONTAINER_ID = /(?:^|[-:])([0-9a-f]{64})(?![0-9a-f])/;
// pod<uid> (cgroupfs) or kubepods-burstable-pod<uid with _>.slice (systemd)
const POD_UID = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?![0-9a-f])/;
const QOS = /(?:^|-)(burstable|besteffort)(?=$|\.slice|-pod)/;

export interface CgroupOwner {
  cgroup: string;
  container_id: string | null;
  pod_uid: string | null;
  qos_class: string | null;
  level: 'container' | 'pod' | 'qos' | 'other';
}

/** Container id, pod uid and QoS class named by the directories of a cgroup path. */
export function cgroupOwner(path: string): CgroupOwner {
  const cgroup = path.replace(/\/cpu\.stat$/, '');
  let container: string | null = null;
  let pod: string | null = null;
  let qos: string | null = null;
  for (const dir of cgroup.split('/')) {
    const c = CONTAINER_ID.exec(dir);
    if (c) container = c[1] as string;
    const p = POD_UID.exec(dir);
    if (p) pod = (p[1] as string).replace(/_/g, '-');
    const q = QOS.exec(dir);
    if (q) qos = q[1] as string;
  }
  // a pod cgroup straight under kubepods is a Guaranteed pod: that class has no directory of its own
  if (pod !== null && qos === null) qos = 'guaranteed';
  const level = container ? 'container' : pod ? 'pod' : qos ? 'qos' : 'other';
  return { cgroup, container_id: container, pod_uid: pod, qos_class: qos, level };
}

export const cgroupCpuStatParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const stats = new Map<string, number>();
    splitLines(text).forEach((line, i) => {
      if (line.trim() === '') return;
      const [key, value, extra] = line.trim().split(/\s+/);
      if (!key || value === undefined || extra !== undefined || !/^\d+$/.test(value)) {
        sink.error(`not a cpu.stat line: ${line.slice(0, 120)}`, i + 1);
        return;
      }
      stats.set(key, Number(value));
    });
    if (stats.size === 0) return sink.rows();
    const owner = cgroupOwner(nodePathOf(ctx));
    const v1Nanos = stats.get('throttled_time');
    const throttledUsec = stats.get('throttled_usec') ?? (v1Nanos === undefined ? null : Math.round(v1Nanos / 1000));
    const periods = stats.get('nr_periods') ?? null;
    const throttled = stats.get('nr_throttled') ?? null;
    sink.add('cgroup_cpu_stats', {
      path: nodePathOf(ctx),
      ...owner,
      cgroup_version: stats.has('usage_usec') || stats.has('throttled_usec') ? 2 : 1,
      nr_periods: periods,
      nr_throttled: throttled,
      throttled_usec: throttledUsec,
      usage_usec: stats.get('usage_usec') ?? null,
      throttled_ratio: periods && throttled !== null ? throttled / periods : null,
    });
    return sink.rows();
  },
};
