/**
 * docker/socket-mounted-in-container: a container has the Docker, containerd or CRI-O API socket
 * (or the /run directory holding it) mounted. One finding per container, current instances only.
 */
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { containerLabel, currentContainers, labelKey, loadContainers } from '../../analyzer/rules/lib/docker-containers.js';

export const meta = {
  id: 'docker/socket-mounted-in-container',
  title: 'A container mounts the container runtime socket',
  severity: 'high',
  category: 'docker',
  description:
    'The container has /var/run/docker.sock, containerd.sock (or the CRI-O/dockershim socket, or the whole /run directory that holds ' +
    'them) mounted. Whoever controls a process in that container controls the runtime: it can start a privileged container with the ' +
    "node's / mounted and is root on the node, whatever the container's own user, capabilities or read-only flag. Management tools " +
    '(Portainer, CI runners, log agents) are the usual case; a compromise of any of them is a node compromise.',
  remediation:
    'Remove the mount where it is not essential. Where a tool needs the API, give it a narrower door: a socket proxy that allows ' +
    'only the calls it needs (e.g. tecnativa/docker-socket-proxy with CONTAINERS=1 POST=0), rootless docker, or the Kubernetes API ' +
    'with RBAC instead of the runtime. Keep such containers off shared nodes and pin their images.\n' +
    "  docker inspect -f '{{.Name}} {{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}' $(docker ps -q) | grep -E 'docker.sock|containerd.sock'",
  references: [
    'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  ],
  sources: ['docker-inspect|crictl-inspect'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const SOCKET = /\/(docker|containerd|crio|dockershim|cri-dockerd|podman)\.sock$/;
/** Directories that hold a runtime socket: mounting them exposes it just the same. */
const SOCKET_DIRS = new Set(['/run', '/var/run', '/run/docker', '/var/run/docker', '/run/containerd', '/var/run/containerd', '/run/crio', '/var/run/crio']);

export function run(ctx: RuleContext): RuleFinding[] {
  const mounts = ctx.db
    .prepare('SELECT node_id, container_id, type, source, destination, rw FROM container_mounts WHERE source IS NOT NULL')
    .all() as { node_id: number; container_id: string; type: string | null; source: string; destination: string | null; rw: number | null }[];
  const byContainer = new Map<string, typeof mounts>();
  for (const m of mounts) {
    const source = m.source.replace(/\/+$/, '') || '/';
    if (!SOCKET.test(source) && !SOCKET_DIRS.has(source)) continue;
    const k = labelKey(m.node_id, m.container_id);
    const list = byContainer.get(k);
    if (list) list.push(m);
    else byContainer.set(k, [m]);
  }
  const out: RuleFinding[] = [];
  for (const c of currentContainers(loadContainers(ctx.db, ctx.nodeIds))) {
    const list = byContainer.get(labelKey(c.node_id, c.id));
    if (!list) continue;
    const label = containerLabel(c);
    const what = list.map((m) => (SOCKET.test(m.source) ? m.source : `${m.source} (holds the runtime sockets)`)).join(', ');
    out.push({
      node_id: c.node_id,
      resource: label.resource,
      message: `${label.phrase} (image ${c.image ?? '?'}) mounts ${what}: anything running in it can drive the runtime and take over the node`,
      evidence: list.map((m) => `Mounts: ${m.type ?? 'bind'} ${m.source} -> ${m.destination ?? '?'} (${m.rw === 0 ? 'ro' : 'rw'})`).join('\n'),
    });
  }
  return out;
}
