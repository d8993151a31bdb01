/**
 * kernel/io-scheduler-mismatch: a non-rotational disk (SSD, NVMe, most virtual disks) queued
 * by a fairness scheduler (cfq, bfq), or a database's data directory on a disk queued by one.
 *
 * A database path is found from container mounts (the host source of a mount at a known data
 * directory such as /var/lib/mysql), from etcd's --data-dir (component_flags) and from the
 * data-directory flags of database processes on the host (mysqld --datadir, postgres -D). The path is mapped to its disk
 * through /proc/mounts (longest mount point that holds it) and lsblk's device tree.
 */
import type { Database } from 'better-sqlite3';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'kernel/io-scheduler-mismatch',
  title: 'A disk uses an I/O scheduler that does not suit it',
  severity: 'info',
  category: 'kernel',
  description:
    'cfq and bfq spread disk time fairly between processes, which costs latency: on a non-rotational disk (SSD, NVMe, a virtual disk) ' +
    'they only add overhead, and under a database (MySQL, PostgreSQL, etcd, MongoDB) they delay the small synchronous writes of its log, ' +
    'raising commit latency (etcd: "apply request took too long", leader changes). deadline/mq-deadline or none (noop) suit these disks better.',
  remediation:
    'Switch the disk now and keep it across reboots with a udev rule (or a systemd unit as in the seed: ExecStart=/bin/bash -c \'echo deadline > /sys/block/sdb/queue/scheduler\'):\n' +
    '  cat /sys/block/<disk>/queue/scheduler\n' +
    '  echo mq-deadline > /sys/block/<disk>/queue/scheduler     # deadline on non-multiqueue kernels (CentOS 7)\n' +
    '  echo \'ACTION=="add|change", KERNEL=="sd[a-z]|vd[a-z]|nvme[0-9]n[0-9]", ATTR{queue/scheduler}="mq-deadline"\' > /etc/udev/rules.d/60-scheduler.rules',
  references: ['https://www.kernel.org/doc/html/latest/block/index.html', 'https://etcd.io/docs/v3.5/tuning/#disk'],
  sources: ['block-queue|lsblk'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const FAIRNESS = new Set(['cfq', 'bfq']);

/** Data directories of database images inside containers. */
const DB_CONTAINER_DIR = /^\/(var\/lib\/(mysql|postgresql|pgsql|mongodb|mongo|etcd|cassandra|elasticsearch|clickhouse|influxdb)|data\/db|bitnami\/(mysql|mariadb|postgresql|mongodb|etcd)|usr\/share\/elasticsearch\/data)(\/|$)/;

/** Database processes on the host and the flag that names their data directory. */
const DB_PROCESS_DIR: { comm: RegExp; flag: RegExp }[] = [
  { comm: /^(mysqld|mariadbd)$/, flag: /--datadir[= ](\S+)/ },
  { comm: /^(postgres|postmaster)$/, flag: /\s-D\s+(\S+)/ },
  { comm: /^mongod$/, flag: /--dbpath[= ](\S+)/ },
];

interface Disk {
  device: string;
  scheduler: string;
  rotational: number | null;
}

interface DbPath {
  path: string;
  what: string;
}

function disks(db: Database, nodeId: number): Map<string, Disk> {
  const out = new Map<string, Disk>();
  const queue = db
    .prepare('SELECT device, MAX(scheduler) AS scheduler, MAX(rotational) AS rotational FROM block_queue WHERE node_id = ? GROUP BY device')
    .all(nodeId) as { device: string; scheduler: string | null; rotational: number | null }[];
  for (const q of queue) if (q.scheduler) out.set(q.device, { device: q.device, scheduler: q.scheduler, rotational: q.rotational });
  const lsblk = db
    .prepare(`SELECT kname, name, scheduler, rotational FROM block_devices WHERE node_id = ? AND type = 'disk' AND scheduler IS NOT NULL`)
    .all(nodeId) as { kname: string | null; name: string; scheduler: string; rotational: number | null }[];
  for (const d of lsblk) {
    const device = d.kname ?? d.name;
    if (!out.has(device)) out.set(device, { device, scheduler: d.scheduler, rotational: d.rotational });
  }
  return out;
}

function databasePaths(db: Database, nodeId: number): DbPath[] {
  const out: DbPath[] = [];
  const mounts = db
    .prepare(
      `SELECT m.source, m.destination, COALESCE('pod ' || c.pod_namespace || '/' || c.pod_name, 'container ' || c.name) AS owner, c.image
         FROM container_mounts m JOIN containers c ON c.node_id = m.node_id AND c.id = m.container_id
        WHERE m.node_id = ? AND m.source LIKE '/%'`,
    )
    .all(nodeId) as { source: string; destination: string; owner: string; image: string | null }[];
  for (const m of mounts) {
    if (DB_CONTAINER_DIR.test(m.destination)) out.push({ path: m.source, what: `${m.owner} (${m.image ?? 'image unknown'}) mounts ${m.source} at ${m.destination}` });
  }
  // etcd's --data-dir, from its process, unit or static pod manifest (kubeadm mounts /var/lib/etcd from the same host path)
  const etcd = db
    .prepare(`SELECT DISTINCT value, origin, path FROM component_flags WHERE node_id = ? AND component = 'etcd' AND flag = 'data-dir' AND value LIKE '/%'`)
    .all(nodeId) as { value: string; origin: string; path: string | null }[];
  for (const e of etcd) out.push({ path: e.value, what: `etcd --data-dir=${e.value} (${e.origin}${e.path ? ` ${e.path}` : ''})` });
  const procs = db
    .prepare('SELECT pid, comm, args FROM processes WHERE node_id = ? AND container_id IS NULL AND args IS NOT NULL')
    .all(nodeId) as { pid: number; comm: string; args: string }[];
  for (const p of procs) {
    for (const d of DB_PROCESS_DIR) {
      if (!d.comm.test(p.comm)) continue;
      const m = d.flag.exec(p.args);
      if (m?.[1]?.startsWith('/')) out.push({ path: m[1], what: `${p.comm} (pid ${p.pid}) keeps its data in ${m[1]}` });
    }
  }
  return out;
}

/** The mounted device holding `path`: the mount with the longest mount point that contains it (the last one mounted wins a tie). */
function deviceOfPath(db: Database, nodeId: number, path: string): string | null {
  const rows = db.prepare('SELECT device, mountpoint FROM mounts WHERE node_id = ? ORDER BY rowid').all(nodeId) as { device: string; mountpoint: string }[];
  let best: { device: string; len: number } | null = null;
  for (const r of rows) {
    const mp = r.mountpoint === '/' ? '/' : r.mountpoint.replace(/\/+$/, '');
    const holds = mp === '/' || path === mp || path.startsWith(`${mp}/`);
    if (holds && (!best || mp.length >= best.len)) best = { device: r.device, len: mp.length };
  }
  return best?.device ?? null;
}

/** Walks from a partition, LV or /dev path up to the whole disk whose queue has the scheduler. */
function diskOfDevice(db: Database, nodeId: number, device: string, known: Map<string, Disk>): Disk | null {
  let name = device.replace(/^\/dev\/(mapper\/)?/, '');
  for (let hops = 0; hops < 6; hops++) {
    const direct = known.get(name);
    if (direct) return direct;
    const row = db
      .prepare('SELECT kname, parent FROM block_devices WHERE node_id = ? AND (name = ? OR kname = ?) LIMIT 1')
      .get(nodeId, name, name) as { kname: string | null; parent: string | null } | undefined;
    if (row?.kname && known.has(row.kname)) return known.get(row.kname)!;
    if (row?.parent) {
      name = row.parent;
      continue;
    }
    // lsblk -P (old util-linux) has no tree: strip the partition number (sda1 -> sda, nvme0n1p2 -> nvme0n1)
    const stripped = /^(nvme\d+n\d+|mmcblk\d+)p\d+$/.exec(name)?.[1] ?? /^([a-z]+)\d+$/.exec(name)?.[1];
    if (!stripped || stripped === name) return null;
    name = stripped;
  }
  return null;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const nodeId of ctx.nodeIds) {
    const known = disks(ctx.db, nodeId);
    const reported = new Set<string>();
    for (const d of known.values()) {
      if (d.rotational !== 0 || !FAIRNESS.has(d.scheduler)) continue;
      reported.add(d.device);
      findings.push({
        node_id: nodeId,
        resource: `/sys/block/${d.device}/queue/scheduler`,
        message: `${d.device} is a non-rotational disk queued by ${d.scheduler}, a fairness scheduler that only adds latency there; use mq-deadline or none`,
        evidence: `/sys/block/${d.device}/queue/scheduler: [${d.scheduler}]\n/sys/block/${d.device}/queue/rotational: 0`,
      });
    }
    // one finding per disk, with every database path found on it
    const onDisk = new Map<string, { disk: Disk; lines: string[]; paths: string[] }>();
    for (const p of databasePaths(ctx.db, nodeId)) {
      const device = deviceOfPath(ctx.db, nodeId, p.path);
      const disk = device ? diskOfDevice(ctx.db, nodeId, device, known) : null;
      if (!disk || !FAIRNESS.has(disk.scheduler) || reported.has(disk.device)) continue;
      let entry = onDisk.get(disk.device);
      if (!entry) onDisk.set(disk.device, (entry = { disk, lines: [], paths: [] }));
      if (entry.paths.includes(p.path)) continue;
      entry.paths.push(p.path);
      entry.lines.push(`${p.what}; ${p.path} is on ${device}`);
    }
    for (const { disk, lines, paths } of onDisk.values()) {
      findings.push({
        node_id: nodeId,
        resource: `/sys/block/${disk.device}/queue/scheduler`,
        message: `Database data (${paths.join(', ')}) sits on ${disk.device}, queued by ${disk.scheduler}: its synchronous log writes wait behind other processes' I/O; use deadline/mq-deadline`,
        evidence: [
          ...lines,
          `/sys/block/${disk.device}/queue/scheduler: [${disk.scheduler}]`,
          ...(disk.rotational !== null ? [`/sys/block/${disk.device}/queue/rotational: ${disk.rotational}`] : []),
        ].join('\n'),
      });
    }
  }
  return findings;
}
