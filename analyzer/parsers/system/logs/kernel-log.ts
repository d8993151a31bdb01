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
import { logMemberRows } from './log-member.js';
import { OomTracker } from './oom.js';
import { readKernel } from './transport.js';

export const kernelLogParser: TextParser = {
  kind: 'text',
  parse: (text, ctx) =>
    logMemberRows(text, ctx, {
      origin: 'kernel',
      reader: readKernel,
      payloadZone: null,
      watch: (out) => {
        const oom = new OomTracker(out);
        return (row, transport) => oom.see(transport.text, row);
      },
    }),
};
