/**
 * Rows of the shared kube_components / component_flags tables for a command line found in a
 * file (a static pod's command, a unit's ExecStart, a flags variable of an env file), e.g.
 *
 *   /usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --v 2
 */
import { parseFlags, splitCommandLine, type ComponentName, type Flag } from '../shared/component-flags.js';
import type { RowSink } from './rows.js';

export type FileOrigin = 'manifest' | 'unit' | 'env-file';

/** Flags that name a component's own config file, in order of preference. */
const CONFIG_FLAGS = ['config', 'config-file', 'kubeconfig', 'c'];

export function configPathOf(flags: readonly Flag[]): string | null {
  for (const name of CONFIG_FLAGS) {
    const f = flags.find((x) => x.flag === name);
    if (f && f.value !== 'true') return f.value;
  }
  return null;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);

/**
 * The command a `sh -c "..."` wrapper runs, with leading VAR=value assignments dropped
 * (RHEL's etcd.service: /bin/bash -c "GOMAXPROCS=$(nproc) /usr/bin/etcd --name=..."); other argv unchanged.
 */
export function unwrapShell(argv: readonly string[]): string[] {
  const shell = (argv[0] ?? '').split('/').pop() ?? '';
  if (!SHELLS.has(shell) || argv[1] !== '-c' || argv[2] === undefined) return [...argv];
  const inner = splitCommandLine(argv[2]);
  while (inner.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(inner[0] as string)) inner.shift();
  if ((inner[0] ?? '') === 'exec') inner.shift();
  return inner;
}

/** The argv as one line, words with blanks or quotes single-quoted so it reads back unambiguously. */
export function joinArgv(argv: readonly string[]): string {
  return argv.map((w) => (w === '' || /[\s'"\\]/.test(w) ? `'${w.replace(/'/g, "'\\''")}'` : w)).join(' ');
}

/**
 * Adds one kube_components row and its component_flags rows. `args` are the words after the
 * program name (or all flag words, for an env file that holds flags only).
 */
export function addComponent(sink: RowSink, component: ComponentName, origin: FileOrigin, path: string, commandLine: string, args: readonly string[]): void {
  const flags = parseFlags(args);
  sink.add('kube_components', { component, origin, pid: null, path, config_path: configPathOf(flags), args: commandLine });
  for (const f of flags) sink.add('component_flags', { component, origin, pid: null, path, flag: f.flag, value: f.value });
}
