import type { ItemStatus, ManifestItem } from '../../collector/registry/manifest.js';
import { SNAPSHOT_SOURCE } from '../archive/snapshot-layout.js';
import type { NodeState } from './node-state.js';

export type SourceState = 'ok' | 'failed' | 'timeout' | 'skipped' | 'missing' | 'parse_error';

export interface SourceStatusRow {
  source: string;
  status: SourceState;
  reason: string | null;
  items: number;
  members: number;
  parsed_members: number;
  bytes: number;
  truncated: number;
}

interface Tally {
  items: ManifestItem[];
  members: number;
  dataMembers: number;
  parsedOk: number;
  parseFailed: number;
  firstFailure: string | null;
  bytes: number;
  listedOutputs: number;
  presentListedOutputs: number;
}

const newTally = (): Tally => ({
  items: [],
  members: 0,
  dataMembers: 0,
  parsedOk: 0,
  parseFailed: 0,
  firstFailure: null,
  bytes: 0,
  listedOutputs: 0,
  presentListedOutputs: 0,
});

/** The items' combined status: a source is usable as soon as one of its items produced output. */
function combine(items: readonly ManifestItem[]): { status: ItemStatus; reason: string | null } {
  const byStatus = (s: ItemStatus) => items.filter((i) => i.status === s);
  const firstReason = (list: ManifestItem[]) => list.find((i) => i.reason)?.reason ?? null;
  const ok = byStatus('ok');
  const notOk = items.filter((i) => i.status !== 'ok');
  if (ok.length > 0) {
    if (notOk.length === 0) return { status: 'ok', reason: null };
    const what = [...new Set(notOk.map((i) => i.status))].join('/');
    const why = firstReason(notOk);
    return { status: 'ok', reason: `${notOk.length} of ${items.length} items ${what}${why ? `: ${why}` : ''}` };
  }
  for (const status of ['timeout', 'failed', 'skipped'] as const) {
    const list = byStatus(status);
    if (list.length > 0) return { status, reason: firstReason(list) };
  }
  return { status: 'skipped', reason: null };
}

/**
 * One status per source, for every registry source and any other source the snapshot mentions:
 * the rule engine reports a rule as skipped (with this reason) when its source is not 'ok'.
 * 'ok' needs output that was actually read; a parser failing on every member is 'parse_error'.
 */
export function sourceStatuses(state: NodeState, registrySources: readonly string[]): SourceStatusRow[] {
  const tallies = new Map<string, Tally>();
  const tally = (source: string) => {
    let t = tallies.get(source);
    if (!t) tallies.set(source, (t = newTally()));
    return t;
  };
  for (const source of registrySources) tally(source);
  for (const item of state.manifest?.items ?? []) {
    const t = tally(item.source);
    t.items.push(item);
    if (item.output) {
      t.listedOutputs++;
      if (state.members.has(item.output.member)) t.presentListedOutputs++;
    }
  }
  for (const seen of state.members.values()) {
    if (!seen.place.source) continue;
    const t = tally(seen.place.source);
    t.members++;
    t.bytes += seen.bytes;
    if (seen.place.role !== 'output' && seen.place.role !== 'file') continue;
    t.dataMembers++;
    if (seen.parsed === 1) t.parsedOk++;
    if (seen.parsed === 0) {
      t.parseFailed++;
      t.firstFailure ??= seen.failure;
    }
  }
  tallies.delete(SNAPSHOT_SOURCE);

  const rows: SourceStatusRow[] = [];
  for (const [source, t] of tallies) {
    let status: SourceState;
    let reason: string | null;
    if (!state.manifest) {
      status = t.members > 0 ? 'ok' : 'missing';
      reason = state.unreadable ? 'the input could not be read' : t.members > 0 ? 'manifest.json missing: status inferred from the members read' : 'not in the snapshot (manifest.json missing)';
    } else if (t.items.length === 0) {
      status = t.members > 0 ? 'ok' : 'missing';
      reason = t.members > 0 ? 'members present but not listed in manifest.json' : 'not collected (not in manifest.json)';
    } else {
      ({ status, reason } = combine(t.items));
      if (status !== 'skipped' && t.listedOutputs > 0 && t.presentListedOutputs === 0) {
        status = 'missing';
        reason = 'listed in manifest.json but its output is not in the archive';
      }
    }
    if (t.dataMembers > 0 && t.parsedOk === 0 && t.parseFailed > 0) {
      status = 'parse_error';
      reason = t.firstFailure;
    } else if (t.parseFailed > 0 && status === 'ok') {
      reason = [reason, `${t.parseFailed} of ${t.dataMembers} members failed to parse: ${t.firstFailure}`].filter(Boolean).join('; ');
    }
    rows.push({
      source,
      status,
      reason,
      items: t.items.length,
      members: t.members,
      parsed_members: t.parsedOk,
      bytes: t.bytes,
      truncated: t.items.filter((i) => i.truncated).length,
    });
  }
  return rows;
}
