/**
 * Containers as the docker/ rules see them: one row per container (a container listed by both
 * docker and crictl under dockershim counts once), the kubelet's current instance of each pod
 * container (older exited attempts are history, not a second problem), and how to name a
 * container in a finding.
 */
import type { Database } from 'better-sqlite3';
import { memoForRun } from '../run-memo.js';

export interface ContainerRow {
  node_id: number;
  id: string;
  name: string;
  engine: string;
  image: string | null;
  status: string | null;
  running: number | null;
  pid: number | null;
  path: string | null;
  args: string | null;
  entrypoint: string | null;
  cmd: string | null;
  init: number | null;
  privileged: number | null;
  network_mode: string | null;
  pid_mode: string | null;
  runtime: string | null;
  log_type: string | null;
  log_max_size: string | null;
  log_max_file: string | null;
  log_path: string | null;
  restart_policy: string | null;
  restart_count: number | null;
  k8s_attempt: number | null;
  oom_killed: number | null;
  exit_code: number | null;
  error: string | null;
  created: string | null;
  started_at: string | null;
  finished_at: string | null;
  memory_limit: number | null;
  nano_cpus: number | null;
  cpu_quota: number | null;
  cpu_period: number | null;
  upper_dir: string | null;
  overlay_layer_id: string | null;
  pod_name: string | null;
  pod_namespace: string | null;
  pod_uid: string | null;
  k8s_container_name: string | null;
  k8s_type: string | null;
  sandbox_id: string | null;
  gpu_requested: number | null;
  gpu_request_via: string | null;
}

/** Every container of the given nodes, once each (the docker engine's view wins over crictl's for the same id). */
export function loadContainers(db: Database, nodeIds: readonly number[]): readonly ContainerRow[] {
  // several docker rules read the same containers: once per rules run (shared: never mutate them)
  return memoForRun(db, `docker-containers:${nodeIds.join(',')}`, () => readContainers(db, nodeIds));
}

function readContainers(db: Database, nodeIds: readonly number[]): ContainerRow[] {
  const wanted = new Set(nodeIds);
  // a few nodes (a rule looking at one node) use the node_id index; a whole batch reads the table once
  const filter = nodeIds.length <= 64 ? `WHERE node_id IN (${nodeIds.map(() => '?').join(', ') || 'NULL'})` : '';
  const rows = db
    .prepare(`SELECT * FROM containers ${filter} ORDER BY node_id, id, engine = 'docker' DESC`)
    .all(...(filter ? nodeIds : [])) as ContainerRow[];
  const out: ContainerRow[] = [];
  let last = '';
  for (const r of rows) {
    if (!wanted.has(r.node_id)) continue;
    const key = `${r.node_id}\u0000${r.id}`;
    if (key === last) continue;
    last = key;
    out.push(r);
  }
  return out;
}

const isSandbox = (c: ContainerRow): boolean => c.k8s_type === 'podsandbox';

/** Which pod container a kubelet-managed container is an instance of; null for other containers. */
function podContainerKey(c: ContainerRow): string | null {
  if (c.k8s_type !== 'container' || !c.k8s_container_name || !(c.pod_uid || c.pod_name)) return null;
  return `${c.node_id}\u0000${c.pod_uid ?? `${c.pod_namespace}/${c.pod_name}`}\u0000${c.k8s_container_name}`;
}

const isLive = (c: ContainerRow) => c.running === 1 || c.status === 'running' || c.status === 'restarting' || c.status === 'paused';

/**
 * The containers that matter now: every non-Kubernetes container, and for each pod container
 * only its current instance (the highest attempt; a live one wins a tie). Sandboxes are left
 * out unless asked for.
 */
export function currentContainers(rows: readonly ContainerRow[], options: { sandboxes?: boolean } = {}): ContainerRow[] {
  const best = new Map<string, ContainerRow>();
  const out: ContainerRow[] = [];
  for (const c of rows) {
    if (isSandbox(c) && !options.sandboxes) continue;
    const key = podContainerKey(c);
    if (key === null) {
      out.push(c);
      continue;
    }
    const seen = best.get(key);
    if (!seen || isNewer(c, seen)) best.set(key, c);
  }
  return [...out, ...best.values()].sort((a, b) => a.node_id - b.node_id || containerLabel(a).resource.localeCompare(containerLabel(b).resource));
}

function isNewer(a: ContainerRow, b: ContainerRow): boolean {
  const attempt = (a.k8s_attempt ?? -1) - (b.k8s_attempt ?? -1);
  if (attempt !== 0) return attempt > 0;
  if (isLive(a) !== isLive(b)) return isLive(a);
  return (a.created ?? '') > (b.created ?? '');
}

/** Every instance of the same pod container as `c` (itself included), for counting history. */
export function instancesOf(rows: readonly ContainerRow[], c: ContainerRow): ContainerRow[] {
  const key = podContainerKey(c);
  return key === null ? [c] : rows.filter((r) => podContainerKey(r) === key);
}

export interface ContainerLabel {
  /** The finding's resource: `pod <ns>/<pod> container <name>` or `container <name>`. */
  resource: string;
  /** The same in a sentence: `container report-api of pod shop/report-api-6b7f9d8c5-q4k8w`. */
  phrase: string;
}

/** How findings name a container (the same words kernel/oom-kills uses). */
export function containerLabel(c: Pick<ContainerRow, 'name' | 'pod_name' | 'pod_namespace' | 'k8s_container_name' | 'k8s_type'>): ContainerLabel {
  if (c.pod_namespace && c.pod_name) {
    const container = c.k8s_type === 'podsandbox' ? 'POD (sandbox)' : (c.k8s_container_name ?? c.name);
    return { resource: `pod ${c.pod_namespace}/${c.pod_name} container ${container}`, phrase: `container ${container} of pod ${c.pod_namespace}/${c.pod_name}` };
  }
  return { resource: `container ${c.name}`, phrase: `container ${c.name}` };
}

/** A JSON array column as strings; [] when NULL or not an array of strings. */
export function jsonStrings(text: string | null): string[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The command line of a container's PID 1 as docker inspect shows it: Path then Args. */
export function commandLine(c: Pick<ContainerRow, 'path' | 'args'>): string[] {
  return [...(c.path ? [c.path] : []), ...jsonStrings(c.args)];
}

/** Quotes a word for an evidence line the way a shell would need it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Seconds between two ISO times (b - a), or null when either does not parse. */
export function secondsBetween(a: string | null, b: string | null): number | null {
  const x = a ? Date.parse(a) : NaN;
  const y = b ? Date.parse(b) : NaN;
  return Number.isFinite(x) && Number.isFinite(y) ? (y - x) / 1000 : null;
}

/** Collection time of each node (ISO text). */
export function collectionTimes(db: Database): Map<number, string | null> {
  const rows = db.prepare('SELECT node_id, collected_at FROM nodes').all() as { node_id: number; collected_at: string | null }[];
  return new Map(rows.map((r) => [r.node_id, r.collected_at] as const));
}

/** Labels of the given containers, by node and container id. */
export function containerLabels(db: Database): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const r of db.prepare('SELECT node_id, container_id, key, value FROM container_labels').all() as { node_id: number; container_id: string; key: string; value: string }[]) {
    const k = `${r.node_id}\u0000${r.container_id}`;
    let m = out.get(k);
    if (!m) out.set(k, (m = new Map()));
    m.set(r.key, r.value);
  }
  return out;
}

export const labelKey = (nodeId: number, containerId: string): string => `${nodeId}\u0000${containerId}`;

/** A container's labels merged over its sandbox's (pod labels such as k8s-app live on the sandbox under dockershim). */
export function podLabelsOf(all: ReadonlyMap<string, ReadonlyMap<string, string>>, c: Pick<ContainerRow, 'node_id' | 'id' | 'sandbox_id'>): Map<string, string> {
  const merged = new Map<string, string>(c.sandbox_id ? (all.get(labelKey(c.node_id, c.sandbox_id)) ?? []) : []);
  for (const [k, v] of all.get(labelKey(c.node_id, c.id)) ?? []) merged.set(k, v);
  return merged;
}

/** A human size: 71303168 KiB -> "68.0 GiB". */
export function formatKib(kib: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = kib;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
