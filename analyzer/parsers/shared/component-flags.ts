/**
 * Flags of node components, as found on a command line (`ps` args, a static pod's `command:`,
 * a unit's ExecStart, a KUBELET_ARGS=... env file). Shared by every parser that sees them.
 *
 *   /usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --v 2 --fail-swap-on=false --rotate-certificates
 */

export const KNOWN_COMPONENTS = [
  'kubelet',
  'kube-proxy',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
  'flanneld',
  'dockerd',
  'containerd',
] as const;
export type ComponentName = (typeof KNOWN_COMPONENTS)[number];

/** The component an executable is (by base name; `hyperkube kubelet` style included), or null. */
export function componentOf(argv: readonly string[]): ComponentName | null {
  const base = (argv[0] ?? '').split('/').pop() ?? '';
  const name = base === 'hyperkube' || base === 'kube' ? (argv[1] ?? '') : base;
  // docker's daemon was once `docker daemon` or `docker -d` (Docker < 1.8); `docker run -d` is a client
  if (base === 'docker' && (argv[1] === 'daemon' || argv[1] === '-d')) return 'dockerd';
  // RHEL/CentOS's docker 1.13 package names its daemon dockerd-current
  if (base === 'dockerd-current') return 'dockerd';
  return (KNOWN_COMPONENTS as readonly string[]).includes(name) ? (name as ComponentName) : null;
}

export interface Flag {
  flag: string;
  value: string;
}

/**
 * Normalises `--a=b`, `--a b`, `-a b` and bare `--a` into {flag, value}; a bare flag (followed by
 * another flag or the end) gets 'true'. Positional words that follow a valued flag are its value.
 */
export function parseFlags(args: readonly string[]): Flag[] {
  const flags: Flag[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    if (!word.startsWith('-') || word === '-' || word === '--') continue;
    const body = word.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      flags.push({ flag: body.slice(0, eq), value: body.slice(eq + 1) });
      continue;
    }
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('-')) {
      flags.push({ flag: body, value: next });
      i++;
    } else {
      flags.push({ flag: body, value: 'true' });
    }
  }
  return flags;
}

/**
 * Splits a command line the way sh would for the common cases (single and double quotes,
 * backslash escapes, line continuations); no expansion is done.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      const n = line[++i] as string;
      if (n !== '\n') {
        word += n;
        inWord = true;
      }
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
