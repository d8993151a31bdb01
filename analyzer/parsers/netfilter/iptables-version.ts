/**
 * `iptables -V`. Verbatim samples:
 *
 *   iptables v1.8.9 (nf_tables)
 *   iptables v1.8.7 (legacy)
 *   iptables v1.4.21
 *
 * Releases before 1.8 had only the legacy (x_tables) backend and print no marker.
 */
import { FACT, type ParseContext, type Rows, type TextParser } from '../types.js';
import { RowSink, excerpt, splitLines } from './common/text.js';

const VERSION_LINE = /^ip6?tables(?:-legacy|-nft)?\s+v(\d+(?:\.\d+)+)\s*(?:\(([^)]*)\))?/;

export function parseIptablesVersion(text: string, ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = splitLines(text).filter((l) => l.trim() !== '');
  if (lines.length === 0) return sink.rows;
  for (const [index, line] of lines.entries()) {
    const m = VERSION_LINE.exec(line.trim());
    if (!m) continue;
    const version = m[1] as string;
    sink.fact(ctx.source, FACT.iptablesVersion, version);
    const marker = m[2]?.trim();
    let backend: string | null = null;
    if (marker === 'nf_tables') backend = 'nft';
    else if (marker === 'legacy') backend = 'legacy';
    else if (marker === undefined && isBefore18(version)) backend = 'legacy';
    if (backend !== null) sink.fact(ctx.source, FACT.iptablesBackend, backend);
    else sink.error(index + 1, `no backend marker in: ${excerpt(line)}`);
    return sink.rows;
  }
  throw new Error(`not iptables -V output: ${excerpt(lines[0] as string)}`);
}

function isBefore18(version: string): boolean {
  const [major, minor] = version.split('.').map(Number) as [number, number | undefined];
  return major < 1 || (major === 1 && (minor ?? 0) < 8);
}

export const iptablesVersionParser: TextParser = { kind: 'text', parse: parseIptablesVersion };
