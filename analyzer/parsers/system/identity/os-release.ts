/**
 * /etc/os-release and /usr/lib/os-release (shell-style assignments), and /etc/redhat-release
 * (one line of text, the only identity file of CentOS 6):
 *
 *   PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
 *   NAME="Debian GNU/Linux"
 *   VERSION_ID="12"
 *   ID=debian
 *
 *   CentOS Linux release 7.9.2009 (Core)
 *
 * Every assignment goes to os_release. node_facts get the os.* keys from /etc/os-release only:
 * os-release(5) gives it precedence, /usr/lib/os-release is usually the same file behind a
 * symlink, and facts from both would put every key in node_facts twice.
 */
import { FACT, type TextParser } from '../../types.js';
import { SYSTEM_FACT } from '../common/fact-keys.js';
import { baseName, isBlank, nodePathOf, splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

const FACT_OF_KEY: Readonly<Record<string, string>> = {
  ID: FACT.osId,
  VERSION_ID: FACT.osVersionId,
  PRETTY_NAME: FACT.osPrettyName,
  NAME: SYSTEM_FACT.osName,
  VERSION: SYSTEM_FACT.osVersion,
};

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** The value of an os-release assignment: unquoted, with the shell escapes \" \\ \$ \` undone in double quotes. */
export function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  return v;
}

export const osReleaseParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const path = nodePathOf(ctx);
    const lines = splitLines(text);
    if (lines.every(isBlank)) {
      out.error('empty input');
      return out.rows();
    }
    if (baseName(path) === 'redhat-release') {
      const release = (lines.find((l) => !isBlank(l)) ?? '').trim();
      out.add('os_release', { path, key: 'RELEASE', value: release });
      out.fact(ctx.source, SYSTEM_FACT.redhatRelease, release);
      return out.rows();
    }
    const factsWanted = path === '/etc/os-release';
    lines.forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const m = ASSIGNMENT.exec(trimmed);
      if (!m) {
        out.error(`not a KEY=value line: ${trimmed.slice(0, 200)}`, i + 1);
        return;
      }
      const key = m[1] as string;
      const value = unquote(m[2] as string);
      out.add('os_release', { path, key, value });
      const fact = FACT_OF_KEY[key];
      if (factsWanted && fact) out.fact(ctx.source, fact, value);
    });
    if (out.count('os_release') === 0) throw new Error('no KEY=value line in os-release');
    return out.rows();
  },
};
