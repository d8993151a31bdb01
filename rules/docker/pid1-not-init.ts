/**
 * docker/pid1-not-init: a container's PID 1 is a shell wrapper that starts the real services in
 * the background (`nohup nginx & nohup python app.py & tail -f /etc/hosts`) or only idles, with
 * no init to reap orphans and forward signals. Read from the container's command (docker Path
 * and Args) and, for wrapper scripts whose text is not visible, from the process tree ps saw.
 */
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { commandLine, containerLabel, currentContainers, loadContainers, shellQuote, type ContainerRow } from '../../analyzer/rules/lib/docker-containers.js';
import { isZombie, nodeProcesses, PS_HEADER, psLine, type NodeProcesses, type ProcessRow } from '../../analyzer/rules/lib/container-processes.js';
import { baseName, isIdleCommand, isInitProgram, isShell, readPid1, type Pid1Reading } from '../../analyzer/rules/lib/shell-wrapper.js';

export const meta = {
  id: 'docker/pid1-not-init',
  title: "A container's PID 1 is a shell wrapper with no init",
  severity: 'medium',
  category: 'docker',
  description:
    'PID 1 of the container is a shell that starts the real services in the background (nohup ... &) and then keeps itself alive ' +
    '(tail -f /etc/hosts, sleep infinity), and no init runs (docker --init, tini, dumb-init, s6...). The kernel gives PID 1 of a PID ' +
    'namespace no default signal handlers and makes it the parent of every orphan: the shell ignores the SIGTERM of docker stop or ' +
    'the kubelet, so the services are never told to shut down and are SIGKILLed after the grace period; the services dying or ' +
    'crashing does not stop the container (the shell keeps running, health unseen); and exited children nobody waits for stay ' +
    'as zombies. Killing a service by hand to restart it, as one does outside containers, leaves the container up without it.',
  remediation:
    'Run one service per container in the foreground, as PID 1 (CMD ["nginx", "-g", "daemon off;"]), and split the others into their own containers or pod containers.\n' +
    'When several processes must share a container, put an init in front that reaps and forwards signals:\n' +
    '  docker run --init ...                     # docker-init (tini) as PID 1\n' +
    '  ENTRYPOINT ["/usr/bin/tini", "--"]        # or dumb-init, s6-overlay, supervisord\n' +
    '  "init": true in /etc/docker/daemon.json   # --init for every container\n' +
    'In Kubernetes, shareProcessNamespace: true makes the pause container PID 1 of the pod (it reaps orphans).\n' +
    'At least end a wrapper script with exec of the main service, so it becomes PID 1 and receives the signals.',
  references: [
    'https://docs.docker.com/engine/containers/multi-service_container/',
    'https://docs.docker.com/reference/cli/docker/container/run/#init',
    'https://github.com/krallin/tini#why-tini',
    'https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/',
  ],
  sources: ['docker-inspect'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const live = (c: ContainerRow) => c.running === 1 || c.status === 'running' || c.status === 'restarting' || c.status === 'paused';

/** What reaps orphans and forwards signals in this container, or null when nothing does. */
function initInPlace(c: ContainerRow, daemonInit: boolean, pid1: ProcessRow | undefined): string | null {
  if (c.init === 1) return 'HostConfig.Init is true';
  if (c.init === null && daemonInit) return 'dockerd runs every container with "init": true';
  if (c.pid_mode?.startsWith('container:')) return `it shares the PID namespace of ${c.pid_mode.slice('container:'.length, 'container:'.length + 12)} (the pod sandbox reaps)`;
  if (pid1?.comm && isInitProgram(pid1.comm)) return `its PID 1 process is ${pid1.comm}`;
  return null;
}

/** What the process tree says about a shell PID 1 whose script is not visible (a script file). */
function treeReading(pid1: ProcessRow, children: readonly ProcessRow[]): Pid1Reading | null {
  if (!pid1.comm || !isShell(pid1.comm)) return null;
  const alive = children.filter((p) => !isZombie(p));
  const idler = alive.find((p) => p.args && isIdleCommand(p.args));
  const services = alive.filter((p) => p !== idler);
  if (services.length >= 2 || (idler && services.length >= 1)) {
    return { kind: 'shell-wrapper', backgrounded: services.map((p) => p.args ?? p.comm ?? String(p.pid)), idler: idler?.args ?? null, foreground: [], script: null };
  }
  return null;
}

function programOf(command: string): string {
  const words = command.replace(/^\s*((nohup|setsid|exec|env)\s+|[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*/, '').split(/\s+/);
  return baseName(words[0] ?? command);
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const processes = new Map<number, NodeProcesses>();
  const processesOf = (nodeId: number) => {
    // one node's table at a time: containers come sorted by node
    if (!processes.has(nodeId)) {
      processes.clear();
      processes.set(nodeId, nodeProcesses(db, nodeId));
    }
    return processes.get(nodeId)!;
  };
  const daemonInit = new Set(
    (db.prepare("SELECT node_id FROM daemon_config WHERE key = 'init' AND value_text = 'true'").all() as { node_id: number }[]).map((r) => r.node_id),
  );
  const out: RuleFinding[] = [];
  for (const c of currentContainers(loadContainers(db, ctx.nodeIds))) {
    if (!live(c)) continue;
    const procs = processesOf(c.node_id);
    const pid1 = c.pid ? procs.byPid.get(c.pid) : undefined;
    if (initInPlace(c, daemonInit.has(c.node_id), pid1)) continue;
    const argv = commandLine(c);
    let reading = readPid1(argv);
    if (reading.kind === 'init') continue;
    const children = pid1 ? (procs.children.get(pid1.pid) ?? []) : [];
    const inContainer = procs.byContainer.get(c.id) ?? [];
    const zombies = inContainer.filter(isZombie);
    const others = inContainer.filter((p) => p.pid !== pid1?.pid && !isZombie(p) && !(p.args && isIdleCommand(p.args)));
    let fromTree = false;
    if (reading.kind === 'shell-script' || reading.kind === 'other') {
      const tree = pid1 ? treeReading(pid1, children) : null;
      if (!tree) continue;
      reading = tree;
      fromTree = true;
    }
    const onlyIdles = reading.backgrounded.length === 0 && reading.foreground.length === 0;
    // an idler alone harms nothing until something else runs in the container (docker exec'd services, their orphans)
    if (onlyIdles && others.length === 0 && zombies.length === 0) continue;

    const label = containerLabel(c);
    const services = reading.backgrounded.map(programOf);
    let what: string;
    if (reading.backgrounded.length > 0) what = `starts ${reading.backgrounded.length} service(s) in the background (${[...new Set(services)].join(', ')})`;
    else if (reading.foreground.length > 0) what = `runs ${reading.foreground.map((cmd) => `\`${cmd}\``).join(', ')} (a service that daemonises leaves PID 1 behind)`;
    else if (others.length > 0) what = `only idles while ${others.length} other process(es) run in the container (${[...new Set(others.map((p) => p.comm ?? '?'))].join(', ')})`;
    else what = 'only idles';
    const keeps = reading.idler ? ` and stays alive with \`${reading.idler}\`` : '';
    const shell = fromTree ? (pid1?.comm ?? 'a shell') : baseName(argv[0] ?? '?');
    const zombieText = zombies.length ? `; ${zombies.length} zombie process(es) are piling up under it now` : '';
    const evidence = [
      `Path/Args: ${argv.map(shellQuote).join(' ') || '(not recorded)'}`,
      `HostConfig.Init: ${c.init === null ? 'unset' : c.init ? 'true' : 'false'}; daemon.json "init": ${daemonInit.has(c.node_id) ? 'true' : 'unset'}; PidMode: ${c.pid_mode || "''"}`,
    ];
    if (pid1) {
      const shown = [pid1, ...inContainer.filter((p) => p.pid !== pid1.pid)];
      evidence.push(PS_HEADER, ...shown.slice(0, 15).map(psLine));
      if (shown.length > 15) evidence.push(`... ${shown.length - 15} more process(es) in the container`);
    }
    out.push({
      node_id: c.node_id,
      resource: label.resource,
      message:
        `PID 1 of ${label.phrase} is ${shell}, which ${what}${keeps}, with no init: SIGTERM from docker stop or the kubelet never reaches the services, ` +
        `a dead service does not stop the container, and orphans are not reaped${zombieText}`,
      evidence: evidence.join('\n'),
    });
  }
  return out;
}
