/**
 * docker/zombie-processes: exited processes nobody reaped (state Z) inside a container. One
 * finding per container, naming the parent that fails to wait for them.
 */
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { containerLabel, labelKey, loadContainers, type ContainerRow } from '../../analyzer/rules/lib/docker-containers.js';
import { isZombie, nodeProcesses, nodesWithZombies, PS_HEADER, psLine, type ProcessRow } from '../../analyzer/rules/lib/container-processes.js';

export const meta = {
  id: 'docker/zombie-processes',
  title: 'Zombie processes pile up inside a container',
  severity: 'low',
  category: 'docker',
  description:
    'Processes in the container have exited but their parent never collected their exit status (state Z, <defunct>). Each holds a ' +
    'PID until it is reaped, and in a container the orphans of exited children are re-parented to the container\'s PID 1: when PID 1 ' +
    'is an application or a shell wrapper that never calls wait(), they accumulate until the pids cgroup limit or kernel.pid_max is ' +
    'reached and fork() fails with "Resource temporarily unavailable". Zombies usually point at a PID 1 that is not an init.',
  remediation:
    'Run the container with an init that reaps orphans (docker run --init, ENTRYPOINT ["tini", "--"], dumb-init), or in Kubernetes set ' +
    'shareProcessNamespace: true so the pause container reaps; fix the parent named below to wait() for its children.\n' +
    '  ps -eo pid,ppid,stat,args | awk \'$3 ~ /^Z/\'          # zombies and their parents\n' +
    '  docker inspect -f \'{{.State.Pid}} {{.HostConfig.Init}}\' <container>\n' +
    'Restarting the container clears the zombies for now (they die with their PID namespace).',
  references: ['https://github.com/krallin/tini/issues/8', 'https://docs.docker.com/reference/cli/docker/container/run/#init', 'https://man7.org/linux/man-pages/man2/wait.2.html'],
  sources: ['ps', 'docker-inspect|crictl-inspect'],
  parameters: {
    min_zombies: { default: 1, description: 'zombies in one container that fire the rule' },
  },
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  const min = Number(ctx.params.min_zombies ?? 1);
  const containers = new Map<string, ContainerRow>(loadContainers(ctx.db, ctx.nodeIds).map((c) => [labelKey(c.node_id, c.id), c] as const));
  const out: RuleFinding[] = [];
  for (const nodeId of nodesWithZombies(ctx.db, ctx.nodeIds)) {
    const procs = nodeProcesses(ctx.db, nodeId);
    for (const [containerId, list] of procs.byContainer) {
      const zombies = list.filter(isZombie);
      if (zombies.length === 0 || zombies.length < min) continue;
      const c = containers.get(labelKey(nodeId, containerId));
      const label = c ? containerLabel(c) : { resource: `container ${containerId.slice(0, 12)}`, phrase: `container ${containerId.slice(0, 12)} (not in docker inspect)` };
      const parents = new Map<number, ProcessRow | undefined>();
      for (const z of zombies) if (z.ppid !== null) parents.set(z.ppid, procs.byPid.get(z.ppid));
      const isPid1 = (pid: number) => c?.pid === pid;
      const parentText = [...parents.entries()]
        .map(([pid, p]) => `${isPid1(pid) ? 'PID 1 of the container, ' : ''}pid ${pid} (${p?.comm ?? 'gone'})`)
        .join(', ');
      const names = [...new Set(zombies.map((z) => z.comm ?? '?'))].join(', ');
      const shown = [...[...parents.values()].filter((p): p is ProcessRow => !!p), ...zombies];
      out.push({
        node_id: nodeId,
        resource: label.resource,
        message: `${zombies.length} zombie process(es) (${names}) in ${label.phrase} are not reaped by their parent ${parentText}`,
        evidence: [PS_HEADER, ...shown.slice(0, 20).map(psLine), ...(shown.length > 20 ? [`... ${shown.length - 20} more`] : [])].join('\n'),
      });
    }
  }
  return out.sort((a, b) => a.node_id - b.node_id || a.resource.localeCompare(b.resource));
}
