/**
 * The fleet matrix: one row per node, one column per rule that fired (or failed) somewhere, each
 * cell the worst severity and count of that rule on that node; plus usage columns (conntrack,
 * PIDs, fullest disk). Sorting a column brings drift and outliers to the top.
 */
import type { AnalysisDocument } from '../rules/report-json.js';
import { severityRank, type Severity } from '../rules/types.js';
import { formatCount, formatPercent } from './format.js';
import type { NodeData } from './node-data.js';
import type { FindingView, MatrixCell, MatrixColumn, MatrixRow, MatrixView, RuleInfo, UsageCell } from './view-types.js';

function usage(used: number, max: number, what: string): UsageCell {
  const ratio = max > 0 ? used / max : 0;
  return { ratio, text: formatPercent(ratio), title: `${what}: ${formatCount(used)} of ${formatCount(max)}` };
}

export interface MatrixInput {
  document: AnalysisDocument;
  findings: readonly FindingView[];
  nodeData: ReadonlyMap<number, NodeData>;
  nodeAnchor: (nodeId: number) => string;
  ruleInfo: (id: string) => RuleInfo;
  rulesRun: readonly string[];
}

export function buildMatrix(input: MatrixInput): MatrixView {
  const { document: doc, findings } = input;
  const key = (rule: string, nodeId: number) => `${rule}\u0000${nodeId}`;
  const fired = new Map<string, { count: number; suppressed: number; worst: Severity }>();
  for (const f of findings) {
    const k = key(f.rule, f.nodeId);
    const cell = fired.get(k) ?? { count: 0, suppressed: 0, worst: 'info' as Severity };
    if (f.suppressed) cell.suppressed++;
    else {
      if (cell.count === 0 || severityRank(f.severity) > severityRank(cell.worst)) cell.worst = f.severity;
      cell.count++;
    }
    fired.set(k, cell);
  }
  const skipped = new Map(doc.skipped.map((s) => [key(s.rule, s.node_id), s.reason] as const));
  const errors = new Map(doc.ruleErrors.map((s) => [key(s.rule, s.node_id), s.reason] as const));

  const columnRules = new Set<string>([...findings.map((f) => f.rule), ...doc.ruleErrors.map((e) => e.rule)]);
  const stats = new Map<string, { worst: number; nodes: number }>();
  for (const rule of columnRules) stats.set(rule, { worst: -1, nodes: 0 });
  for (const [k, cell] of fired) {
    const s = stats.get(k.split('\u0000')[0] as string);
    if (!s) continue;
    s.nodes++;
    if (cell.count) s.worst = Math.max(s.worst, severityRank(cell.worst));
  }
  const columns: MatrixColumn[] = [...columnRules]
    .sort((a, b) => (stats.get(b)?.worst ?? 0) - (stats.get(a)?.worst ?? 0) || (stats.get(b)?.nodes ?? 0) - (stats.get(a)?.nodes ?? 0) || a.localeCompare(b))
    .map((rule) => {
      const info = input.ruleInfo(rule);
      return { rule, title: info.title, severity: info.severity };
    });

  const rows: MatrixRow[] = doc.nodes.map((n) => {
    const nodeId = Number(n.node_id);
    const data = input.nodeData.get(nodeId);
    let total = 0;
    let worstRank = -1;
    const cells: MatrixCell[] = columns.map((col) => {
      const k = key(col.rule, nodeId);
      const f = fired.get(k);
      if (f && f.count) {
        total += f.count;
        worstRank = Math.max(worstRank, severityRank(f.worst));
        const extra = f.suppressed ? ` (+${f.suppressed} suppressed)` : '';
        return { text: String(f.count), cls: `sev-${f.worst}`, title: `${col.rule}: ${f.count} ${f.worst} finding${f.count === 1 ? '' : 's'}${extra}`, sort: (severityRank(f.worst) + 1) * 1e6 + f.count };
      }
      if (f) return { text: `(${f.suppressed})`, cls: 'supp', title: `${col.rule}: ${f.suppressed} suppressed finding${f.suppressed === 1 ? '' : 's'}`, sort: 0.5 };
      const err = errors.get(k);
      if (err !== undefined) return { text: '!', cls: 'err', title: `${col.rule} failed: ${err}`, sort: -2 };
      const skip = skipped.get(k);
      if (skip !== undefined) return { text: '–', cls: 'skip', title: `${col.rule} skipped: ${skip}`, sort: -1 };
      return { text: '✓', cls: 'pass', title: `${col.rule}: passed`, sort: 0 };
    });
    const fullest = data?.filesystems.length ? [...data.filesystems].sort((a, b) => b.percent - a.percent)[0] : undefined;
    return {
      node: String(n.name ?? n.hostname ?? n.input ?? nodeId),
      nodeId,
      nodeAnchor: input.nodeAnchor(nodeId),
      status: String(n.status ?? ''),
      total,
      worstRank,
      conntrack: data?.conntrack ? usage(data.conntrack.used, data.conntrack.max, 'conntrack entries') : null,
      pids: data?.pids ? usage(data.pids.used, data.pids.max, 'threads of pid_max') : null,
      disk: fullest ? { ratio: fullest.percent / 100, text: `${fullest.percent}%`, title: `${fullest.mountpoint} (${fullest.device}) ${fullest.percent}% used` } : null,
      cells,
    };
  });
  // the nodes in the worst shape first
  rows.sort((a, b) => b.worstRank - a.worstRank || b.total - a.total || a.node.localeCompare(b.node));
  return { columns, rows, quietRules: input.rulesRun.filter((r) => !columnRules.has(r)).length };
}
