/**
 * /proc/net/stat/nf_conntrack: a header of field names, then one row of 8-digit hex values per
 * possible CPU, in CPU order. Verbatim (kernel 6.18; 3.10 has "searched" where this has
 * "clashres", and "delete_list" where this has "chainlength"):
 *
 *   entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
 *   0000000c  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
 *   0000000c  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000002  00000000 00000000 00000000 00000000
 *
 * `entries` is the global table size repeated on every row: it is stored once, with cpu NULL.
 * Columns the kernel fills with a constant 0 (new, ignore, delete... on new kernels) are kept:
 * they are what the file says.
 */
import type { ParseContext, Rows, TextParser } from '../types.js';
import { RowSink, excerpt, splitLines, words } from './common/text.js';

/** The kernel prints every value as %08x, so a shorter one is a value cut by truncation. */
const HEX = /^[0-9a-fA-F]{8,16}$/;

export function parseProcConntrackStat(text: string, ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = splitLines(text).map((line, i) => ({ line, lineNo: i + 1 })).filter((l) => l.line.trim() !== '');
  if (lines.length === 0) return sink.rows;
  const header = words((lines[0] as { line: string }).line);
  if (header.length === 0 || !header.every((h) => /^[a-z_]+$/.test(h))) {
    throw new Error(`not /proc/net/stat/nf_conntrack: header is ${excerpt((lines[0] as { line: string }).line)}`);
  }
  let cpu = 0;
  for (const { line, lineNo } of lines.slice(1)) {
    const values = words(line);
    if (values.length !== header.length || !values.every((v) => HEX.test(v))) {
      // a truncated last row still names its CPU's first counters: keep what is whole
      sink.error(lineNo, `row has ${values.length} of ${header.length} hex values: ${excerpt(line)}`);
    }
    const count = Math.min(values.length, header.length);
    for (let i = 0; i < count; i++) {
      const value = values[i] as string;
      if (!HEX.test(value)) break;
      const counter = header[i] as string;
      const parsed = Number.parseInt(value, 16);
      if (counter === 'entries') {
        if (cpu === 0) sink.add('conntrack_stats', { source: ctx.source, cpu: null, counter, value: parsed });
        continue;
      }
      sink.add('conntrack_stats', { source: ctx.source, cpu, counter, value: parsed });
    }
    cpu++;
  }
  return sink.rows;
}

export const procConntrackStatParser: TextParser = { kind: 'text', parse: parseProcConntrackStat };
