import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileMember } from '../registry/layout.js';
import type { ManifestItem } from '../registry/manifest.js';
import type { FileItem } from '../registry/types.js';
import { DEFAULT_MAX_BYTES } from '../registry/types.js';
import { isPrivateKeyPath } from '../redact/index.js';
import { streamingMember } from './command-item.js';
import type { PendingItem, RunContext } from './context.js';
import { matchFiles } from './file-match.js';
import type { MatchedFile } from './file-match.js';
import { recordItem, writeItem } from './member-writer.js';

const READ_CHUNK = 64 * 1024;

/**
 * Collects one file item: every regular file its patterns and find specs match (sorted, at most
 * maxFiles), each read to EOF up to maxBytes (/proc and /sys report size 0), redacted, and
 * written with its mtime, mode and size. Private key files are recorded and never opened.
 * Returns the number of manifest items written (0 when nothing matched).
 */
export async function collectFileItem(ctx: RunContext, source: string, item: FileItem): Promise<number> {
  const root = item.root === 'host' ? ctx.host : ctx.kernel;
  const started = Date.now();
  const matched = await matchFiles(root, item);
  const base = { source, item: item.id, kind: 'files' as const, truncated: false };
  let recorded = 0;
  let taken = 0;
  const maxFiles = item.maxFiles ?? Number.POSITIVE_INFINITY;
  for (const file of matched) {
    const meta = metadata(file);
    if (isPrivateKeyPath(file.path)) {
      recordItem(ctx, { ...base, path: file.path, ...meta, status: 'skipped', reason: 'private key file', durationMs: 0 });
    } else if (taken >= maxFiles) {
      recordItem(ctx, { ...base, path: file.path, ...meta, status: 'skipped', reason: `more than maxFiles (${maxFiles}) files matched`, durationMs: 0 });
    } else {
      taken++;
      await collectOneFile(ctx, source, item, file, root.hostPath(file.canonical));
    }
    recorded++;
  }
  if (recorded === 0) ctx.progress(`${source}/${item.id}: nothing matched ${Date.now() - started}ms`);
  return recorded;
}

/** The one record a source gets when none of its file items found anything. */
export function recordNothingFound(ctx: RunContext, source: string, itemId: string): ManifestItem {
  return recordItem(ctx, { source, item: itemId, kind: 'files', status: 'skipped', reason: 'no matching files', durationMs: 0, truncated: false });
}

async function collectOneFile(ctx: RunContext, source: string, item: FileItem, file: MatchedFile, hostPath: string): Promise<void> {
  const started = Date.now();
  const maxBytes = item.maxBytes ?? DEFAULT_MAX_BYTES;
  const pending: PendingItem = { source, item: item.id, kind: 'files', path: file.path, ...metadata(file), status: 'ok', durationMs: 0, truncated: false };
  const out = streamingMember(fileMember(source, file.path));
  try {
    // O_NOFOLLOW: the path was resolved inside the root; a link swapped in since must not lead out.
    // O_NONBLOCK: a FIFO swapped in must not hang the collector.
    const handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      if (!(await handle.stat()).isFile()) throw new Error('not a regular file');
      const buffer = Buffer.allocUnsafe(READ_CHUNK);
      let total = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null);
        if (bytesRead === 0) break;
        const keep = Math.min(bytesRead, maxBytes - total);
        if (keep > 0) out.push(Buffer.from(buffer.subarray(0, keep)));
        total += keep;
        if (keep < bytesRead) {
          pending.truncated = true;
          pending.reason = 'output cap reached';
          break;
        }
      }
    } finally {
      await handle.close();
    }
  } catch (err) {
    pending.status = 'failed';
    pending.reason = err instanceof Error ? err.message : String(err);
  }
  const collected = out.end();
  pending.durationMs = Date.now() - started;
  if (pending.status === 'failed' && collected.spool.length === 0) {
    collected.spool.dispose();
    recordItem(ctx, pending);
    return;
  }
  await writeItem(ctx, pending, collected, null);
}

function metadata(file: MatchedFile): Pick<PendingItem, 'mtime' | 'mode' | 'fileSize'> {
  return {
    mtime: file.stat.mtime.toISOString(),
    mode: (file.stat.mode & 0o7777).toString(8).padStart(4, '0'),
    fileSize: file.stat.size,
  };
}
