/**
 * The eight sample nodes (samples/nodes/*) analysed together as one batch, as the fleet sees
 * them, with built-in rules run over it: the setup of every test that checks rules against the
 * samples' incidents.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeInputs, type AnalyzeResult } from '../../analyzer/load/analyze-inputs.js';
import { runRules, type Finding, type RuleResult } from '../../analyzer/rules/engine.js';
import { loadAllRules } from '../../analyzer/rules/load-rules.js';
import type { Rule } from '../../analyzer/rules/types.js';
import { projectRoot } from '../../collector/registry/version.js';

export interface SampleBatch {
  /** The loaded batch; its database is open until the caller closes it (afterAll). */
  loaded: AnalyzeResult;
  /** The rules that ran. */
  rules: Rule[];
  findings: Finding[];
  results: RuleResult[];
  /** `<rule> on <node>: <reason>` for each rule that failed with an error. */
  failures: string[];
}

/** The sample node folders, in name order. */
export function sampleFolders(): string[] {
  const nodesDir = join(projectRoot(), 'samples', 'nodes');
  return readdirSync(nodesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(nodesDir, e.name))
    .sort();
}

export interface SampleBatchOptions {
  /** Rule categories to run (kernel, route, ...); every built-in rule when absent. */
  categories?: readonly string[];
  /** With NODESNAP_PRINT_FINDINGS set, print what the rules skipped and found (default true; off for a caller with its own report). */
  printFindings?: boolean;
}

/** Analyses the samples as one batch and runs the chosen built-in rules over it. */
export async function analyzeSampleBatch({ categories, printFindings = true }: SampleBatchOptions = {}): Promise<SampleBatch> {
  const loaded = await analyzeInputs(sampleFolders());
  const rules = (await loadAllRules()).filter((r) => !categories || categories.includes(r.meta.category));
  const { findings, results } = runRules(loaded.db, rules);
  const failures = results.filter((r) => r.status === 'error').map((r) => `${r.rule} on ${r.node}: ${r.reason}`);
  if (printFindings && process.env.NODESNAP_PRINT_FINDINGS) {
    for (const r of results) if (r.status === 'skipped') console.log(`skipped ${r.node} ${r.rule}: ${r.reason}`);
    for (const f of findings) console.log(`${f.node}\t${f.severity}\t${f.rule}\t${f.resource}\t${f.message}\n\t${f.evidence.replaceAll('\n', '\n\t')}`);
  }
  return { loaded, rules, findings, results, failures };
}
