/**
 * kernel/oom-kills: the kernel OOM killer ended processes. One finding per victim (process
 * name in one container, pod or the host), naming the container from the memory cgroup the
 * kernel logged, or, when the log named none, the one container where processes of that
 * name run now.
 */
import type { Database } from 'better-sqlite3';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'kernel/oom-kills',
  title: 'The kernel OOM killer killed processes',
  severity: 'high',
  category: 'kernel',
  description:
    'The kernel ran out of memory, either in a memory cgroup (a container or pod reached its memory limit: scope memcg) or on the whole node ' +
    '(scope global), and killed a process to free memory. A killed PID 1 restarts its container (exit code 137, OOMKilled); a killed child ' +
    'process leaves the container running but broken (a worker gone, a zombie left behind). Global OOMs also kill node daemons at random.',
  remediation:
    'For a container limit (memcg): raise the container\'s memory limit or fix its memory use (for the JVM: -XX:MaxRAMPercentage so the heap fits the limit).\n' +
    '  kubectl -n <namespace> describe pod <pod>    # Last State: OOMKilled\n' +
    '  kubectl -n <namespace> top pod <pod> --containers\n' +
    'For the whole node (global): reserve memory for the system and set eviction thresholds so the kubelet evicts pods before the kernel kills them ' +
    '(kubelet config systemReserved / kubeReserved / evictionHard memory.available), and set requests equal to limits for critical pods.\n' +
    '  dmesg -T | grep -iE "killed process|out of memory"',
  references: [
    'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#node-out-of-memory-behavior',
    'https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/#exceed-a-container-s-memory-limit',
    'https://www.kernel.org/doc/gorman/html/understand/understand016.html',
  ],
  sources: ['kernel-log|proc-vmstat'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface Kill {
  node_id: number;
  line_no: number;
  timestamp: string | null;
  since_boot_seconds: number | null;
  pid: number | null;
  process: string | null;
  scope: string | null;
  memcg: string | null;
  container_id: string | null;
  pod_uid: string | null;
  anon_rss_kb: number | null;
}

interface Owner {
  /** What the finding is about: the pod container, the container or the process. */
  resource: string;
  /** How the owner is named in the message. */
  phrase: string;
}

function containerById(db: Database, nodeId: number, id: string): { name: string; pod_namespace: string | null; pod_name: string | null; k8s_container_name: string | null } | undefined {
  return db
    .prepare('SELECT name, pod_namespace, pod_name, k8s_container_name FROM containers WHERE node_id = ? AND id = ? ORDER BY engine = \'docker\' DESC LIMIT 1')
    .get(nodeId, id) as { name: string; pod_namespace: string | null; pod_name: string | null; k8s_container_name: string | null } | undefined;
}

function podByUid(db: Database, nodeId: number, uid: string): { pod_namespace: string; pod_name: string } | undefined {
  return db
    .prepare('SELECT pod_namespace, pod_name FROM containers WHERE node_id = ? AND pod_uid = ? AND pod_name IS NOT NULL LIMIT 1')
    .get(nodeId, uid) as { pod_namespace: string; pod_name: string } | undefined;
}

function describeContainer(c: NonNullable<ReturnType<typeof containerById>>, how: string): Owner {
  if (c.pod_namespace && c.pod_name) {
    const container = c.k8s_container_name ?? c.name;
    return { resource: `pod ${c.pod_namespace}/${c.pod_name} container ${container}`, phrase: `container ${container} of pod ${c.pod_namespace}/${c.pod_name}${how}` };
  }
  return { resource: `container ${c.name}`, phrase: `container ${c.name}${how}` };
}

/**
 * When the kernel logged no memory cgroup (old kernels print only "Memory cgroup out of memory:
 * Kill process N (name)"), the container is still likely the one place where processes of that
 * name run now: say so, as a guess, when they all run in one container and none on the host.
 */
function guessContainer(db: Database, nodeId: number, processName: string): Owner | null {
  const rows = db
    .prepare('SELECT DISTINCT container_id FROM processes WHERE node_id = ? AND comm = ?')
    .all(nodeId, processName) as { container_id: string | null }[];
  if (rows.length !== 1 || !rows[0]!.container_id) return null;
  const c = containerById(db, nodeId, rows[0]!.container_id);
  return c ? describeContainer(c, ` (probably: the only container where processes named ${processName} run now)`) : null;
}

function ownerOf(db: Database, k: Kill): Owner | null {
  const c = k.container_id ? containerById(db, k.node_id, k.container_id) : undefined;
  if (c) return describeContainer(c, '');
  // the kubelet replaces a killed container with a new one: the pod is still there
  const gone = k.container_id ? ` (container ${k.container_id.slice(0, 12)}, since replaced or removed)` : '';
  const pod = k.pod_uid ? podByUid(db, k.node_id, k.pod_uid) : undefined;
  if (pod) return { resource: `pod ${pod.pod_namespace}/${pod.pod_name}`, phrase: `pod ${pod.pod_namespace}/${pod.pod_name}${gone}` };
  if (k.pod_uid) return { resource: `pod ${k.pod_uid}`, phrase: `pod uid ${k.pod_uid} (no longer on the node)${gone}` };
  if (k.container_id) return { resource: `container ${k.container_id.slice(0, 12)}`, phrase: `container ${k.container_id.slice(0, 12)} (no longer present)` };
  return k.process ? guessContainer(db, k.node_id, k.process) : null;
}

/** Boot time of the node in ms since the epoch: collection time minus uptime; null when either is unknown. */
function bootTimeMs(db: Database, nodeId: number): number | null {
  const row = db
    .prepare(`SELECT n.collected_at, (SELECT value FROM node_facts f WHERE f.node_id = n.node_id AND f.key = 'uptime.seconds') AS uptime FROM nodes n WHERE n.node_id = ?`)
    .get(nodeId) as { collected_at: string | null; uptime: string | null } | undefined;
  const collected = row?.collected_at ? Date.parse(row.collected_at) : NaN;
  const uptime = row?.uptime ? Number(row.uptime) : NaN;
  return Number.isFinite(collected) && Number.isFinite(uptime) ? collected - uptime * 1000 : null;
}

/** When a kill happened: the log's own time, else boot time plus the dmesg stamp. */
function when(db: Database, k: Kill): string {
  if (k.timestamp) return `at ${k.timestamp}`;
  if (k.since_boot_seconds === null) return 'at an unknown time';
  const boot = bootTimeMs(db, k.node_id);
  const approx = boot === null ? '' : `about ${new Date(boot + k.since_boot_seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}, `;
  return `${approx}${k.since_boot_seconds} s after boot`;
}

/** How far before its "Killed process" line a kill's report may start: the report lists every task of the node. */
const OOM_REPORT_MAX_LINES = 25_000;

/** The kernel's lines about one kill: the trigger, the cgroup and the "Killed process" line itself. */
function killLines(db: Database, k: Kill): string[] {
  const rows = db
    .prepare(
      `SELECT line_no, COALESCE(timestamp, '[' || since_boot_seconds || ']') AS stamp, text FROM log_lines
        WHERE node_id = ? AND source = 'kernel-log' AND line_no BETWEEN ? AND ?
          AND (text LIKE '%invoked oom-killer%' OR text LIKE '%out of memory%' OR text LIKE 'oom-kill:%' OR text LIKE 'Task in %'
               OR text LIKE '%Killed process%')
        ORDER BY line_no`,
    )
    .all(k.node_id, Math.max(1, k.line_no - OOM_REPORT_MAX_LINES), k.line_no) as { line_no: number; stamp: string | null; text: string }[];
  // this kill's lines start at the last "invoked oom-killer" before its "Killed process" line
  let start = 0;
  rows.forEach((r, i) => {
    if (r.text.includes('invoked oom-killer')) start = i;
  });
  return rows.slice(start).map((r) => `${r.stamp ?? ''} ${r.text}`.trim());
}

function killFindings(db: Database, nodeIds: ReadonlySet<number>): RuleFinding[] {
  const kills = (db.prepare('SELECT * FROM oom_kills ORDER BY node_id, line_no').all() as Kill[]).filter((k) => nodeIds.has(k.node_id));
  const groups = new Map<string, { owner: Owner | null; kills: Kill[] }>();
  for (const k of kills) {
    const owner = ownerOf(db, k);
    const key = `${k.node_id}\u0000${k.process ?? '?'}\u0000${owner?.resource ?? 'host'}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { owner, kills: [] }));
    g.kills.push(k);
  }
  const out: RuleFinding[] = [];
  for (const { owner, kills: list } of groups.values()) {
    const last = list[list.length - 1]!;
    const name = last.process ?? 'a process';
    const scopes = [...new Set(list.map((k) => k.scope).filter((s): s is string => !!s))];
    const scopeText = scopes.includes('global')
      ? 'the node ran out of memory'
      : scopes.includes('memcg')
        ? 'a memory cgroup limit was reached'
        : 'the log does not say whether a cgroup limit or the whole node ran out';
    const pids = [...new Set(list.map((k) => k.pid).filter((p): p is number => p !== null))];
    out.push({
      node_id: last.node_id,
      resource: owner?.resource ?? `process ${name}`,
      message:
        `The OOM killer killed ${name}${pids.length ? ` (pid ${pids.join(', ')})` : ''}` +
        `${owner ? ` in ${owner.phrase}` : ' on the host (no container named in the log)'} ` +
        `${list.length} time(s), last ${when(db, last)}` +
        `${last.anon_rss_kb ? ` holding ${Math.round(last.anon_rss_kb / 1024)} MiB` : ''}: ${scopeText}`,
      evidence: [
        ...killLines(db, last),
        ...(last.memcg ? [`memory cgroup: ${last.memcg}`] : []),
        ...(list.length > 1 ? [`(${list.length - 1} earlier kill(s) of ${name} in the kernel log)`] : []),
      ].join('\n'),
    });
  }
  return out;
}

/** The kernel's oom_kill counter (4.13+) still counts kills whose log lines rotated out of the ring buffer. */
function counterFindings(db: Database, nodeIds: ReadonlySet<number>): RuleFinding[] {
  const rows = db
    .prepare(
      `SELECT v.node_id, v.value FROM vmstat v
        WHERE v.key = 'oom_kill' AND v.value > 0 AND NOT EXISTS (SELECT 1 FROM oom_kills k WHERE k.node_id = v.node_id)`,
    )
    .all() as { node_id: number; value: number }[];
  return rows
    .filter((r) => nodeIds.has(r.node_id))
    .map((r) => ({
      node_id: r.node_id,
      resource: 'vmstat oom_kill',
      message: `The OOM killer killed ${r.value} process(es) since boot; their kernel log lines are gone (ring buffer rotated or log not collected), so the victims are unknown`,
      evidence: `/proc/vmstat: oom_kill ${r.value}`,
    }));
}

export function run(ctx: RuleContext): RuleFinding[] {
  const nodes = new Set(ctx.nodeIds);
  return [...killFindings(ctx.db, nodes), ...counterFindings(ctx.db, nodes)];
}
