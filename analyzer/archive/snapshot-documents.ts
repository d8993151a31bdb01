import { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION } from '../../collector/registry/layout.js';
import type { ItemStatus, ManifestItem, MemberRecord, RedactionRecord } from '../../collector/registry/manifest.js';

/**
 * snapshot.json and manifest.json are read defensively: they come from another machine, maybe
 * from an older or newer collector, maybe hand-edited. Every field is type-checked; what does not
 * fit is reported as a problem and left out, never trusted.
 */

/** What the analyzer takes from snapshot.json (repeated in manifest.json). */
export interface SnapshotIdentity {
  hostname: string | null;
  machineId: string | null;
  collectedAt: string | null;
  utcOffset: string | null;
  timezone: string | null;
  root: boolean | null;
  label: string | null;
  caseId: string | null;
  sysroot: string | null;
  collector: string | null;
  collectorVersion: string | null;
  formatVersion: number | null;
}

export interface ManifestData {
  identity: SnapshotIdentity;
  finishedAt: string | null;
  items: ManifestItem[];
  redactions: RedactionRecord[];
}

export interface Parsed<T> {
  value: T | null;
  problems: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

const STATUSES: ReadonlySet<string> = new Set<ItemStatus>(['ok', 'failed', 'timeout', 'skipped']);
const KINDS: ReadonlySet<string> = new Set(['header', 'command', 'shell', 'files', 'pcap', 'attachment']);

function parseJson(text: string, what: string, problems: string[]): Json | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    problems.push(`${what} is not valid JSON: ${(err as Error).message}`);
    return null;
  }
  if (!isObject(data)) {
    problems.push(`${what} is not a JSON object`);
    return null;
  }
  return data;
}

function identityOf(data: Json, what: string, problems: string[]): SnapshotIdentity {
  if (data.format !== SNAPSHOT_FORMAT) problems.push(`${what}: format is ${JSON.stringify(data.format)}, expected "${SNAPSHOT_FORMAT}"; reading it anyway`);
  const formatVersion = num(data.formatVersion);
  if (formatVersion !== null && formatVersion > SNAPSHOT_FORMAT_VERSION) {
    problems.push(`${what}: format version ${formatVersion} is newer than this analyzer's ${SNAPSHOT_FORMAT_VERSION}; reading it anyway`);
  }
  const clock = isObject(data.clock) ? data.clock : {};
  const collector = isObject(data.collector) ? data.collector : {};
  return {
    hostname: str(data.hostname),
    machineId: str(data.machineId),
    collectedAt: str(data.collectedAt),
    utcOffset: str(clock.utcOffset),
    timezone: str(clock.timezone),
    root: bool(data.root),
    label: str(data.label),
    caseId: str(data.caseId),
    sysroot: str(data.sysroot),
    collector: str(collector.implementation),
    collectorVersion: str(collector.version),
    formatVersion,
  };
}

export function readSnapshotHeader(text: string): Parsed<SnapshotIdentity> {
  const problems: string[] = [];
  const data = parseJson(text, 'snapshot.json', problems);
  return { value: data ? identityOf(data, 'snapshot.json', problems) : null, problems };
}

function memberRecordOf(v: unknown): MemberRecord | null | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return null;
  const member = str(v.member);
  const sha256 = str(v.sha256);
  const bytes = num(v.bytes);
  if (member === null || sha256 === null || bytes === null) return null;
  return { member, sha256: sha256.toLowerCase(), bytes };
}

function itemOf(v: unknown, index: number, problems: string[]): ManifestItem | null {
  const where = `manifest.json items[${index}]`;
  if (!isObject(v)) {
    problems.push(`${where} is not an object`);
    return null;
  }
  const source = str(v.source);
  const status = str(v.status);
  if (source === null || status === null || !STATUSES.has(status)) {
    problems.push(`${where} lacks a source or a valid status`);
    return null;
  }
  const output = memberRecordOf(v.output);
  const stderr = memberRecordOf(v.stderr);
  if (output === null || stderr === null) {
    problems.push(`${where} (${source}) has a malformed output/stderr record`);
    return null;
  }
  const kind = str(v.kind);
  const item: ManifestItem = {
    source,
    item: str(v.item) ?? '',
    kind: (kind !== null && KINDS.has(kind) ? kind : 'command') as ManifestItem['kind'],
    status: status as ItemStatus,
    durationMs: num(v.durationMs) ?? 0,
    truncated: v.truncated === true,
  };
  const path = str(v.path);
  if (path !== null) item.path = path;
  const reason = str(v.reason);
  if (reason !== null) item.reason = reason;
  const exitCode = num(v.exitCode);
  if (exitCode !== null) item.exitCode = exitCode;
  if (Array.isArray(v.argv) && v.argv.every((a) => typeof a === 'string')) item.argv = v.argv as string[];
  const mtime = str(v.mtime);
  if (mtime !== null) item.mtime = mtime;
  const mode = str(v.mode);
  if (mode !== null) item.mode = mode;
  const fileSize = num(v.fileSize);
  if (fileSize !== null) item.fileSize = fileSize;
  if (output) item.output = output;
  if (stderr) item.stderr = stderr;
  return item;
}

function redactionOf(v: unknown): RedactionRecord | null {
  if (!isObject(v)) return null;
  const member = str(v.member);
  const rule = str(v.rule);
  if (member === null || rule === null) return null;
  const lines = Array.isArray(v.lines) ? v.lines.filter((n): n is number => typeof n === 'number' && Number.isInteger(n)) : [];
  return { member, rule, count: num(v.count) ?? 0, lines };
}

export function readManifest(text: string): Parsed<ManifestData> {
  const problems: string[] = [];
  const data = parseJson(text, 'manifest.json', problems);
  if (!data) return { value: null, problems };
  const identity = identityOf(data, 'manifest.json', problems);
  if (!Array.isArray(data.items)) {
    problems.push('manifest.json has no items list: nothing can be verified');
  }
  const items: ManifestItem[] = [];
  (Array.isArray(data.items) ? data.items : []).forEach((v, i) => {
    const item = itemOf(v, i, problems);
    if (item) items.push(item);
  });
  const redactions: RedactionRecord[] = [];
  if (Array.isArray(data.redactions)) {
    data.redactions.forEach((v, i) => {
      const r = redactionOf(v);
      if (r) redactions.push(r);
      else problems.push(`manifest.json redactions[${i}] is malformed`);
    });
  }
  return { value: { identity, finishedAt: str(data.finishedAt), items, redactions }, problems };
}
