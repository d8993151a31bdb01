/**
 * kube_components / component_flags rows (origin 'process') for the node components among the
 * processes, e.g. a ps args column of
 *
 *   /usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --node-ip=10.0.0.5
 *
 * ps prints argv joined by blanks, quoting lost, so the words are split on blanks.
 */
import { componentOf, KNOWN_COMPONENTS, parseFlags, type Flag } from '../../shared/component-flags.js';
import type { RowSink } from '../common/rows.js';

/** Program names worth splitting a command line for: the components and their wrappers. */
const CANDIDATES: ReadonlySet<string> = new Set<string>([...KNOWN_COMPONENTS, 'hyperkube', 'kube', 'docker']);

/** Flags that name a component's own config file, in order of preference (as the runtime parsers use). */
const CONFIG_FLAGS = ['config', 'config-file', 'kubeconfig', 'c'];

function configPathOf(flags: readonly Flag[]): string | null {
  for (const name of CONFIG_FLAGS) {
    const f = flags.find((x) => x.flag === name);
    if (f && f.value !== 'true') return f.value;
  }
  return null;
}

/** Adds the rows when `comm` names a component; cheap for every other process. */
export function addProcessComponent(out: RowSink, pid: number, comm: string, args: string): void {
  if (!CANDIDATES.has(comm)) return;
  const argv = args.trim().split(/\s+/);
  // the docker CLI is a component only as the old daemon (`docker daemon`, `docker -d`), not `docker run -d`
  if (comm === 'docker' && argv[1] !== 'daemon' && argv[1] !== '-d') return;
  const component = componentOf(argv);
  if (component === null) return;
  const flags = parseFlags(argv.slice(1));
  out.add('kube_components', { component, origin: 'process', pid, path: null, config_path: configPathOf(flags), args });
  for (const f of flags) out.add('component_flags', { component, origin: 'process', pid, path: null, flag: f.flag, value: f.value });
}
