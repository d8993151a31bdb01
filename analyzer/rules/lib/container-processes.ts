/**
 * The processes of each container: by the container id ps read from the cgroup path, or, when
 * ps had no cgroup column (old procps fallback), by walking parent pids up to a container's
 * PID 1 (containers.pid).
 */
import type { Database } from 'better-sqlite3';

export interface ProcessRow {
  node_id: number;
  pid: number;
  ppid: number | null;
  state: string | null;
  stat: string | null;
  elapsed_seconds: number | null;
  user: string | null;
  container_id: string | null;
  comm: string | null;
  args: string | null;
}

export interface NodeProcesses {
  byPid: Map<number, ProcessRow>;
  children: Map<number, ProcessRow[]>;
  /** Container id -> its processes, in pid order. */
  byContainer: Map<string, ProcessRow[]>;
}

/** Processes of the given nodes, indexed; a container found only through its PID 1 ancestry is attributed too. */
export function loadProcesses(db: Database, nodeIds: readonly number[]): Map<number, NodeProcesses> {
  const wanted = new Set(nodeIds);
  const out = new Map<number, NodeProcesses>();
  const rows = db
    .prepare('SELECT node_id, pid, ppid, state, stat, elapsed_seconds, user, container_id, comm, args FROM processes ORDER BY node_id, pid')
    .all() as ProcessRow[];
  for (const p of rows) {
    if (!wanted.has(p.node_id)) continue;
    let n = out.get(p.node_id);
    if (!n) out.set(p.node_id, (n = { byPid: new Map(), children: new Map(), byContainer: new Map() }));
    n.byPid.set(p.pid, p);
    if (p.ppid !== null) {
      const list = n.children.get(p.ppid);
      if (list) list.push(p);
      else n.children.set(p.ppid, [p]);
    }
  }
  const pid1s = db.prepare('SELECT node_id, id, pid FROM containers WHERE pid > 0').all() as { node_id: number; id: string; pid: number }[];
  const pid1ByNode = new Map<number, Map<number, string>>();
  for (const c of pid1s) {
    let m = pid1ByNode.get(c.node_id);
    if (!m) pid1ByNode.set(c.node_id, (m = new Map()));
    m.set(c.pid, c.id);
  }
  for (const [nodeId, n] of out) {
    const pid1 = pid1ByNode.get(nodeId) ?? new Map<number, string>();
    const resolved = new Map<number, string | null>();
    const containerOf = (p: ProcessRow): string | null => {
      // iterative walk up the parents, memoised, bounded against pid cycles in broken input
      const path: number[] = [];
      let cur: ProcessRow | undefined = p;
      let found: string | null = null;
      for (let hops = 0; cur && hops < 64; hops++) {
        if (resolved.has(cur.pid)) {
          found = resolved.get(cur.pid) ?? null;
          break;
        }
        path.push(cur.pid);
        if (cur.container_id) {
          found = cur.container_id;
          break;
        }
        const id = pid1.get(cur.pid);
        if (id) {
          found = id;
          break;
        }
        if (cur.ppid === null || cur.ppid === cur.pid || cur.ppid <= 1) break;
        cur = n.byPid.get(cur.ppid);
      }
      for (const pid of path) resolved.set(pid, found);
      return found;
    };
    for (const p of n.byPid.values()) {
      const id = containerOf(p);
      if (!id) continue;
      const list = n.byContainer.get(id);
      if (list) list.push(p);
      else n.byContainer.set(id, [p]);
    }
  }
  return out;
}

export const isZombie = (p: ProcessRow): boolean => p.state === 'Z';

/** A ps-like evidence line: "  20763  20759 Z    python  [python] <defunct>". */
export function psLine(p: ProcessRow): string {
  return `${String(p.pid).padStart(7)} ${String(p.ppid ?? '').padStart(6)} ${(p.stat ?? p.state ?? '').padEnd(4)} ${p.args ?? p.comm ?? ''}`;
}

export const PS_HEADER = `${'PID'.padStart(7)} ${'PPID'.padStart(6)} STAT COMMAND`;
