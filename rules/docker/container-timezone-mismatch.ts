/**
 * docker/container-timezone-mismatch: the node keeps local time (not UTC) and a workload
 * container neither sets TZ nor mounts the host's /etc/localtime, so it runs in the image's zone
 * (UTC for nearly every base image): "the 8-hour problem". Node agents are left out.
 */
import type { Database } from 'better-sqlite3';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { containerLabel, containerLabels, currentContainers, labelKey, loadContainers, podLabelsOf } from '../../analyzer/rules/lib/docker-containers.js';
import { extraPattern, systemContainer } from '../../analyzer/rules/lib/system-containers.js';

export const meta = {
  id: 'docker/container-timezone-mismatch',
  title: 'A container runs in UTC on a node that keeps local time',
  severity: 'low',
  category: 'docker',
  description:
    "The node's clock is set to a local time zone, but the container has no TZ variable and no /etc/localtime mounted, so it uses " +
    "the image's zone, which for almost every base image is UTC. Its log timestamps, cron-like schedules, date-based file names " +
    'and "today" computations are off by the UTC offset (8 hours in Asia/Shanghai), which misleads whoever correlates its logs with ' +
    'the host and other services. Node agents (kube-proxy, CNI...) are expected to log in UTC and are not reported.',
  remediation:
    'Give the container the zone explicitly:\n' +
    '  docker run -e TZ=Asia/Shanghai ...                       # needs tzdata in the image\n' +
    '  docker run -v /etc/localtime:/etc/localtime:ro ...      # or share the host zone file\n' +
    '  env: [{ name: TZ, value: Asia/Shanghai }]                # Kubernetes\n' +
    'or set it in the image (ENV TZ=Asia/Shanghai, with tzdata installed). For Java add -Duser.timezone=Asia/Shanghai.\n' +
    'Alternatively run every node and container in UTC and convert for display only.',
  references: ['https://www.gnu.org/software/libc/manual/html_node/TZ-Variable.html', 'https://man7.org/linux/man-pages/man5/localtime.5.html'],
  sources: ['timezone|timedatectl', 'docker-inspect|crictl-inspect'],
  parameters: {
    system_pattern: {
      default: '',
      description: 'extra regular expression naming node-infrastructure containers to leave out (tested on namespace, container name and image)',
    },
  },
} satisfies Omit<RuleMeta, 'file'>;

interface HostZone {
  offset: string | null;
  zone: string | null;
}

const UTC_ZONES = /^(Etc\/)?(UTC|UCT|GMT|Universal|Zulu|GMT[+-]?0)$/;

function hostZones(db: Database): Map<number, HostZone> {
  const rows = db
    .prepare(
      `SELECT n.node_id,
              COALESCE((SELECT value FROM node_facts f WHERE f.node_id = n.node_id AND f.key = 'clock.utc_offset' LIMIT 1), n.utc_offset) AS offset,
              COALESCE((SELECT value FROM node_facts f WHERE f.node_id = n.node_id AND f.key = 'clock.timezone' LIMIT 1),
                       (SELECT timezone FROM clock_sync c WHERE c.node_id = n.node_id AND c.timezone IS NOT NULL LIMIT 1), n.timezone) AS zone
         FROM nodes n`,
    )
    .all() as { node_id: number; offset: string | null; zone: string | null }[];
  return new Map(rows.map((r) => [r.node_id, { offset: r.offset, zone: r.zone }] as const));
}

function isUtc(z: HostZone): boolean | null {
  if (z.offset) return /^[+-]00:?00$/.test(z.offset);
  if (z.zone) return UTC_ZONES.test(z.zone.replace(/\s.*$/, ''));
  return null;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const extra = extraPattern(ctx.params.system_pattern);
  const zones = hostZones(db);
  const labels = containerLabels(db);
  const withTz = new Set(
    (db.prepare("SELECT node_id, container_id FROM container_env WHERE key = 'TZ' AND has_value = 1").all() as { node_id: number; container_id: string }[]).map((r) =>
      labelKey(r.node_id, r.container_id),
    ),
  );
  const withZoneFile = new Set(
    (
      db
        .prepare("SELECT node_id, container_id FROM container_mounts WHERE destination IN ('/etc/localtime', '/etc/timezone') OR destination LIKE '/usr/share/zoneinfo%'")
        .all() as { node_id: number; container_id: string }[]
    ).map((r) => labelKey(r.node_id, r.container_id)),
  );
  const out: RuleFinding[] = [];
  for (const c of currentContainers(loadContainers(db, ctx.nodeIds))) {
    const zone = zones.get(c.node_id);
    if (!zone || isUtc(zone) !== false) continue;
    if (!(c.running === 1 || c.status === 'running')) continue;
    const key = labelKey(c.node_id, c.id);
    if (withTz.has(key) || withZoneFile.has(key)) continue;
    if (systemContainer(c, podLabelsOf(labels, c), extra).system) continue;
    const label = containerLabel(c);
    const hostText = `${zone.zone ?? 'local time'}${zone.offset ? ` (${zone.offset})` : ''}`;
    out.push({
      node_id: c.node_id,
      resource: label.resource,
      message: `The node runs in ${hostText} but ${label.phrase} sets no TZ and does not mount /etc/localtime: it most likely runs in UTC, ${zone.offset ?? 'the UTC offset'} off the host`,
      evidence: [`host: timezone ${zone.zone ?? '?'}, UTC offset ${zone.offset ?? '?'}`, `${c.name}: Env has no TZ; Mounts have no /etc/localtime or /etc/timezone`, `Image: ${c.image ?? '?'}`].join(
        '\n',
      ),
    });
  }
  return out;
}
