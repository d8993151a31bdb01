import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { HEADER_NAME, MANIFEST_NAME } from '../../collector/registry/layout.js';
import type { ManifestItem, MemberRecord } from '../../collector/registry/manifest.js';
import type { SnapshotIdentity } from '../archive/snapshot-documents.js';
import type { Db } from '../db/database.js';
import { replacedNodeIds } from '../db/node-identity.js';
import { deleteNodes, type NodeRows } from '../db/node-rows.js';
import type { SchemaPlan } from '../db/schema-plan.js';
import { FACT } from '../parsers/types.js';
import type { NodeErrorLog } from './node-error-log.js';
import type { MemberSeen, NodeState } from './node-state.js';
import { sourceStatuses } from './source-status.js';

/** Not in FACT (no parser is required to provide it): the node clock's offset from a reference. */
const CLOCK_OFFSET_FACT = 'clock.offset_seconds';

interface Listed {
  item: ManifestItem;
  record: MemberRecord;
  role: 'output' | 'stderr';
}

function manifestIndex(items: readonly ManifestItem[]): Map<string, Listed> {
  const index = new Map<string, Listed>();
  for (const item of items) {
    if (item.output) index.set(item.output.member, { item, record: item.output, role: 'output' });
    if (item.stderr) index.set(item.stderr.member, { item, record: item.stderr, role: 'stderr' });
  }
  return index;
}

function itemColumns(item: ManifestItem | undefined, role: string) {
  return {
    item: item?.item ?? null,
    status: item?.status ?? null,
    reason: item?.reason ?? null,
    exit_code: item?.exitCode ?? null,
    truncated: item ? (item.truncated ? 1 : 0) : null,
    // file metadata belongs to the file, not to its stderr
    mtime: role === 'stderr' ? null : (item?.mtime ?? null),
    mode: role === 'stderr' ? null : (item?.mode ?? null),
  };
}

/** `files` rows for every member and every manifest item; integrity errors for what does not match. */
function writeFiles(state: NodeState, rows: NodeRows, errors: NodeErrorLog): void {
  const manifest = state.manifest;
  const index = manifest ? manifestIndex(manifest.items) : new Map<string, Listed>();
  for (const seen of state.members.values()) {
    const listed = index.get(seen.member);
    let integrity: string | null = null;
    if (manifest && seen.member !== MANIFEST_NAME) {
      if (!listed) {
        integrity = 'unlisted';
        errors.record('integrity', seen.member, 'member is not listed in manifest.json');
      } else if (seen.sha256 === null) {
        integrity = 'unreadable';
      } else if (seen.sha256 === listed.record.sha256) {
        integrity = 'ok';
      } else {
        integrity = 'mismatch';
        errors.record('integrity', seen.member, `sha256 ${seen.sha256} differs from the manifest's ${listed.record.sha256} (${seen.bytes} bytes read, ${listed.record.bytes} listed)`);
      }
    }
    rows.addRecord('files', {
      member: seen.member,
      source: seen.place.source || null,
      role: seen.place.role,
      path: listed?.item.path ?? seen.place.path ?? null,
      bytes: seen.bytes,
      sha256: seen.sha256,
      manifest_bytes: listed?.record.bytes ?? null,
      manifest_sha256: listed?.record.sha256 ?? null,
      integrity,
      parsed: seen.parsed,
      rows: seen.rows,
      ...itemColumns(listed?.item, listed?.role ?? seen.place.role),
    });
  }
  if (!manifest) return;
  for (const item of manifest.items) {
    const records = [item.output && { record: item.output, role: 'output' }, item.stderr && { record: item.stderr, role: 'stderr' }].filter(
      (r): r is { record: MemberRecord; role: string } => Boolean(r),
    );
    if (records.length === 0) {
      rows.addRecord('files', { member: null, source: item.source, role: 'item', path: item.path ?? null, ...itemColumns(item, 'item') });
      continue;
    }
    for (const { record, role } of records) {
      if (state.members.has(record.member)) continue;
      errors.record('integrity', record.member, 'listed in manifest.json but not in the archive');
      rows.addRecord('files', {
        member: record.member,
        source: item.source,
        role,
        path: item.path ?? null,
        manifest_bytes: record.bytes,
        manifest_sha256: record.sha256,
        integrity: 'missing',
        ...itemColumns(item, role),
      });
    }
  }
}

function writeRedactions(state: NodeState, rows: NodeRows): void {
  for (const r of state.manifest?.redactions ?? []) {
    rows.addRecord('redactions', { member: r.member, rule: r.rule, count: r.count, lines: r.lines.join(',') });
  }
}

/** A folder has no bytes of its own: its digest is that of its members, so re-analysis is idempotent too. */
function folderDigest(members: Iterable<MemberSeen>): string {
  const lines = [...members].map((m) => `${m.member}\u0000${m.sha256 ?? 'unreadable'}\n`).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}

/** Header fields win, the manifest's copy fills gaps (a snapshot.json that was lost or damaged). */
function mergedIdentity(state: NodeState): Partial<SnapshotIdentity> {
  const header = state.identity ?? ({} as Partial<SnapshotIdentity>);
  const manifest = state.manifest?.identity ?? ({} as Partial<SnapshotIdentity>);
  const out: Partial<SnapshotIdentity> = { ...manifest };
  for (const [key, value] of Object.entries(header) as [keyof SnapshotIdentity, unknown][]) {
    if (value !== null && value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

function finiteNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The node's name in errors and reports. */
export function nodeDisplayName(state: NodeState): string {
  return mergedIdentity(state).hostname ?? state.facts.get(FACT.hostname) ?? (basename(state.input.input) || state.input.input);
}

function writeNode(state: NodeState, rows: NodeRows, status: string, inputSha: string | null, analyzedAt: Date): void {
  const id = mergedIdentity(state);
  const facts = state.facts;
  const os = facts.get(FACT.osPrettyName) ?? ([facts.get(FACT.osId), facts.get(FACT.osVersionId)].filter(Boolean).join(' ') || null);
  rows.addRecord('nodes', {
    name: nodeDisplayName(state),
    input: state.input.input,
    input_kind: state.input.kind,
    input_sha256: inputSha,
    input_bytes: state.digest.bytes,
    status,
    hostname: id.hostname ?? facts.get(FACT.hostname) ?? null,
    machine_id: id.machineId ?? facts.get(FACT.machineId) ?? null,
    collected_at: id.collectedAt ?? null,
    finished_at: state.manifest?.finishedAt ?? null,
    utc_offset: id.utcOffset ?? facts.get(FACT.utcOffset) ?? null,
    timezone: id.timezone ?? facts.get(FACT.timezone) ?? null,
    clock_offset_seconds: finiteNumber(facts.get(CLOCK_OFFSET_FACT)),
    kernel: facts.get(FACT.kernelRelease) ?? null,
    os,
    docker_version: facts.get(FACT.dockerVersion) ?? null,
    containerd_version: facts.get(FACT.containerdVersion) ?? null,
    kubelet_version: facts.get(FACT.kubeletVersion) ?? null,
    kube_proxy_version: facts.get(FACT.kubeProxyVersion) ?? null,
    kube_proxy_mode: facts.get(FACT.kubeProxyMode) ?? null,
    label: id.label ?? null,
    case_id: id.caseId ?? null,
    collector: id.collector ?? null,
    collector_version: id.collectorVersion ?? null,
    format_version: id.formatVersion ?? null,
    root: id.root === undefined || id.root === null ? null : id.root ? 1 : 0,
    sysroot: id.sysroot ?? null,
    analyzed_at: analyzedAt.toISOString(),
  });
}

/**
 * After the members: verifies them against the manifest and writes files, source_status,
 * redactions and the nodes row, then removes the earlier copy of a re-analyzed input. Runs inside
 * the node's transaction.
 */
export function finishNode(
  db: Db,
  plan: SchemaPlan,
  registrySources: readonly string[],
  state: NodeState,
  rows: NodeRows,
  errors: NodeErrorLog,
  analyzedAt: Date,
): void {
  if (!state.unreadable) {
    if (!state.identity && !state.manifest?.identity && !state.members.has(HEADER_NAME)) {
      errors.record('archive', HEADER_NAME, 'snapshot.json is missing: node identity and collection time are unknown');
    }
    if (!state.members.has(MANIFEST_NAME)) {
      errors.record('archive', MANIFEST_NAME, 'manifest.json is missing (truncated snapshot?): members cannot be verified; what was read is kept');
    }
  }
  errors.nodeName = nodeDisplayName(state);
  writeFiles(state, rows, errors);
  for (const row of sourceStatuses(state, registrySources)) rows.addRecord('source_status', { ...row });
  writeRedactions(state, rows);

  const inputSha = state.input.kind === 'folder' && !state.unreadable ? folderDigest(state.members.values()) : state.digest.sha256;
  const status = state.unreadable ? 'unreadable' : errors.degraded ? 'partial' : 'ok';
  writeNode(state, rows, status, inputSha, analyzedAt);
  rows.flush();
  // errors met before the host name was known carry the input's base name
  db.prepare('UPDATE errors SET node = ? WHERE node_id = ?').run(errors.nodeName, state.nodeId);
  deleteNodes(db, plan, replacedNodeIds(db, { sha256: inputSha, input: state.input.input, unreadable: state.unreadable }, state.nodeId));
}
