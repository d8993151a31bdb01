/**
 * `ipvsadm -Ln --timeout`. Verbatim sample (every ipvsadm since 1.2x prints the same line):
 *
 *   Timeout (tcp tcpfin udp): 900 120 300
 */
import type { ParseContext, Rows, TextParser } from '../types.js';
import { RowSink, excerpt, exactInteger, splitLines } from './common/text.js';

const TIMEOUT_LINE = /^Timeout \(([^)]*)\):\s*(.*)$/;

export function parseIpvsadmTimeout(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = splitLines(text);
  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const m = TIMEOUT_LINE.exec(trimmed);
    if (!m) {
      sink.error(index + 1, `line not understood: ${excerpt(trimmed)}`);
      continue;
    }
    const names = (m[1] as string).trim().split(/\s+/);
    const values = (m[2] as string).trim().split(/\s+/).map((v) => exactInteger(v));
    const row: Record<string, number | bigint | null> = { tcp: null, tcpfin: null, udp: null };
    names.forEach((name, i) => {
      if (name in row) row[name] = values[i] ?? null;
    });
    if (values.length !== names.length) sink.error(index + 1, `timeout values do not match their names: ${excerpt(trimmed)}`);
    sink.add('ipvs_timeouts', { ...row, line: index + 1 });
  }
  if (sink.count('ipvs_timeouts') === 0 && lines.some((l) => l.trim() !== '')) throw new Error('not ipvsadm --timeout output');
  return sink.rows;
}

export const ipvsadmTimeoutParser: TextParser = { kind: 'text', parse: parseIpvsadmTimeout };
