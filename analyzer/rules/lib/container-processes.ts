/**
 * The processes of each container: by the container id ps read from the cgroup path, or, when
 * ps had no cgroup column (old procps fallback), by walking parent pids up to a container's
 * PID 1 (containers.pid).
 */
import type { Database } from 'better-sqlite3';
import { memoForRun } from '../run-memo.js';

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

/**
 * The processes of one node, indexed; a process is attributed to a container by its cgroup, or
 * through its parents up to a container's PID 1. Loaded per node so a batch of hundreds of nodes
 * never holds every node's process table at once.
 */
/** The node's processes indexed by pid, parent and container; read once per rules run (shared: never mutate it). */
export function nodeProcesses(db: Database, nodeId: number): NodeProcesses {
  return memoForRun(db, `container-processes:${nodeId}`, () => readNodeProcesses(db, nodeId));
}

function readNodeProcesses(db: Database, nodeId: number): NodeProcesses {
  const n: NodeProcesses = { byPid: new Map(), children: new Map(), byContainer: new Map() };
  const rows = db
    .prepare('SELECT node_id, pid, ppid, state, stat, elapsed_seconds, user, container_id, comm, args FROM processes WHERE node_id = ? ORDER BY pid')
    .all(nodeId) as ProcessRow[];
  for (const p of rows) {
    n.byPid.set(p.pid, p);
    if (p.ppid !== null) {
      const list = n.children.get(p.ppid);
      if (list) list.push(p);
      else n.children.set(p.ppid, [p]);
    }
  }
  const pid1 = new Map<number, string>(
    (db.prepare('SELECT pid, id FROM containers WHERE node_id = ? AND pid > 0').all(nodeId) as { pid: number; id: string }[]).map((c) => [c.pid, c.id] as const),
  );
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
  for (const p of rows) {
    const id = containerOf(p);
    if (!id) continue;
    const list = n.byContainer.get(id);
    if (list) list.push(p);
    else n.byContainer.set(id, [p]);
  }
  return n;
}

/** Nodes among `nodeIds` where ps saw at least one zombie. */
export function nodesWithZombies(db: Database, nodeIds: readonly number[]): number[] {
  const wanted = new Set(nodeIds);
  return (db.prepare("SELECT DISTINCT node_id FROM processes WHERE state = 'Z'").all() as { node_id: number }[]).map((r) => r.node_id).filter((id) => wanted.has(id));
}

export const isZombie = (p: ProcessRow): boolean => p.state === 'Z';

/** A ps-like evidence line: "  20763  20759 Z    python  [python] <defunct>". */
export function psLine(p: ProcessRow): string {
  return `${String(p.pid).padStart(7)} ${String(p.ppid ?? '').padStart(6)} ${(p.stat ?? p.state ?? '').padEnd(4)} ${p.args ?? p.comm ?? ''}`;
}

export const PS_HEADER = `${'PID'.padStart(7)} ${'PPID'.padStart(6)} STAT COMMAND`;
