import { col, type TableDef } from '../schema/types.js';

/** Tables the rule engine writes (part of the database schema; emptied and refilled on every rules run). */
export const FINDINGS_TABLE: TableDef = {
  name: 'findings',
  description: 'Every finding of every rule on every node (suppressed ones included, marked).',
  columns: [
    col('rule', 'TEXT', 'Rule id, e.g. kernel/ip-forward-disabled (what a suppression names)'),
    col('severity', 'TEXT', 'info, low, medium, high or critical'),
    col('category', 'TEXT', 'Rule category (the first part of the id)'),
    col('resource', 'TEXT', 'The exact thing at fault: chain, rule line, route, file path, container, interface, service ns/name:port...'),
    col('message', 'TEXT', 'What is wrong, in one sentence'),
    col('evidence', 'TEXT', 'The lines, values or fields from the snapshot that show it'),
    col('suppressed', 'INTEGER', '1 when a --suppress entry accepted it'),
    col('suppression_reason', 'TEXT', 'The reason given by the suppression'),
  ],
  indexes: [['rule'], ['severity']],
};

export const RULE_RESULTS_TABLE: TableDef = {
  name: 'rule_results',
  description: "One row per rule and node: 'fired', 'passed', 'skipped' (a source it needs was not usable on the node: reason says which), 'not_applicable' (its sources were skipped because the kernel feature is not in use, e.g. IPVS rules without ip_vs) or 'error' (the rule itself failed).",
  columns: [
    col('rule', 'TEXT', 'Rule id'),
    col('status', 'TEXT', "'fired', 'passed', 'skipped', 'not_applicable' or 'error'"),
    col('findings', 'INTEGER', 'Findings on this node (suppressed included)'),
    col('reason', 'TEXT', 'Why it was skipped or failed'),
  ],
  indexes: [['rule']],
};

export const RESULT_TABLES: readonly TableDef[] = [FINDINGS_TABLE, RULE_RESULTS_TABLE];

