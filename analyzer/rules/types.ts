/**
 * Rules: metadata shared by SQL and TypeScript rules, and what running one produces.
 * A rule's id is its path under a rules folder: rules/<category>/<slug>.yaml -> <category>/<slug>.
 */
import type { Database } from 'better-sqlite3';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export interface RuleParameter {
  default: number | string | boolean;
  description: string;
}

export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  /** What the rule detects and why it matters. */
  description: string;
  /** Concrete steps, with commands, to fix it. */
  remediation: string;
  references: string[];
  /**
   * Sources the rule reads. Each entry is a source name, or alternatives joined by `|`
   * ("conntrack-stats|proc-conntrack-stat": either will do). On a node where an entry has no
   * usable source the rule is skipped for that node, with the reason. Empty for rules that read
   * only the loader's own tables (nodes, files, source_status, errors: the snapshot/ rules).
   */
  sources: string[];
  parameters: Record<string, RuleParameter>;
  /** Where the rule was loaded from (for messages). */
  file: string;
}

/** One finding row as a rule produces it. */
export interface RuleFinding {
  node_id: number;
  resource: string;
  message: string;
  /** The exact line, route, file excerpt or certificate fields that show the problem. */
  evidence: string;
  /** Overrides the rule's severity for this finding (e.g. critical above 95%). */
  severity?: Severity;
}

export interface RuleContext {
  db: Database;
  /** Parameter values: the defaults, overridden by the user. */
  params: Record<string, number | string | boolean>;
  /** Nodes the rule is evaluated on (its sources are usable there). */
  nodeIds: number[];
}

export interface SqlRule {
  kind: 'sql';
  meta: RuleMeta;
  /** Returns rows with node_id, resource, message, evidence and optionally severity; parameters bind as @name. */
  query: string;
}

export interface CodeRule {
  kind: 'code';
  meta: RuleMeta;
  run(ctx: RuleContext): RuleFinding[];
}

export type Rule = SqlRule | CodeRule;

/** The module shape of a TypeScript/JavaScript rule file. */
export interface CodeRuleModule {
  meta: Omit<RuleMeta, 'file'>;
  run(ctx: RuleContext): RuleFinding[];
}
