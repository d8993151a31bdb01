/**
 * `conntrack -S`. Three layouts exist, all read here. conntrack-tools 1.4.3+ asks ctnetlink
 * and prints one line per CPU (verbatim, 1.4.7 on kernel 6.x):
 *
 *   cpu=0   	found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0
 *
 * on a 3.10 kernel the same tool prints the older counters:
 *
 *   cpu=0   	searched=1243 found=53447 new=2176 invalid=1 ignore=20354 delete=2174 delete_list=2174 insert=2176 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0
 *
 * and releases before that read /proc/net/stat/nf_conntrack, printing the first CPU's row only
 * as `%-10s\t\t%-8u` lines (entries, searched, found, ...), which become rows with cpu NULL.
 * An `entries=` on a cpu= line is the global table size, so it is stored once with cpu NULL.
 */
import type { ParseContext, Rows, TextParser } from '../types.js';
import { RowSink, excerpt, exactInteger, splitLines, words } from './common/text.js';

export function parseConntrackStats(text: string, ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = splitLines(text);
  let entriesSeen = false;
  for (const [index, line] of lines.entries()) {
    const lineNo = index + 1;
    const w = words(line);
    if (w.length === 0) continue;
    const head = w[0] as string;
    if (head.startsWith('cpu=')) {
      const cpu = exactInteger(head.slice(4));
      if (typeof cpu !== 'number') {
        sink.error(lineNo, `cpu number not understood: ${excerpt(line)}`);
        continue;
      }
      for (const pair of w.slice(1)) {
        const eq = pair.indexOf('=');
        const value = eq < 0 ? null : exactInteger(pair.slice(eq + 1));
        if (value === null) {
          sink.error(lineNo, `counter not understood: ${excerpt(pair)}`);
          continue;
        }
        const counter = pair.slice(0, eq);
        if (counter === 'entries') {
          if (!entriesSeen) sink.add('conntrack_stats', { source: ctx.source, cpu: null, counter, value });
          entriesSeen = true;
          continue;
        }
        sink.add('conntrack_stats', { source: ctx.source, cpu, counter, value });
      }
      continue;
    }
    // the oldest layout: "entries   \t\t29      "
    const value = exactInteger(w[1]);
    if (w.length === 2 && /^[a-z_]+$/.test(head) && value !== null) {
      sink.add('conntrack_stats', { source: ctx.source, cpu: null, counter: head, value });
      continue;
    }
    sink.error(lineNo, `line not understood: ${excerpt(line)}`);
  }
  if (sink.count('conntrack_stats') === 0 && lines.some((l) => l.trim() !== '')) throw new Error('not conntrack -S output');
  return sink.rows;
}

export const conntrackStatsParser: TextParser = { kind: 'text', parse: parseConntrackStats };
