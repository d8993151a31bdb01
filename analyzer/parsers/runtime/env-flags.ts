/**
 * Flags held in variables of an env file (OPTIONS='--selinux-enabled -H tcp://0.0.0.0:2375',
 * KUBELET_KUBEADM_ARGS="--cgroup-driver=systemd ..."): the variables whose value starts with a dash.
 */
import { splitCommandLine, type ComponentName } from '../shared/component-flags.js';
import { addComponent } from './components.js';
import type { EnvAssignment } from './env-file.js';
import type { RowSink } from './rows.js';

export function flagWords(value: string): string[] {
  return value.trimStart().startsWith('-') ? splitCommandLine(value) : [];
}

/**
 * Adds one kube_components row for the file (args: the flag variables joined) and a
 * component_flags row per flag, when any variable holds flags.
 */
export function addEnvFileFlags(sink: RowSink, component: ComponentName, path: string, vars: readonly EnvAssignment[]): void {
  const words: string[] = [];
  const lines: string[] = [];
  for (const v of vars) {
    const w = flagWords(v.value);
    if (w.length === 0) continue;
    words.push(...w);
    lines.push(v.value.trim());
  }
  if (words.length > 0) addComponent(sink, component, 'env-file', path, lines.join(' '), words);
}
