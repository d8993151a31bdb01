/**
 * docker/log-unbounded: containers log with the json-file driver and no max-size, so their log
 * files grow until the disk is full. One finding for the daemon default (naming the containers
 * that inherit it), and one per container that is unbounded although the default is not (created
 * before the default was set, or overriding it).
 */
import type { Database } from 'better-sqlite3';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { containerLabel, currentContainers, loadContainers, type ContainerRow } from '../../analyzer/rules/lib/docker-containers.js';

export const meta = {
  id: 'docker/log-unbounded',
  title: 'Container logs use json-file without max-size',
  severity: 'medium',
  category: 'docker',
  description:
    "Docker's default json-file log driver keeps everything a container writes to stdout/stderr in " +
    '/var/lib/docker/containers/<id>/<id>-json.log and never rotates it unless log-opts max-size is set. A chatty or looping ' +
    'container fills the docker root filesystem, after which every container on the node fails. The daemon default applies only ' +
    'to containers created after it was set: older containers keep their unbounded LogConfig until they are recreated.',
  remediation:
    'Set a size limit for every new container in /etc/docker/daemon.json and restart docker:\n' +
    '  { "log-driver": "json-file", "log-opts": { "max-size": "100m", "max-file": "3" } }\n' +
    '  systemctl restart docker\n' +
    'then recreate the containers listed (docker compose up -d --force-recreate, kubectl rollout restart, docker rm + run), or use ' +
    'the "local" driver, which rotates by default. To reclaim space now without stopping a container:\n' +
    '  truncate -s 0 /var/lib/docker/containers/<id>/<id>-json.log',
  references: ['https://docs.docker.com/engine/logging/drivers/json-file/', 'https://docs.docker.com/engine/logging/configure/'],
  sources: ['docker-inspect', 'docker-info|docker-daemon-config'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface DaemonLogging {
  driver: string;
  maxSize: string | null;
  lines: string[];
}

function daemonLogging(db: Database, nodeId: number): DaemonLogging {
  const info = db.prepare('SELECT logging_driver FROM docker_info WHERE node_id = ?').get(nodeId) as { logging_driver: string | null } | undefined;
  const config = db
    .prepare("SELECT path, key, value, value_text FROM daemon_config WHERE node_id = ? AND (key = 'log-driver' OR key LIKE 'log-opts.%') ORDER BY key")
    .all(nodeId) as { path: string; key: string; value: string; value_text: string | null }[];
  const files = db.prepare("SELECT path FROM daemon_config_files WHERE node_id = ? AND format = 'json'").all(nodeId) as { path: string }[];
  const configured = config.find((c) => c.key === 'log-driver')?.value_text ?? null;
  const maxSize = config.find((c) => c.key === 'log-opts.max-size')?.value_text ?? null;
  const lines = [
    ...(info?.logging_driver ? [`docker info: LoggingDriver ${info.logging_driver}`] : []),
    ...config.map((c) => `${c.path}: ${c.key} = ${c.value}`),
    ...(maxSize === null ? [`${files[0]?.path ?? '/etc/docker/daemon.json'}: no log-opts.max-size${files.length ? '' : ' (file absent)'}`] : []),
  ];
  return { driver: info?.logging_driver ?? configured ?? 'json-file', maxSize, lines };
}

const unbounded = (c: ContainerRow) => c.log_type === 'json-file' && (c.log_max_size === null || c.log_max_size === '' || c.log_max_size === '-1');

/** legacy-web, or kube-proxy (kube-system/kube-proxy-97ce4) for a pod container. */
const shortName = (c: ContainerRow) => (c.pod_name && c.k8s_container_name ? `${c.k8s_container_name} (${c.pod_namespace}/${c.pod_name})` : c.name);

const logLine = (c: ContainerRow) => `${c.name}: LogConfig {Type: json-file, max-size: ${c.log_max_size ?? 'unset'}} ${c.log_path ?? ''}`.trimEnd();

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const openByNode = new Map<number, ContainerRow[]>();
  for (const c of currentContainers(loadContainers(db, ctx.nodeIds))) {
    if (c.engine !== 'docker' || !unbounded(c)) continue;
    const list = openByNode.get(c.node_id);
    if (list) list.push(c);
    else openByNode.set(c.node_id, [c]);
  }
  const out: RuleFinding[] = [];
  for (const nodeId of ctx.nodeIds) {
    const daemon = daemonLogging(db, nodeId);
    const open = openByNode.get(nodeId) ?? [];
    const defaultUnbounded = daemon.driver === 'json-file' && daemon.maxSize === null;
    if (defaultUnbounded) {
      const names = open.map(shortName);
      out.push({
        node_id: nodeId,
        resource: 'dockerd log-opts',
        message:
          `dockerd logs containers with json-file and no max-size by default: ${open.length} container(s) write logs that are never rotated` +
          (names.length ? ` (${names.slice(0, 5).join(', ')}${names.length > 5 ? `, and ${names.length - 5} more` : ''})` : ''),
        evidence: [...daemon.lines, ...open.slice(0, 20).map(logLine), ...(open.length > 20 ? [`... ${open.length - 20} more`] : [])].join('\n'),
      });
      continue;
    }
    for (const c of open) {
      const label = containerLabel(c);
      const why =
        daemon.driver === 'json-file'
          ? `it was created before dockerd's max-size ${daemon.maxSize} was set, or overrides it (recreate it to pick the limit up)`
          : `it asks for json-file although dockerd's default is ${daemon.driver}`;
      out.push({
        node_id: nodeId,
        resource: label.resource,
        message: `${label.phrase} logs with json-file and no max-size: ${why}`,
        evidence: [logLine(c), ...daemon.lines].join('\n'),
      });
    }
  }
  return out;
}
