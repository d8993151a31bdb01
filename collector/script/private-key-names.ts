/**
 * The sh collector's twin of isPrivateKeyPath (collector/redact/private-key-path.ts): file names
 * that are keys by convention are never read. The names are the redaction module's own list
 * (PRIVATE_KEY_NAME_ERES, base-name EREs matched case-insensitively); this turns them into a sed
 * program over whole paths, which busybox sed can run.
 */
import { PRIVATE_KEY_NAME_ERES } from '../redact/index.js';
import { foldCase } from '../redact/patterns.js';

/**
 * A base-name ERE as a whole-path ERE: the match must lie in the last path component (paths
 * always start with "/"). Works on the sh collector's encoded path lines too, since no key
 * pattern involves a backslash or a newline.
 */
export function pathEre(baseNameEre: string): string {
  let body = baseNameEre;
  const start = body.startsWith('^') ? '/' : '/[^/]*';
  if (body.startsWith('^')) body = body.slice(1);
  const end = body.endsWith('$') && !body.endsWith('\\$') ? '$' : '[^/]*$';
  if (end === '$') body = body.slice(0, -1);
  return `${start}${body}${end}`;
}

/**
 * A `sed -E` program over one path per line that prefixes "K " to private key paths and "- " to
 * the others. Case-insensitive as the RegExps are, by folding case into brackets the way the
 * redaction program does (busybox sed has no `I` flag on addresses).
 */
export function keyNameSedProgram(eres: readonly string[] = PRIVATE_KEY_NAME_ERES): string {
  const lines: string[] = ['# private key file names (never read); generated from collector/script/private-key-names.ts'];
  for (const ere of eres) {
    const re = foldCase(pathEre(ere));
    if (re.includes('#')) throw new Error(`key name pattern holds the sed delimiter: ${ere}`);
    lines.push(`\\#${re}#{`, 's/^/K /', 'b', '}');
  }
  lines.push('s/^/- /');
  return `${lines.join('\n')}\n`;
}
