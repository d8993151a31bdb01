/**
 * Log lines of the node's components (kubelet, kube-proxy, flanneld, docker, containerd
 * journals; /var/log/kubernetes files; kube-system container logs), for rules that judge what a
 * component said. Two things keep an old, already-fixed error from firing:
 *   - a time window: only lines stamped within the last hours before collection count;
 *   - a restart check: when the component's process or container started after the last
 *     matching line and has then run for a while without logging it again, it is over.
 *
 * Origins, as log_lines.origin holds them:
 *   kubelet                                                   (journal unit, source log-kubelet)
 *   /var/log/kubernetes/kube-proxy.WARNING                    (log-kubernetes-files)
 *   k8s_kube-flannel_kube-flannel-ds-ntwh4_kube-flannel_<uid>_12   (docker container name, log-containers)
 */
import type { Database } from 'better-sqlite3';

export interface LogLine {
  node_id: number;
  source: string;
  origin: string;
  line_no: number;
  timestamp: string | null;
  level: string | null;
  text: string;
}

/** Sources holding component logs (the kernel log is not one). */
export const COMPONENT_LOG_SOURCES = 'log-kubelet|log-kube-proxy|log-flanneld|log-kubernetes-files|log-containers|log-docker|log-containerd';

const UNIT_COMPONENT: Readonly<Record<string, string>> = {
  'log-kubelet': 'kubelet',
  'log-kube-proxy': 'kube-proxy',
  'log-flanneld': 'flanneld',
  'log-docker': 'dockerd',
  'log-containerd': 'containerd',
};
const CONTAINER_COMPONENT: Readonly<Record<string, string>> = { 'kube-flannel': 'flanneld' };

/** The component that wrote a log: kubelet, kube-proxy, flanneld, kube-apiserver, coredns... */
export function logComponent(source: string, origin: string): string {
  const unit = UNIT_COMPONENT[source];
  if (unit) return unit;
  if (source === 'log-containers') {
    const name = origin.startsWith('k8s_') ? (origin.split('_')[1] ?? origin) : origin;
    return CONTAINER_COMPONENT[name] ?? name;
  }
  // /var/log/kubernetes/kube-proxy.WARNING, /var/log/kube-apiserver.log, /var/log/flanneld.log
  const base = origin.slice(origin.lastIndexOf('/') + 1).split('.')[0] ?? origin;
  return base === 'flannel' ? 'flanneld' : base;
}

/**
 * Component log lines of the nodes whose text contains one of `needles` (case-sensitive LIKE
 * substrings), oldest first within each log. `originFilter` is extra SQL on log_lines.
 */
export function componentLogLines(db: Database, nodeIds: readonly number[], needles: readonly string[], originFilter = '1 = 1'): LogLine[] {
  if (!needles.length) return [];
  const wanted = new Set(nodeIds);
  const sources = COMPONENT_LOG_SOURCES.split('|')
    .map((s) => `'${s}'`)
    .join(', ');
  const match = needles.map((_, i) => `instr(text, @n${i}) > 0`).join(' OR ');
  const params = Object.fromEntries(needles.map((n, i) => [`n${i}`, n]));
  const rows = db
    .prepare(
      `SELECT node_id, source, origin, line_no, timestamp, level, text FROM log_lines
        WHERE source IN (${sources}) AND (${originFilter}) AND (${match})
        ORDER BY node_id, source, origin, line_no`,
    )
    .all(params) as LogLine[];
  return rows.filter((r) => wanted.has(r.node_id));
}

/** Lines stamped within `windowMs` before the node's collection time (unstamped lines are kept). */
export function recentLines(lines: readonly LogLine[], collectedAt: ReadonlyMap<number, number>, windowMs: number): LogLine[] {
  return lines.filter((l) => {
    if (!l.timestamp) return true;
    const at = collectedAt.get(l.node_id);
    const t = Date.parse(l.timestamp);
    return at === undefined || Number.isNaN(t) || t >= at - windowMs;
  });
}

/** Lines grouped per node and log origin, in first-seen order. */
export function byOrigin(lines: readonly LogLine[]): LogLine[][] {
  const groups = new Map<string, LogLine[]>();
  for (const l of lines) {
    const key = `${l.node_id}\u0000${l.source}\u0000${l.origin}`;
    const g = groups.get(key);
    if (g) g.push(l);
    else groups.set(key, [l]);
  }
  return [...groups.values()];
}

/** The line as quoted in evidence: where it is and what it says. */
export function quoteLine(l: LogLine): string {
  return `${l.origin}:${l.line_no}: ${l.text}`;
}

/** The last stamped line of a group (null when none has a time). */
export function lastTime(lines: readonly LogLine[]): string | null {
  let last: string | null = null;
  for (const l of lines) if (l.timestamp && (last === null || l.timestamp > last)) last = l.timestamp;
  return last;
}

/**
 * Why the problem a log showed is over, or null: the component's current process (host
 * services) or a newer container of the same pod and container name (kube-system pods) started
 * after `since` and had been running for `settleMs` at collection without logging it again.
 */
export function restartedSince(
  db: Database,
  node: number,
  source: string,
  origin: string,
  since: string,
  collectedAt: number,
  settleMs: number,
): string | null {
  const after = Date.parse(since);
  if (Number.isNaN(after)) return null;
  const settled = (start: string | null) => {
    const t = start ? Date.parse(start) : NaN;
    return !Number.isNaN(t) && t > after && collectedAt - t >= settleMs;
  };
  if (source === 'log-containers') {
    const self = db.prepare('SELECT pod_uid, k8s_container_name FROM containers WHERE node_id = ? AND name = ? LIMIT 1').get(node, origin) as
      | { pod_uid: string | null; k8s_container_name: string | null }
      | undefined;
    if (!self?.pod_uid || !self.k8s_container_name) return null;
    const newer = db
      .prepare(`SELECT name, started_at FROM containers WHERE node_id = ? AND pod_uid = ? AND k8s_container_name = ? AND running = 1`)
      .all(node, self.pod_uid, self.k8s_container_name) as { name: string; started_at: string | null }[];
    const ok = newer.find((c) => settled(c.started_at));
    return ok ? `container ${ok.name} started ${ok.started_at} and has run since without it` : null;
  }
  const component = logComponent(source, origin);
  const procs = db.prepare('SELECT pid, start_time FROM processes WHERE node_id = ? AND comm = ?').all(node, component) as { pid: number; start_time: string | null }[];
  const ok = procs.find((p) => settled(p.start_time));
  return ok ? `${component} (pid ${ok.pid}) restarted at ${ok.start_time} and has run since without it` : null;
}
