import type { ManifestItem, RedactionRecord } from '../registry/manifest.js';
import type { PendingItem, RunContext } from './context.js';
import { SIZE_CAP_REASON } from './context.js';
import type { Spool } from './spool.js';

/** One member's bytes as collected, before they go into the archive. */
export interface CollectedMember {
  member: string;
  spool: Spool;
  /** Bytes of the spool to keep (a pcap cut at a record boundary); default all. */
  length?: number;
  redactions: RedactionRecord[];
}

/**
 * Writes an item's output (and stderr) members and records the item: applies the snapshot size
 * cap (truncate at the room left, or skip when there is none) and keeps only the redaction
 * records of members actually written. Disposes of the spools.
 */
export async function writeItem(ctx: RunContext, pending: PendingItem, output: CollectedMember | null, stderr: CollectedMember | null): Promise<ManifestItem> {
  const item: ManifestItem = { ...pending };
  try {
    if (output) {
      const outcome = await ctx.archive.addSpool(output.member, output.spool, output.length);
      if (outcome.record) {
        item.output = outcome.record;
        ctx.redactions.push(...output.redactions);
      }
      if (outcome.cutByCap) {
        item.truncated = true;
        item.reason = item.reason ? `${item.reason}; ${SIZE_CAP_REASON}` : SIZE_CAP_REASON;
        if (!outcome.record) item.status = 'skipped';
      }
    }
    if (stderr && stderr.spool.length > 0) {
      const outcome = await ctx.archive.addSpool(stderr.member, stderr.spool, stderr.length);
      if (outcome.record) {
        item.stderr = outcome.record;
        ctx.redactions.push(...stderr.redactions);
      }
    }
  } finally {
    output?.spool.dispose();
    stderr?.spool.dispose();
  }
  ctx.items.push(item);
  ctx.progress(progressLine(item));
  return item;
}

/** Records an item whose members, if any, are already written (or that wrote nothing: skipped, nothing found). */
export function recordItem(ctx: RunContext, done: ManifestItem): ManifestItem {
  const item: ManifestItem = { ...done };
  ctx.items.push(item);
  ctx.progress(progressLine(item));
  return item;
}

function progressLine(item: ManifestItem): string {
  const what = item.path ? `${item.source} ${item.path}` : `${item.source}/${item.item}`;
  const why = item.reason ? ` (${item.reason})` : '';
  return `${what}: ${item.status}${item.truncated ? ' truncated' : ''}${why} ${item.durationMs}ms`;
}
