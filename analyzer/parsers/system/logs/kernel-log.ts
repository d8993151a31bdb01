/**
 * The kernel ring buffer: `dmesg --time-format iso`, or plain `dmesg`, or `journalctl -k -o short-iso`:
 *
 *   2026-11-21T23:49:01,123456+00:00 nf_conntrack: nf_conntrack: table full, dropping packet
 *   [3456789.000123] Memory cgroup out of memory: Killed process 24507 (java) total-vm:5432100kB, anon-rss:2097152kB, ...
 *   2026-11-21T23:49:01+0800 node-1 kernel: nf_conntrack: table full, dropping packet
 *
 * Plain dmesg has seconds since boot only (since_boot_seconds; timestamp stays NULL: boot time
 * is collectedAt minus the uptime fact). OOM kills are also listed in oom_kills.
 */
import type { TextParser } from '../../types.js';
import { collectedAtMs, offsetMinutes } from '../common/clock.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { emitSection } from './emit.js';
import { OomTracker } from './oom.js';
import { boundSection, MAX_LINES_PER_ORIGIN } from './sections.js';
import { readKernel } from './transport.js';

export const kernelLogParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const lines = splitLines(text);
    const time = { collected: collectedAtMs(ctx.collectedAt), offset: offsetMinutes(ctx.utcOffset) };
    const oom = new OomTracker(out);
    const section = boundSection({ origin: 'kernel', first: 0, end: lines.length }, MAX_LINES_PER_ORIGIN, out);
    emitSection(out, lines, section, {
      source: ctx.source,
      reader: readKernel,
      time,
      payloadOffset: null,
      onRow: (row, transport) => oom.see(transport.text, row),
    });
    return out.rows();
  },
};
