/**
 * docker/oom-killed: a container's last run ended with State.OOMKilled: its memory cgroup hit
 * the limit and the kernel killed it. One finding per container, or per pod container over
 * all the instances the kubelet left behind.
 */
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { containerLabel, currentContainers, formatKib, instancesOf, loadContainers } from '../../analyzer/rules/lib/docker-containers.js';

export const meta = {
  id: 'docker/oom-killed',
  title: 'A container was killed for exceeding its memory limit',
  severity: 'high',
  category: 'docker',
  description:
    'docker inspect shows State.OOMKilled: the container\'s memory cgroup reached its limit (docker --memory, Kubernetes ' +
    'resources.limits.memory) and the kernel OOM killer ended its process (exit code 137). The kubelet or the restart policy ' +
    'starts it again, often into the same wall: requests fail during each restart, JVMs sized by -Xmx above the limit never fit, ' +
    'and a leak shows as regular restarts.',
  remediation:
    'Compare the limit with what the process really needs, then raise the limit or reduce the use:\n' +
    '  docker stats --no-stream <container>\n' +
    '  kubectl -n <namespace> top pod <pod> --containers\n' +
    '  kubectl -n <namespace> describe pod <pod>     # Last State: Terminated, Reason: OOMKilled\n' +
    'For the JVM size the heap from the limit (-XX:MaxRAMPercentage=75) instead of a fixed -Xmx; for caches set their own bound.',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/#exceed-a-container-s-memory-limit',
    'https://docs.docker.com/engine/containers/resource_constraints/#memory',
  ],
  sources: ['docker-inspect|crictl-inspect'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  const all = loadContainers(ctx.db, ctx.nodeIds);
  const out: RuleFinding[] = [];
  for (const c of currentContainers(all)) {
    const killed = instancesOf(all, c)
      .filter((i) => i.oom_killed === 1)
      .sort((a, b) => (a.finished_at ?? '').localeCompare(b.finished_at ?? ''));
    const last = killed[killed.length - 1];
    if (!last) continue;
    const label = containerLabel(c);
    const limit = last.memory_limit ? formatKib(Math.round(last.memory_limit / 1024)) : 'none set on the container (a pod or node limit was hit)';
    const now = c.id === last.id ? `it is ${c.status ?? '?'} now` : `a new instance is ${c.status ?? '?'} now`;
    out.push({
      node_id: c.node_id,
      resource: label.resource,
      message:
        `${label.phrase} (image ${c.image ?? '?'}) was OOM-killed${killed.length > 1 ? ` (${killed.length} instances)` : ''} at ${last.finished_at ?? 'an unknown time'}, ` +
        `memory limit ${limit}; ${now}`,
      evidence: killed
        .map(
          (i) =>
            `${i.name}: State.OOMKilled true, ExitCode ${i.exit_code ?? '?'}, FinishedAt ${i.finished_at ?? '-'}, HostConfig.Memory ${i.memory_limit ?? 0}, RestartCount ${i.restart_count ?? 0}`,
        )
        .join('\n'),
    });
  }
  return out;
}
