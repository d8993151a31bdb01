/**
 * One flag of a node component as it is in effect: the running process's command line wins over
 * the static pod manifest, the systemd unit and the env file it came from (a manifest edited
 * after the process started is not what runs).
 */
import type { Database } from 'better-sqlite3';

export interface EffectiveFlag {
  node_id: number;
  component: string;
  flag: string;
  value: string;
  origin: string;
  /** File the flag came from (manifest, unit, env file), null for a process. */
  path: string | null;
  pid: number | null;
}

const ORIGIN_RANK: Record<string, number> = { process: 0, manifest: 1, unit: 2, 'env-file': 3 };

/** Per node, the effective value of `--flag` of `component` (first of process, manifest, unit, env-file). */
export function effectiveFlag(db: Database, component: string, flag: string): Map<number, EffectiveFlag> {
  const rows = db
    .prepare('SELECT node_id, component, flag, value, origin, path, pid FROM component_flags WHERE component = ? AND flag = ? AND value IS NOT NULL')
    .all(component, flag) as EffectiveFlag[];
  const out = new Map<number, EffectiveFlag>();
  for (const r of rows) {
    const seen = out.get(r.node_id);
    if (!seen || (ORIGIN_RANK[r.origin] ?? 9) < (ORIGIN_RANK[seen.origin] ?? 9)) out.set(r.node_id, r);
  }
  return out;
}

/** How a flag is quoted in evidence: `kube-apiserver --tls-cert-file=/etc/kubernetes/pki/apiserver.crt (process 20074)`. */
export function flagText(f: EffectiveFlag): string {
  const where = f.origin === 'process' ? `process ${f.pid ?? '?'}` : `${f.origin}${f.path ? ` ${f.path}` : ''}`;
  return `${f.component} --${f.flag}=${f.value} (${where})`;
}
