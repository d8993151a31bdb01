/**
 * Shell-style variable files: /etc/sysconfig/docker, /etc/default/docker, kubeadm-flags.env,
 * /etc/sysconfig/kubelet, /run/flannel/subnet.env. Read the way systemd's EnvironmentFile= and
 * sh agree on: quotes are removed (no expansion), backslash-newline continues a line, `#` starts
 * a comment at the start of a line or after whitespace, and an unquoted value runs to the end of
 * its line (systemd keeps inner spaces).
 *
 *   # /etc/sysconfig/docker
 *   OPTIONS='--selinux-enabled --log-driver=journald -H tcp://0.0.0.0:2375'
 *   export DOCKER_CERT_PATH=/etc/docker
 *   KUBELET_KUBEADM_ARGS="--container-runtime=remote --pod-infra-container-image=k8s.gcr.io/pause:3.5"
 *   FLANNEL_MTU=1500  # host-gw keeps the default
 */
import { stripBom } from '../shared/text.js';

export interface EnvAssignment {
  key: string;
  value: string;
  /** 1-based line of the assignment. */
  line: number;
}

export interface EnvFile {
  vars: EnvAssignment[];
  errors: { line: number; message: string }[];
}

/** Words that start shell statements sourced files may hold around their assignments (RHEL's sysconfig/docker has an if block). */
const SHELL_STATEMENTS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', '[', '[[', 'test', 'source', '.', 'echo', 'set', 'unset', 'return', 'exit', ':']);

function isNameStart(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';
}

function isNameChar(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9');
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

export function parseEnvFile(text: string): EnvFile {
  const out: EnvFile = { vars: [], errors: [] };
  const src = stripBom(text);
  let i = 0;
  let line = 1;

  const skipToLineEnd = () => {
    while (i < src.length && src[i] !== '\n') i++;
  };

  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (isBlank(c) || c === ';') {
      i++;
      continue;
    }
    if (c === '#') {
      skipToLineEnd();
      continue;
    }
    const startLine = line;
    if (src.startsWith('export', i) && isBlank(src[i + 6])) {
      i += 6;
      while (isBlank(src[i])) i++;
    }
    const nameStart = i;
    while (i < src.length && isNameChar(src[i] as string)) i++;
    const key = src.slice(nameStart, i);
    if (key === '' || !isNameStart(key[0] as string) || src[i] !== '=') {
      const end = src.indexOf('\n', nameStart);
      const statement = src.slice(nameStart, end < 0 ? undefined : end).trim();
      // shell control lines are not assignments but not malformed either; sh and systemd skip past them
      const firstWord = statement.split(/[\s;]/)[0] ?? '';
      if (!SHELL_STATEMENTS.has(firstWord)) out.errors.push({ line: startLine, message: `not a variable assignment: ${statement.slice(0, 120)}` });
      i = nameStart;
      skipToLineEnd();
      continue;
    }
    i++;

    let value = '';
    // length of `value` that is protected from trailing-blank trimming (ends inside quotes)
    let kept = 0;
    let closed = true;
    while (i < src.length && src[i] !== '\n') {
      const ch = src[i] as string;
      if (ch === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) {
          closed = false;
          value += src.slice(i + 1);
          i = src.length;
          break;
        }
        const part = src.slice(i + 1, end);
        for (const p of part) if (p === '\n') line++;
        value += part;
        kept = value.length;
        i = end + 1;
      } else if (ch === '"') {
        i++;
        closed = false;
        while (i < src.length) {
          const q = src[i] as string;
          if (q === '"') {
            closed = true;
            i++;
            break;
          }
          if (q === '\\' && i + 1 < src.length) {
            const n = src[i + 1] as string;
            if (n === '\n') line++;
            if (n === '\n' || (n === '\r' && src[i + 2] === '\n')) {
              i += n === '\r' ? 3 : 2;
              if (n === '\r') line++;
              continue;
            }
            value += n === '"' || n === '\\' || n === '$' || n === '`' ? n : q + n;
            i += 2;
            continue;
          }
          if (q === '\n') line++;
          value += q;
          i++;
        }
        kept = value.length;
      } else if (ch === '\\' && i + 1 < src.length) {
        const n = src[i + 1] as string;
        if (n === '\n' || (n === '\r' && src[i + 2] === '\n')) {
          line++;
          i += n === '\r' ? 3 : 2;
          // a continued unquoted value: the break reads as one blank, like sh splitting words
          if (value.length > kept && !isBlank(value[value.length - 1])) value += ' ';
          continue;
        }
        value += n;
        kept = value.length;
        i += 2;
      } else if (isBlank(ch)) {
        let j = i;
        while (isBlank(src[j])) j++;
        if (src[j] === '#') {
          i = j;
          skipToLineEnd();
          break;
        }
        value += src.slice(i, j);
        i = j;
      } else {
        value += ch;
        i++;
      }
    }
    if (!closed) out.errors.push({ line: startLine, message: `unterminated quote in ${key}` });
    let end = value.length;
    while (end > kept && isBlank(value[end - 1])) end--;
    out.vars.push({ key, value: value.slice(0, end), line: startLine });
  }
  return out;
}

/** The variables as a map; a later assignment wins, as in sh. */
export function envMap(file: EnvFile): Map<string, string> {
  const m = new Map<string, string>();
  for (const v of file.vars) m.set(v.key, v.value);
  return m;
}
