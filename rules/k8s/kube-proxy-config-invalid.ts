/**
 * k8s/kube-proxy-config-invalid: kube-proxy's configuration does not parse, holds a field
 * KubeProxyConfiguration does not have (kube_config_unknown_fields: a typo such as
 * `masqueradeAl`, incident 003 §5.1), or kube-proxy's own log says so:
 *   E1120 08:07:03.000000   30687 server.go:482] failed complete: failed to decode: strict decoding error: unknown field "iptables.masqueradeAl"
 *   W1120 08:07:03.000000   30687 server.go:490] ... ReadObject: found unknown field: masqueradeAl, error found in #10 byte of ...
 * Recent kube-proxy versions exit on it (no Service rules at all on the node); older ones drop
 * the field silently (the setting the operator meant is not applied). One finding per file;
 * log lines alone (the file was not collected) give one per log.
 */
import type { Database } from 'better-sqlite3';
import { collectionTimes } from '../../analyzer/rules/lib/certs.js';
import { byOrigin, componentLogLines, lastTime, quoteLine, recentLines, restartedSince, type LogLine } from '../../analyzer/rules/lib/component-logs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'k8s/kube-proxy-config-invalid',
  title: 'kube-proxy configuration is invalid or has unknown fields',
  severity: 'high',
  category: 'k8s',
  description:
    'kube-proxy decodes its configuration file (KubeProxyConfiguration, kubeproxy.config.k8s.io/v1alpha1) strictly: a YAML error or ' +
    'a misspelt field ("strict decoding error: unknown field \\"iptables.masqueradeAl\\"") makes it exit at start, so the node gets no ' +
    'Service rules at all — ClusterIPs including the kubernetes VIP 10.96.0.1 time out, and flannel or CoreDNS on that node fail next ' +
    '(incident 003). Older kube-proxy versions only log "found unknown field" and ignore the setting, which then silently does not apply. ' +
    'The rule reads the collected kube-proxy configuration files (also inside the kube-proxy ConfigMap) and kube-proxy\'s recent logs.',
  remediation:
    'Fix the field name (the finding suggests the closest known one) or the YAML syntax, then restart kube-proxy:\n' +
    '  systemctl restart kube-proxy                                   # binary install\n' +
    '  kubectl -n kube-system edit configmap kube-proxy && kubectl -n kube-system rollout restart daemonset kube-proxy   # kubeadm\n' +
    'Check that it stays up and programs rules: journalctl -u kube-proxy -n 50; iptables-save -t nat | grep -c KUBE-SVC',
  references: [
    'https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/',
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/',
  ],
  sources: ['kube-configs|log-kube-proxy|log-kubernetes-files|log-containers'],
  parameters: {
    window_hours: { default: 24, description: 'only kube-proxy log lines from this many hours before collection count' },
  },
} satisfies Omit<RuleMeta, 'file'>;

interface Problem {
  node_id: number;
  path: string;
  what: string[];
  unknown: string[];
  evidence: string[];
}

/** Files kube-proxy reads: its --config on this node (any origin). */
function configFlags(db: Database): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of db.prepare(`SELECT DISTINCT node_id, value FROM component_flags WHERE component = 'kube-proxy' AND flag = 'config' AND value IS NOT NULL`).all() as {
    node_id: number;
    value: string;
  }[]) {
    out.set(r.node_id, [...(out.get(r.node_id) ?? []), r.value]);
  }
  return out;
}

function fileProblems(db: Database, nodeIds: ReadonlySet<number>, configs: Map<number, string[]>): Map<string, Problem> {
  const problems = new Map<string, Problem>();
  const at = (node: number, path: string) => {
    const key = `${node} ${path}`;
    let p = problems.get(key);
    if (!p) problems.set(key, (p = { node_id: node, path, what: [], unknown: [], evidence: [] }));
    return p;
  };
  const invalid = db
    .prepare(
      `SELECT node_id, path, doc_index, config_map, error FROM kube_config_files
        WHERE valid = 0 AND (kind = 'KubeProxyConfiguration' OR component = 'kube-proxy' OR path LIKE '%kube-proxy%' OR config_map LIKE 'kube-proxy/%')`,
    )
    .all() as { node_id: number; path: string; doc_index: number; config_map: string | null; error: string | null }[];
  const flagged = db.prepare(`SELECT node_id, path, doc_index, config_map, error FROM kube_config_files WHERE valid = 0 AND node_id = ? AND path = ?`);
  for (const [node, paths] of configs) for (const path of paths) invalid.push(...(flagged.all(node, path) as typeof invalid));
  const seen = new Set<string>();
  for (const f of invalid) {
    const key = `${f.node_id} ${f.path} ${f.doc_index}`;
    if (!nodeIds.has(f.node_id) || seen.has(key)) continue;
    seen.add(key);
    const p = at(f.node_id, f.path);
    p.what.push(`does not parse${f.config_map ? ` (ConfigMap ${f.config_map})` : ''}: ${(f.error ?? 'invalid document').split('\n')[0]}`);
    p.evidence.push(`${f.path}${f.config_map ? ` [${f.config_map}]` : ''} document ${f.doc_index}: ${f.error ?? 'invalid'}`);
  }
  const unknown = db.prepare('SELECT node_id, path, doc_index, kind, field, suggestion FROM kube_config_unknown_fields ORDER BY node_id, path, doc_index, field').all() as {
    node_id: number;
    path: string;
    doc_index: number;
    kind: string | null;
    field: string;
    suggestion: string | null;
  }[];
  for (const u of unknown) {
    if (!nodeIds.has(u.node_id)) continue;
    const p = at(u.node_id, u.path);
    p.unknown.push(`${u.field}${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`);
    p.evidence.push(`${u.path} document ${u.doc_index} (${u.kind ?? 'KubeProxyConfiguration'}): unknown field ${u.field}${u.suggestion ? `, closest known field: ${u.suggestion}` : ''}`);
  }
  return problems;
}

/** kube-proxy log lines about its configuration, recent and not followed by a clean restart. */
function logProblems(ctx: RuleContext): LogLine[][] {
  const now = collectionTimes(ctx.db);
  const windowMs = Number(ctx.params.window_hours) * 3_600_000;
  const lines = componentLogLines(
    ctx.db,
    ctx.nodeIds,
    ['strict decoding error', 'found unknown field'],
    `source = 'log-kube-proxy' OR origin LIKE '%kube-proxy%'`,
  );
  return byOrigin(recentLines(lines, now, windowMs)).filter((group) => {
    const first = group[0]!;
    const last = lastTime(group);
    const at = now.get(first.node_id);
    return !(last && at !== undefined && restartedSince(ctx.db, first.node_id, first.source, first.origin, last, at, 10 * 60_000));
  });
}

function describe(p: Problem): string {
  const unknown = p.unknown.length ? [`has ${p.unknown.length === 1 ? 'an unknown field' : 'unknown fields'}: ${p.unknown.join(', ')}`] : [];
  return [...p.what, ...unknown].join('; ');
}

/** "4 strict decoding errors in its recent log, the last at 2026-11-20T08:13:03Z". */
function rejections(lines: readonly LogLine[]): string {
  const strict = lines.filter((l) => l.text.includes('strict decoding error')).length;
  const count = strict > 0 ? `${strict} strict decoding error(s)` : `${lines.length} "found unknown field" line(s)`;
  const last = lastTime(lines);
  return `${count} in kube-proxy's recent log${last ? `, the last at ${last.replace(/\.000Z$/, 'Z')}` : ''}`;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const configs = configFlags(ctx.db);
  const problems = fileProblems(ctx.db, new Set(ctx.nodeIds), configs);
  const logs = logProblems(ctx);
  const out: RuleFinding[] = [];
  const logsOf = (node: number) => logs.filter((g) => g[0]!.node_id === node);
  const quote = (g: LogLine[]) => g.slice(-4).map(quoteLine);
  const used = new Set<number>();
  for (const p of problems.values()) {
    const inUse = (configs.get(p.node_id) ?? []).includes(p.path);
    const nodeLogs = logsOf(p.node_id);
    const logNote = nodeLogs.length ? `; ${rejections(nodeLogs.flat())}` : '';
    out.push({
      node_id: p.node_id,
      resource: p.path,
      message: `kube-proxy configuration ${p.path}${inUse ? ' (its --config)' : ''} ${describe(p)}${logNote}`,
      evidence: [...p.evidence, ...(inUse ? [`kube-proxy --config=${p.path}`] : []), ...nodeLogs.flatMap(quote)].join('\n'),
    });
    used.add(p.node_id);
  }
  for (const g of logs) {
    const first = g[0]!;
    if (used.has(first.node_id)) continue;
    const config = configs.get(first.node_id)?.[0];
    const field = /unknown field "?([\w.]+)"?/.exec(g.map((l) => l.text).join('\n'))?.[1];
    out.push({
      node_id: first.node_id,
      resource: config ?? first.origin,
      message:
        `kube-proxy rejects its configuration${config ? ` ${config}` : ''}${field ? ` (unknown field ${field})` : ''}: ` +
        `${rejections(g)} (${first.origin}); it exits at start or ignores the setting`,
      evidence: quote(g).join('\n'),
    });
  }
  return out;
}
