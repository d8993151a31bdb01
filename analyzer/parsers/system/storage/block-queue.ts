/**
 * /sys/block/<dev>/queue/scheduler and .../rotational, each file its own member
 * (block-queue/sys/block/sda/queue/scheduler); the active scheduler is the one in brackets:
 *
 *   none [mq-deadline] kyber bfq
 *   noop deadline [cfq]
 *   1
 *
 * A member fills half a block_queue row: scheduler and available from the scheduler file,
 * rotational from the rotational file (see the table's description for the query).
 */
import type { TextParser } from '../../types.js';
import { nodePathOf } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

const QUEUE_FILE = /\/block\/([^/]+)\/queue\/(scheduler|rotational)$/;

export const blockQueueParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const path = nodePathOf(ctx);
    const m = QUEUE_FILE.exec(path);
    if (!m) throw new Error(`not a /sys/block/<dev>/queue/{scheduler,rotational} path: ${path}`);
    const device = m[1] as string;
    const content = text.replace(/\r/g, '').trim();
    if (content === '') {
      out.error(`empty ${m[2]} file of ${device}`);
      return out.rows();
    }
    if (m[2] === 'rotational') {
      if (content !== '0' && content !== '1') {
        out.error(`rotational is neither 0 nor 1: ${content.slice(0, 50)}`, 1);
        return out.rows();
      }
      out.add('block_queue', { device, scheduler: null, available: null, rotational: Number(content) });
      return out.rows();
    }
    const names = content.split(/\s+/);
    const active = names.find((n) => n.startsWith('[') && n.endsWith(']'));
    const available = names.map((n) => n.replace(/^\[|\]$/g, ''));
    // a queue with a single choice may print it without brackets
    const scheduler = active !== undefined ? active.slice(1, -1) : available.length === 1 ? (available[0] as string) : null;
    if (scheduler === null) out.error(`no active scheduler marked in: ${content.slice(0, 200)}`, 1);
    out.add('block_queue', { device, scheduler, available: available.join(' '), rotational: null });
    return out.rows();
  },
};
