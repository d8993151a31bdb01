/**
 * systemd unit files and drop-ins of the runtime and Kubernetes services.
 *
 *   # /etc/systemd/system/kubelet.service.d/10-kubeadm.conf
 *   [Service]
 *   Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
 *   Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
 *   EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
 *   ExecStart=
 *   ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS \
 *             $KUBELET_EXTRA_ARGS
 *
 * Every setting is a systemd_units row. The last ExecStart of a file that starts a known component
 * becomes a kube_components row (origin 'unit') with its flags, after expanding the variables the
 * same file sets with Environment=; variables from EnvironmentFile= are read from those files
 * by their own sources, so an unresolved $VAR is left out here.
 */
import { componentOf, splitCommandLine } from '../shared/component-flags.js';
import type { TextParser } from '../types.js';
import { addComponent, joinArgv, unwrapShell } from './components.js';
import { baseName, nodePathOf, RowSink, splitLines } from './rows.js';

interface Setting {
  section: string;
  key: string;
  value: string;
  line: number;
}

/** Settings of a unit file, continuation lines joined the way systemd does (backslash-newline becomes a space). */
export function readUnitFile(text: string, sink: RowSink): Setting[] {
  const out: Setting[] = [];
  let section = '';
  let pending: { key: string; value: string; line: number } | null = null;
  const all = splitLines(text);
  for (let i = 0; i < all.length; i++) {
    const raw = all[i] as string;
    const line = raw.trim();
    if (pending) {
      // comment lines inside a continuation are skipped, as systemd does
      if (line.startsWith('#') || line.startsWith(';')) continue;
      if (line.endsWith('\\')) {
        pending.value += ' ' + line.slice(0, -1).trim();
        continue;
      }
      pending.value += ' ' + line;
      out.push({ section, ...pending, value: pending.value.trim() });
      pending = null;
      continue;
    }
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) sink.error(`malformed section header: ${line.slice(0, 120)}`, i + 1);
      section = line.replace(/^\[|\]$/g, '');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      sink.error(`not a key=value line: ${line.slice(0, 120)}`, i + 1);
      continue;
    }
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (value.endsWith('\\')) pending = { key, value: value.slice(0, -1).trim(), line: i + 1 };
    else out.push({ section, key, value, line: i + 1 });
  }
  if (pending) out.push({ section, ...pending, value: pending.value.trim() });
  return out;
}

/** Variables of Environment= settings: each word is NAME=value, quotes removed. */
function environmentOf(settings: readonly Setting[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const s of settings) {
    if (s.key !== 'Environment') continue;
    for (const word of splitCommandLine(s.value)) {
      const eq = word.indexOf('=');
      if (eq > 0) env.set(word.slice(0, eq), word.slice(eq + 1));
    }
  }
  return env;
}

/**
 * ExecStart words with `$VAR` (split into words) and `${VAR}` (kept as one word) expanded the
 * way systemd does; unknown variables expand to nothing.
 */
export function expandExecStart(value: string, env: ReadonlyMap<string, string>): string[] {
  const argv: string[] = [];
  for (const word of splitCommandLine(value)) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (whole) {
      argv.push(...splitCommandLine(env.get(whole[1] as string) ?? ''));
      continue;
    }
    const expanded = word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => env.get(name) ?? '');
    if (expanded !== '' || word === '') argv.push(expanded);
  }
  // executable prefixes: - (ignore failure), @ (argv0 given), : + ! !! (privilege handling)
  if (argv.length > 0) argv[0] = (argv[0] as string).replace(/^[-@:+!]+/, '');
  return argv;
}

/** The unit a file configures: the file's name, or for a drop-in the name of its `.d` directory minus `.d`. */
export function unitOf(path: string): { unit: string; dropin: boolean } {
  const parts = path.split('/');
  const dir = parts[parts.length - 2] ?? '';
  if (dir.endsWith('.d')) return { unit: dir.slice(0, -2), dropin: true };
  return { unit: baseName(path), dropin: false };
}

export const systemdUnitsParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const path = nodePathOf(ctx);
    const { unit, dropin } = unitOf(path);
    const settings = readUnitFile(text, sink);
    let execStart: string | null = null;
    for (const s of settings) {
      sink.add('systemd_units', { path, unit, dropin: dropin ? 1 : 0, section: s.section, key: s.key, value: s.value, line: s.line });
      // an empty ExecStart= resets the list (drop-ins use it to replace the command)
      if (s.section === 'Service' && s.key === 'ExecStart') execStart = s.value === '' ? null : s.value;
    }
    if (execStart !== null) {
      const argv = unwrapShell(expandExecStart(execStart, environmentOf(settings)));
      const component = componentOf(argv);
      if (component) addComponent(sink, component, 'unit', path, joinArgv(argv), argv.slice(1));
    }
    return sink.rows();
  },
};
