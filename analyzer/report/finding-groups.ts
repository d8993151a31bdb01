/**
 * Findings grouped the way the report reads: severity (critical first), then category, then
 * node, then rule — so a rule's description and fix are printed once per node, above the
 * findings it produced there.
 */
import { SEVERITIES, type Severity } from '../rules/types.js';
import type { CategoryGroup, FindingView, NodeGroup, RuleBlock, RuleInfo, SeverityGroup } from './view-types.js';

/** Severities from the most severe down. */
export const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const active = (list: readonly FindingView[]) => list.filter((f) => !f.suppressed).length;

export interface GroupingOptions {
  /** Severity groups with more findings than this render collapsed (critical and high never do). */
  collapseAbove: number;
}

export function groupFindings(findings: readonly FindingView[], ruleInfo: (id: string) => RuleInfo, options: GroupingOptions): SeverityGroup[] {
  const bySeverity = groupBy(findings, (f) => f.severity);
  const out: SeverityGroup[] = [];
  for (const severity of SEVERITIES_DESC) {
    const list = bySeverity.get(severity);
    if (!list?.length) continue;
    const categories: CategoryGroup[] = [...groupBy(list, (f) => f.category)]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, inCategory]) => {
        const nodes: NodeGroup[] = [...groupBy(inCategory, (f) => String(f.nodeId))]
          .map(([, inNode]) => {
            const first = inNode[0] as FindingView;
            const rules: RuleBlock[] = [...groupBy(inNode, (f) => f.rule)]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([rule, findingsOfRule]) => ({ rule: ruleInfo(rule), findings: findingsOfRule }));
            return { node: first.node, nodeId: first.nodeId, nodeAnchor: first.nodeAnchor, count: active(inNode), rules };
          })
          .sort((a, b) => a.node.localeCompare(b.node) || a.nodeId - b.nodeId);
        return { category, count: active(inCategory), nodes };
      });
    const count = active(list);
    out.push({
      severity,
      count,
      suppressed: list.length - count,
      open: severity === 'critical' || severity === 'high' || list.length <= options.collapseAbove,
      categories,
    });
  }
  return out;
}
