/**
 * docker/restart-loop: a container keeps restarting. Docker-managed restarts count in
 * RestartCount; the kubelet instead creates a new container per restart, whose attempt number
 * ends its dockershim name (k8s_<container>_<pod>_<ns>_<uid>_<attempt>) and is in docker ps even
 * when the older instances are gone. A container that has been up for a while now is not looping.
 */
import type { Database } from 'better-sqlite3';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { collectionTimes, containerLabel, currentContainers, loadContainers, secondsBetween, type ContainerRow } from '../../analyzer/rules/lib/docker-containers.js';

export const meta = {
  id: 'docker/restart-loop',
  title: 'A container is in a restart loop',
  severity: 'medium',
  category: 'docker',
  description:
    'The container has been restarted many times (docker RestartCount, or the Kubernetes restart attempt in the container name) and ' +
    'has not stayed up since. Each restart loses in-flight work, and the kubelet backs off up to 5 minutes between attempts ' +
    '(CrashLoopBackOff), so the service is mostly down. The cause is in the last instance\'s exit code and log: a configuration ' +
    'error, an unreachable dependency (API server, database), a failing liveness probe, or the OOM killer (exit code 137).',
  remediation:
    'Read why the last instance died:\n' +
    '  docker ps -a --filter name=<container> --format "{{.Names}} {{.Status}}"\n' +
    '  docker logs --tail 50 <container id>\n' +
    '  kubectl -n <namespace> logs <pod> -c <container> --previous\n' +
    '  kubectl -n <namespace> describe pod <pod>          # Last State, Reason, Exit Code, probe failures\n' +
    'Fix the cause it names (exit 137 with OOMKilled: raise the memory limit; connection errors: the dependency or the network path).',
  references: [
    'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts',
    'https://docs.docker.com/reference/cli/docker/container/run/#restart',
  ],
  sources: ['docker-inspect|docker-ps'],
  parameters: {
    min_restarts: { default: 5, description: 'restarts (RestartCount or attempt) that fire the rule' },
    stable_hours: { default: 24, description: 'a container running at least this long is considered recovered' },
  },
} satisfies Omit<RuleMeta, 'file'>;

interface PsRow {
  node_id: number;
  id: string;
  name: string;
  state: string | null;
  status: string | null;
  exit_code: number | null;
  pod_name: string | null;
  pod_namespace: string | null;
  pod_uid: string | null;
  k8s_container_name: string | null;
  k8s_type: string | null;
  k8s_attempt: number | null;
}

/** The last log lines of a container instance, errors first. */
function lastLogLines(db: Database, nodeId: number, name: string): string[] {
  const rows = db
    .prepare("SELECT level, text FROM log_lines WHERE node_id = ? AND source = 'log-containers' AND origin = ? ORDER BY line_no DESC LIMIT 50")
    .all(nodeId, name) as { level: string; text: string }[];
  const errors = rows.filter((r) => r.level === 'error' || r.level === 'fatal');
  return (errors.length ? errors : rows).slice(0, 3).reverse().map((r) => `log: ${r.text}`);
}

const ago = (seconds: number) => (seconds < 120 ? `${Math.round(seconds)} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`);

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const min = Number(ctx.params.min_restarts ?? 5);
  const stableSeconds = Number(ctx.params.stable_hours ?? 24) * 3600;
  const collected = collectionTimes(db);
  const wanted = new Set(ctx.nodeIds);
  const inspected = loadContainers(db, ctx.nodeIds);
  const current = currentContainers(inspected);
  const ps = (db.prepare('SELECT * FROM docker_ps').all() as PsRow[]).filter((p) => wanted.has(p.node_id));
  const psKey = (n: number, uid: string | null, ns: string | null, pod: string | null, container: string | null) => `${n}\u0000${uid ?? `${ns}/${pod}`}\u0000${container}`;

  // the highest attempt docker ps shows per pod container, and the ps line of that instance
  const psBest = new Map<string, PsRow>();
  for (const p of ps) {
    if (p.k8s_type !== 'container' || p.k8s_attempt === null) continue;
    const k = psKey(p.node_id, p.pod_uid, p.pod_namespace, p.pod_name, p.k8s_container_name);
    const seen = psBest.get(k);
    if (!seen || (p.k8s_attempt ?? 0) > (seen.k8s_attempt ?? 0)) psBest.set(k, p);
  }
  const psById = new Map(ps.map((p) => [`${p.node_id}\u0000${p.id}`, p] as const));

  const out: RuleFinding[] = [];
  const covered = new Set<string>();
  const report = (c: ContainerRow | null, p: PsRow | null, restarts: number, how: string) => {
    const nodeId = c?.node_id ?? p!.node_id;
    const name = c?.name ?? p!.name;
    const state = c?.status ?? p?.state ?? 'unknown';
    const running = state === 'running';
    const upFor = running ? secondsBetween(c?.started_at ?? null, collected.get(nodeId) ?? null) : null;
    if (running && (upFor === null ? /^Up .*(day|week|month|year)/.test(p?.status ?? '') : upFor >= stableSeconds)) return;
    const label = containerLabel(c ?? { name, pod_name: p!.pod_name, pod_namespace: p!.pod_namespace, k8s_container_name: p!.k8s_container_name, k8s_type: p!.k8s_type });
    const exit = c?.exit_code ?? p?.exit_code ?? null;
    const sinceExit = c?.finished_at ? secondsBetween(c.finished_at, collected.get(nodeId) ?? null) : null;
    const lastState = running
      ? `running again since ${c?.started_at ?? '?'}`
      : `${state}${exit !== null ? ` with exit code ${exit}${exit === 137 ? ' (SIGKILL, often the OOM killer)' : ''}` : ''}${sinceExit !== null && sinceExit >= 0 ? `, ${ago(sinceExit)} before collection` : ''}`;
    out.push({
      node_id: nodeId,
      resource: label.resource,
      message: `${label.phrase} has been restarted ${restarts} times (${how}); the last instance is ${lastState}`,
      evidence: [
        ...(p ? [`docker ps: ${p.name}  ${p.status ?? p.state ?? ''}`] : []),
        ...(c
          ? [
              `State: ${c.status ?? '?'}, ExitCode ${c.exit_code ?? '?'}, OOMKilled ${c.oom_killed ? 'true' : 'false'}, StartedAt ${c.started_at ?? '-'}, FinishedAt ${c.finished_at ?? '-'}` +
                (c.error ? `, Error ${c.error}` : ''),
              `RestartCount ${c.restart_count ?? 0}, RestartPolicy ${c.restart_policy || "'' (kubelet)"}`,
            ]
          : []),
        ...lastLogLines(db, nodeId, name),
      ].join('\n'),
    });
  };

  for (const c of current) {
    if (c.k8s_type === 'container') {
      const k = psKey(c.node_id, c.pod_uid, c.pod_namespace, c.pod_name, c.k8s_container_name);
      const p = psBest.get(k);
      covered.add(k);
      const attempt = Math.max(c.k8s_attempt ?? 0, p?.k8s_attempt ?? 0);
      if (attempt < min) continue;
      // a newer instance only docker ps listed (not inspected) is the one to describe
      const newer = p && (p.k8s_attempt ?? 0) > (c.k8s_attempt ?? 0);
      report(newer ? null : c, newer ? p : (psById.get(`${c.node_id}\u0000${c.id}`) ?? null), attempt, 'Kubernetes restart attempt');
    } else if ((c.restart_count ?? 0) >= min) {
      report(c, psById.get(`${c.node_id}\u0000${c.id}`) ?? null, c.restart_count ?? 0, `docker RestartCount, restart policy ${c.restart_policy ?? '?'}`);
    }
  }
  // pod containers docker ps listed but inspect did not
  for (const [k, p] of psBest) {
    if (covered.has(k) || (p.k8s_attempt ?? 0) < min) continue;
    report(null, p, p.k8s_attempt ?? 0, 'Kubernetes restart attempt');
  }
  return out;
}
