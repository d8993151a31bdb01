/**
 * docker/disk-pressure: the filesystem holding the docker root (data-root) is nearly full, in
 * bytes or inodes. The finding names the largest overlay2 directories (du) and the containers
 * and pods whose writable layer they are (GraphDriver UpperDir), as one would by hand with
 *   docker ps -q | xargs docker inspect --format '{{.Name}} {{.GraphDriver.Data.UpperDir}}' | grep <dir>
 */
import type { Database } from 'better-sqlite3';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { containerLabel, formatKib, loadContainers, type ContainerRow } from '../../analyzer/rules/lib/docker-containers.js';

export const meta = {
  id: 'docker/disk-pressure',
  title: 'The filesystem holding the docker root is nearly full',
  severity: 'high',
  category: 'docker',
  description:
    'The filesystem that holds /var/lib/docker (the daemon data-root: image layers, container writable layers, json-file logs, ' +
    'volumes) is at or above the threshold in bytes or inodes. When it fills, image pulls and container starts fail ("no space left ' +
    'on device"), running containers fail their writes, the kubelet starts evicting pods (DiskPressure) and garbage-collecting ' +
    'images, and dockerd itself can corrupt its metadata. The usual culprit is one container writing into its own layer (uploads, ' +
    'caches, logs written to files inside the container) or an unbounded json-file log.',
  remediation:
    'Find what grows, from the largest overlay2 directory to its container:\n' +
    '  du -sh /var/lib/docker/overlay2/* | sort -rh | head\n' +
    "  docker ps -aq | xargs docker inspect --format '{{.Name}} {{.GraphDriver.Data.UpperDir}}' | grep <dir>\n" +
    '  du -sh /var/lib/docker/containers/*/*-json.log | sort -rh | head\n' +
    'Move the data the container writes to a volume or clean it up, cap logs (log-opts max-size/max-file), remove what is unused:\n' +
    '  docker system df && docker image prune -a && docker container prune\n' +
    'and give the docker root its own, larger filesystem (data-root in daemon.json) with monitoring at 80%.',
  references: [
    'https://docs.docker.com/engine/storage/drivers/overlayfs-driver/',
    'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
    'https://docs.docker.com/reference/cli/docker/system/df/',
  ],
  sources: ['df|df-inodes', 'docker-info|docker-inspect'],
  parameters: {
    threshold: { default: 85, description: 'percent of bytes or inodes in use that fires the rule' },
    top_dirs: { default: 5, description: 'largest overlay2 directories named in the finding' },
  },
} satisfies Omit<RuleMeta, 'file'>;

interface FsRow {
  device: string;
  fstype: string | null;
  size_kb: number | null;
  used_kb: number | null;
  available_kb: number | null;
  use_percent: number | null;
  mountpoint: string;
}

interface InodeRow {
  device: string;
  inodes: number | null;
  used: number | null;
  free: number | null;
  use_percent: number | null;
  mountpoint: string;
}

function dockerRoot(db: Database, nodeId: number): string {
  const info = db.prepare('SELECT docker_root_dir FROM docker_info WHERE node_id = ? AND docker_root_dir IS NOT NULL').get(nodeId) as { docker_root_dir: string } | undefined;
  if (info) return info.docker_root_dir;
  const config = db.prepare("SELECT value_text FROM daemon_config WHERE node_id = ? AND key IN ('data-root', 'graph') AND value_text IS NOT NULL").get(nodeId) as
    | { value_text: string }
    | undefined;
  return config?.value_text ?? '/var/lib/docker';
}

/** The row whose mountpoint is the longest prefix of `path`. */
function holding<T extends { mountpoint: string }>(rows: readonly T[], path: string): T | null {
  let best: T | null = null;
  for (const r of rows) {
    const mp = r.mountpoint.replace(/\/+$/, '') || '/';
    const covers = path === mp || mp === '/' || path.startsWith(`${mp}/`);
    if (covers && (!best || mp.length > (best.mountpoint.replace(/\/+$/, '') || '/').length)) best = r;
  }
  return best;
}

/** df's rounding: used / (used + available), rounded up; the stored percent when df printed one. */
function percent(stored: number | null, used: number | null, avail: number | null): number | null {
  if (stored !== null) return stored;
  if (used === null || avail === null || used + avail === 0) return null;
  return Math.ceil((100 * used) / (used + avail));
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const threshold = Number(ctx.params.threshold ?? 85);
  const topN = Number(ctx.params.top_dirs ?? 5);
  const out: RuleFinding[] = [];
  for (const nodeId of ctx.nodeIds) {
    const root = dockerRoot(db, nodeId);
    const fs = holding(
      db.prepare("SELECT device, fstype, size_kb, used_kb, available_kb, use_percent, mountpoint FROM filesystems WHERE node_id = ? AND COALESCE(fstype, '') NOT IN ('overlay', 'squashfs')").all(nodeId) as FsRow[],
      root,
    );
    const inodes = holding(
      db.prepare("SELECT device, inodes, used, free, use_percent, mountpoint FROM inode_usage WHERE node_id = ? AND COALESCE(fstype, '') NOT IN ('overlay', 'squashfs')").all(nodeId) as InodeRow[],
      root,
    );
    const bytePct = fs ? percent(fs.use_percent, fs.used_kb, fs.available_kb) : null;
    const inodePct = inodes ? percent(inodes.use_percent, inodes.used, inodes.free) : null;
    const bytesFull = bytePct !== null && bytePct >= threshold;
    const inodesFull = inodePct !== null && inodePct >= threshold;
    if (!bytesFull && !inodesFull) continue;

    const mountpoint = fs?.mountpoint ?? inodes!.mountpoint;
    const device = fs?.device ?? inodes!.device;
    const dirs = db
      .prepare(
        `SELECT dir, layer_id, MAX(is_init) AS is_init, MAX(kib) AS kib FROM overlay2_usage
          WHERE node_id = ? AND layer_id IS NOT NULL GROUP BY dir ORDER BY kib DESC LIMIT ?`,
      )
      .all(nodeId, topN) as { dir: string; layer_id: string; is_init: number; kib: number }[];
    const containers = loadContainers(db, [nodeId]);
    const ownerOf = (layer: string, dir: string): ContainerRow | undefined =>
      containers.find((c) => (c.overlay_layer_id === layer || (c.upper_dir !== null && c.upper_dir.startsWith(`${dir.replace(/-init$/, '')}/`))));
    const dirLines = dirs.map((d) => {
      const owner = ownerOf(d.layer_id, d.dir);
      const whose = owner
        ? `${d.is_init ? 'init layer' : 'writable layer'} of ${containerLabel(owner).phrase} (${owner.name}, ${owner.status ?? '?'})`
        : 'an image layer, or a container no longer listed';
      return { text: `${formatKib(d.kib).padStart(10)}  ${d.dir}  ${whose}`, owner, kib: d.kib };
    });
    const biggest = dirLines[0];
    const what: string[] = [];
    if (bytesFull && fs) what.push(`is ${bytePct}% full (${formatKib(fs.available_kb ?? 0)} free of ${formatKib(fs.size_kb ?? 0)})`);
    if (inodesFull && inodes) what.push(`has ${inodePct}% of its inodes in use (${inodes.free ?? '?'} free)`);
    out.push({
      node_id: nodeId,
      resource: `filesystem ${mountpoint} (docker root ${root})`,
      message:
        `The filesystem holding the docker root ${root} (${device} on ${mountpoint}) ${what.join(' and ')}` +
        (biggest
          ? `; the largest overlay2 directory holds ${formatKib(biggest.kib)}${biggest.owner ? `, the writable layer of ${containerLabel(biggest.owner).phrase}` : ''}`
          : ''),
      evidence: [
        ...(fs ? [`df: ${fs.device} ${fs.fstype ?? ''} size ${fs.size_kb} KiB used ${fs.used_kb} KiB avail ${fs.available_kb} KiB ${bytePct ?? '-'}% ${fs.mountpoint}`] : []),
        ...(inodes ? [`df -i: ${inodes.device} inodes ${inodes.inodes ?? '-'} used ${inodes.used ?? '-'} free ${inodes.free ?? '-'} ${inodePct ?? '-'}% ${inodes.mountpoint}`] : []),
        ...(dirLines.length ? [`largest directories under ${root}/overlay2 (du -sk):`, ...dirLines.map((l) => l.text)] : ['(no overlay2 usage collected)']),
      ].join('\n'),
    });
  }
  return out;
}
