import { open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { attachmentMember } from '../registry/layout.js';
import { streamingMember } from './command-item.js';
import type { PendingItem, RunContext } from './context.js';
import { SIZE_CAP_REASON } from './context.js';
import { writeItem } from './member-writer.js';
import { PcapBoundaryTracker, sniffFileKind } from './pcap-cutter.js';
import { Spool } from './spool.js';

const READ_CHUNK = 256 * 1024;

/**
 * Copies each --attach file into attachments/NN-<name>. Its kind is sniffed from the first
 * bytes and recorded in the item's reason ("attachment kind: pcap"): captures and other binary
 * files are kept as they are, text is redacted like every other output. A pcap cut by the size
 * cap keeps whole records only.
 */
export async function collectAttachments(ctx: RunContext, files: readonly string[]): Promise<void> {
  for (let i = 0; i < files.length; i++) {
    const file = resolve(files[i] as string);
    const member = attachmentMember(i + 1, basename(file));
    const started = Date.now();
    const pending: PendingItem = {
      source: 'attachments',
      item: member.slice('attachments/'.length),
      kind: 'attachment',
      path: file,
      status: 'ok',
      durationMs: 0,
      truncated: false,
    };
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      await writeItem(ctx, { ...pending, status: 'failed', reason: err instanceof Error ? err.message : String(err) }, null, null);
      continue;
    }
    try {
      const info = await handle.stat();
      pending.mtime = info.mtime.toISOString();
      pending.mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
      pending.fileSize = info.size;
      const buffer = Buffer.allocUnsafe(READ_CHUNK);
      const first = await handle.read(buffer, 0, READ_CHUNK, null);
      const kind = sniffFileKind(buffer.subarray(0, Math.min(first.bytesRead, 8192)));
      pending.reason = `attachment kind: ${kind}`;
      const redacted = kind === 'text' ? streamingMember(member) : null;
      const raw = redacted ? null : new Spool();
      const tracker = kind === 'pcap' ? new PcapBoundaryTracker() : null;
      // Only what fits under the snapshot cap is read: a huge capture must not fill the temp folder.
      const room = ctx.archive.room;
      let total = 0;
      let more = false;
      let bytesRead = first.bytesRead;
      while (bytesRead > 0) {
        const chunk = Buffer.from(buffer.subarray(0, Math.min(bytesRead, room - total)));
        total += chunk.length;
        tracker?.push(chunk);
        if (redacted) redacted.push(chunk);
        else raw?.write(chunk);
        if (chunk.length < bytesRead) {
          more = true;
          break;
        }
        bytesRead = (await handle.read(buffer, 0, READ_CHUNK, null)).bytesRead;
      }
      const collected = redacted ? redacted.end() : { member, spool: raw as Spool, redactions: [] };
      if (more) {
        pending.truncated = true;
        pending.reason = `${pending.reason}; ${SIZE_CAP_REASON}`;
        if (total === 0) pending.status = 'skipped';
      }
      // A capture that does not fit whole keeps its complete records only.
      const length = tracker && more ? tracker.validLength : undefined;
      pending.durationMs = Date.now() - started;
      if (pending.status === 'skipped') {
        collected.spool.dispose();
        await writeItem(ctx, pending, null, null);
      } else {
        await writeItem(ctx, pending, { ...collected, ...(length !== undefined ? { length } : {}) }, null);
      }
    } catch (err) {
      await writeItem(ctx, { ...pending, status: 'failed', reason: err instanceof Error ? err.message : String(err) }, null, null);
    } finally {
      await handle.close();
    }
  }
}
