/**
 * What the report shows about each node besides its findings, read from the database in one
 * query per table (not per node: a batch has hundreds): identity, addresses, sources that were
 * not usable, certificates, and the usage figures behind the gauges.
 */
import type { Database } from 'better-sqlite3';
import { byNode, hasColumns, hasTable, tableColumns } from './db-read.js';
import { daysBetween, formatDaysLeft, formatTime } from './format.js';
import type { CertView, LabelValue, SourceProblem } from './view-types.js';

export type NodeRow = Record<string, unknown> & { node_id: number };

export interface Usage {
  used: number;
  max: number;
}

export interface FilesystemUsage extends Usage {
  mountpoint: string;
  device: string;
  fstype: string | null;
  percent: number;
}

export interface NodeData {
  row: NodeRow;
  identity: LabelValue[];
  addresses: string[];
  sourceProblems: SourceProblem[];
  certs: CertView[];
  conntrack: Usage | null;
  pids: (Usage & { threadsMax: number | null; processes: number }) | null;
  filesystems: FilesystemUsage[];
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

// filesystems whose fill level says nothing about the node running out of disk
const PSEUDO_FS = new Set(['tmpfs', 'devtmpfs', 'overlay', 'shm', 'squashfs', 'nsfs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'autofs', 'ramfs', 'efivarfs']);

function identityOf(row: NodeRow): LabelValue[] {
  const v = (key: string) => text(row[key]);
  const pairs: [string, string][] = [
    ['Hostname', v('hostname')],
    ['Status', v('status')],
    ['Kernel', v('kernel')],
    ['OS', v('os')],
    ['Docker', v('docker_version')],
    ['containerd', v('containerd_version')],
    ['kubelet', v('kubelet_version')],
    ['kube-proxy', [v('kube_proxy_version'), v('kube_proxy_mode') ? `mode ${v('kube_proxy_mode')}` : ''].filter(Boolean).join(', ')],
    ['Collected', [formatTime(v('collected_at')), v('timezone') ? `node time zone ${v('timezone')} (${v('utc_offset')})` : ''].filter(Boolean).join(', ')],
    ['Collector', [v('collector') ? `${v('collector')} ${v('collector_version')}`.trim() : '', row.root === 0 ? 'not root: items needing root were skipped' : ''].filter(Boolean).join(', ')],
    ['Label', v('label')],
    ['Case', v('case_id')],
    ['Machine id', v('machine_id')],
    ['Input', v('input')],
  ];
  return pairs.filter(([, value]) => value !== '').map(([label, value]) => ({ label, value }));
}

interface AddrRow {
  node_id: number;
  ifname: string;
  address: string;
  prefixlen: number | null;
}

function addressesByNode(db: Database): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (!hasColumns(db, 'addrs', ['ifname', 'address', 'prefixlen', 'scope'])) return out;
  const defaultDev = new Map<number, string>();
  if (hasColumns(db, 'routes', ['dst_cidr', 'dev', 'rt_table'])) {
    for (const r of db.prepare("SELECT node_id, dev FROM routes WHERE dst_cidr IN ('0.0.0.0/0', '::/0') AND dev IS NOT NULL AND rt_table = 'main' ORDER BY family DESC").all() as {
      node_id: number;
      dev: string;
    }[]) {
      if (!defaultDev.has(r.node_id)) defaultDev.set(r.node_id, r.dev);
    }
  }
  const rows = db.prepare("SELECT node_id, ifname, address, prefixlen FROM addrs WHERE scope = 'global' ORDER BY node_id, ifindex, family, address").all() as AddrRow[];
  for (const [nodeId, list] of byNode(rows)) {
    const main = defaultDev.get(nodeId);
    // service VIPs on kube-ipvs0 can number thousands: count them instead of listing them
    const vips = list.filter((a) => a.ifname === 'kube-ipvs0');
    const shown = list.filter((a) => a.ifname !== 'kube-ipvs0');
    shown.sort((a, b) => Number(b.ifname === main) - Number(a.ifname === main));
    const lines = shown.map((a) => `${a.address}${a.prefixlen !== null ? `/${a.prefixlen}` : ''} on ${a.ifname}${a.ifname === main ? ' (default route)' : ''}`);
    if (vips.length) lines.push(`${vips.length} service address${vips.length === 1 ? '' : 'es'} on kube-ipvs0`);
    out.set(nodeId, lines);
  }
  return out;
}

function sourceProblemsByNode(db: Database): Map<number, SourceProblem[]> {
  if (!hasColumns(db, 'source_status', ['source', 'status', 'reason'])) return new Map();
  const rows = db.prepare("SELECT node_id, source, status, reason FROM source_status WHERE status <> 'ok' ORDER BY node_id, status, source").all() as {
    node_id: number;
    source: string;
    status: string;
    reason: string | null;
  }[];
  const out = new Map<number, SourceProblem[]>();
  for (const [nodeId, list] of byNode(rows)) out.set(nodeId, list.map((r) => ({ source: r.source, status: r.status, reason: r.reason ?? '' })));
  return out;
}

export function certState(days: number | null): CertView['state'] {
  if (days === null) return 'unknown';
  if (days < 0) return 'expired';
  if (days < 30) return 'soon';
  if (days < 90) return 'later';
  return 'ok';
}

function certsByNode(db: Database, collectedAt: Map<number, string>): Map<number, CertView[]> {
  const out = new Map<number, CertView[]>();
  const cols = tableColumns(db, 'certs');
  if (!['path', 'not_after', 'subject_cn'].every((c) => cols.has(c))) return out;
  const field = cols.has('source_field') ? 'source_field' : "'file'";
  const issuer = cols.has('issuer_cn') ? 'issuer_cn' : "''";
  const fp = cols.has('fingerprint_sha256') ? 'fingerprint_sha256' : 'rowid';
  const rows = db
    .prepare(`SELECT node_id, path, ${field} AS field, subject_cn, ${issuer} AS issuer_cn, not_after, ${fp} AS fp FROM certs ORDER BY node_id, not_after, path`)
    .all() as { node_id: number; path: string | null; field: string | null; subject_cn: string | null; issuer_cn: string | null; not_after: string | null; fp: unknown }[];
  for (const [nodeId, list] of byNode(rows)) {
    const seen = new Set<string>();
    const certs: CertView[] = [];
    for (const r of list) {
      const key = `${r.path}\u0000${r.field}\u0000${String(r.fp)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const days = daysBetween(collectedAt.get(nodeId), r.not_after);
      certs.push({
        path: text(r.path),
        field: r.field && r.field !== 'file' ? r.field : '',
        subject: text(r.subject_cn),
        issuer: text(r.issuer_cn),
        notAfter: formatTime(r.not_after),
        daysLeft: days,
        state: certState(days),
        when: days === null ? 'unknown' : formatDaysLeft(days),
      });
    }
    out.set(nodeId, certs);
  }
  return out;
}

function sysctlInts(db: Database, keys: readonly string[]): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  if (!hasColumns(db, 'sysctls', ['key', 'int_value'])) return out;
  const rows = db.prepare(`SELECT node_id, key, int_value FROM sysctls WHERE key IN (${keys.map(() => '?').join(', ')}) AND int_value IS NOT NULL`).all(...keys) as {
    node_id: number;
    key: string;
    int_value: number;
  }[];
  for (const r of rows) {
    let m = out.get(r.node_id);
    if (!m) out.set(r.node_id, (m = new Map()));
    m.set(r.key, r.int_value);
  }
  return out;
}

function conntrackEntries(db: Database): Map<number, number> {
  const out = new Map<number, number>();
  if (!hasColumns(db, 'conntrack_stats', ['counter', 'value', 'cpu'])) return out;
  for (const r of db.prepare("SELECT node_id, MAX(value) AS v FROM conntrack_stats WHERE counter = 'entries' AND cpu IS NULL GROUP BY node_id").all() as { node_id: number; v: number }[]) {
    out.set(r.node_id, r.v);
  }
  return out;
}

function processTotals(db: Database): Map<number, { processes: number; threads: number }> {
  const out = new Map<number, { processes: number; threads: number }>();
  if (!hasTable(db, 'processes')) return out;
  const threads = hasColumns(db, 'processes', ['threads']) ? 'SUM(COALESCE(threads, 1))' : 'COUNT(*)';
  for (const r of db.prepare(`SELECT node_id, COUNT(*) AS p, ${threads} AS t FROM processes GROUP BY node_id`).all() as { node_id: number; p: number; t: number }[]) {
    out.set(r.node_id, { processes: r.p, threads: r.t });
  }
  return out;
}

function filesystemsByNode(db: Database): Map<number, FilesystemUsage[]> {
  const out = new Map<number, FilesystemUsage[]>();
  if (!hasColumns(db, 'filesystems', ['device', 'fstype', 'size_kb', 'used_kb', 'available_kb', 'use_percent', 'mountpoint'])) return out;
  const rows = db
    .prepare('SELECT node_id, device, fstype, size_kb, used_kb, available_kb, use_percent, mountpoint FROM filesystems WHERE size_kb > 0 ORDER BY node_id, mountpoint')
    .all() as { node_id: number; device: string; fstype: string | null; size_kb: number; used_kb: number | null; available_kb: number | null; use_percent: number | null; mountpoint: string }[];
  for (const [nodeId, list] of byNode(rows)) {
    const seen = new Set<string>();
    const real: FilesystemUsage[] = [];
    for (const r of list) {
      if (PSEUDO_FS.has(r.fstype ?? '') || PSEUDO_FS.has(r.device)) continue;
      // the same device mounted twice (bind mounts, kubelet pod volumes) is one disk
      if (seen.has(r.device)) continue;
      seen.add(r.device);
      const used = r.used_kb ?? 0;
      const capacity = r.available_kb !== null ? used + r.available_kb : r.size_kb;
      const percent = r.use_percent ?? (capacity > 0 ? Math.ceil((used / capacity) * 100) : 0);
      real.push({ mountpoint: r.mountpoint, device: r.device, fstype: r.fstype, used, max: capacity, percent });
    }
    out.set(nodeId, real);
  }
  return out;
}

/** Everything per node, keyed by node_id; nodes without rows get empty lists. */
export function readNodeData(db: Database | null, nodes: readonly NodeRow[]): Map<number, NodeData> {
  const out = new Map<number, NodeData>();
  const fullRows = new Map<number, NodeRow>();
  if (db && hasTable(db, 'nodes')) for (const r of db.prepare('SELECT * FROM nodes').all() as NodeRow[]) fullRows.set(r.node_id, r);
  const collectedAt = new Map<number, string>();
  for (const n of nodes) {
    const row = fullRows.get(n.node_id) ?? n;
    if (typeof row.collected_at === 'string') collectedAt.set(n.node_id, row.collected_at);
  }
  const addresses = db ? addressesByNode(db) : new Map<number, string[]>();
  const problems = db ? sourceProblemsByNode(db) : new Map<number, SourceProblem[]>();
  const certs = db ? certsByNode(db, collectedAt) : new Map<number, CertView[]>();
  const sysctls = db
    ? sysctlInts(db, ['net.netfilter.nf_conntrack_count', 'net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max', 'kernel.pid_max', 'kernel.threads-max'])
    : new Map<number, Map<string, number>>();
  const ctEntries = db ? conntrackEntries(db) : new Map<number, number>();
  const procs = db ? processTotals(db) : new Map<number, { processes: number; threads: number }>();
  const filesystems = db ? filesystemsByNode(db) : new Map<number, FilesystemUsage[]>();

  for (const n of nodes) {
    const row = fullRows.get(n.node_id) ?? n;
    const sys = sysctls.get(n.node_id) ?? new Map<string, number>();
    const ctUsed = sys.get('net.netfilter.nf_conntrack_count') ?? ctEntries.get(n.node_id);
    const ctMax = sys.get('net.netfilter.nf_conntrack_max') ?? sys.get('net.nf_conntrack_max');
    const pidMax = sys.get('kernel.pid_max');
    const p = procs.get(n.node_id);
    out.set(n.node_id, {
      row,
      identity: identityOf(row),
      addresses: addresses.get(n.node_id) ?? [],
      sourceProblems: problems.get(n.node_id) ?? [],
      certs: certs.get(n.node_id) ?? [],
      conntrack: ctUsed !== undefined && ctMax ? { used: ctUsed, max: ctMax } : null,
      // every thread takes a PID: threads, not processes, are what run into pid_max
      pids: p && pidMax ? { used: p.threads, max: pidMax, threadsMax: sys.get('kernel.threads-max') ?? null, processes: p.processes } : null,
      filesystems: filesystems.get(n.node_id) ?? [],
    });
  }
  return out;
}
