/**
 * What `nodesnap analyze` does once its flags are parsed: read the inputs, run the rules, write
 * the outputs. Kept apart from the command's registration so that other commands (collect on a
 * production node) never load SQLite, the parsers, the rules or the report templates.
 */
import { writeFileSync } from 'node:fs';
import { printableName } from '../archive/member-name.js';
import { analyzeInputs } from '../load/analyze-inputs.js';
import { formatErrorLine } from '../load/error-record.js';
import type { NodeSummary } from '../load/node-summary.js';
import { writeOutputs } from '../report/index.js';
import { runRules } from '../rules/engine.js';
import { loadAllRules } from '../rules/load-rules.js';
import { buildAnalysisDocument } from '../rules/report-json.js';
import { formatFindingsText } from '../rules/report-text.js';
import { expiredSuppressions, loadSuppressions, suppressionMatcher } from '../rules/suppress.js';
import { SEVERITIES, severityRank, type Severity } from '../rules/types.js';
import { EXIT, type CommandResult } from './main.js';

export interface AnalyzeFlags {
  db?: string;
  jobs?: string;
  rules: string[];
  builtinRules: boolean;
  json?: string;
  failOn?: string;
  suppress?: string;
  param: string[];
  quiet?: boolean;
  report?: string;
  junit?: string;
  sarif?: string;
  markdown?: string;
  title?: string;
}

class UsageError extends Error {}

/** --param kernel/somaxconn-low.min=2048 -> { 'kernel/somaxconn-low.min': 2048 } */
function parseParams(list: readonly string[]): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const item of list) {
    const m = /^([a-z0-9-]+\/[a-z0-9-]+\.[a-z][a-z0-9_]*)=(.*)$/.exec(item);
    if (!m) throw new UsageError(`--param takes RULE-ID.NAME=VALUE, got ${JSON.stringify(item)}`);
    const raw = m[2] as string;
    out[m[1] as string] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

function parseFailOn(text: string | undefined): Severity | null | undefined {
  if (text === undefined || text === 'never') return undefined;
  return (SEVERITIES as readonly string[]).includes(text) ? (text as Severity) : null;
}

function parseJobs(text: string | undefined): number | 'auto' | null {
  // auto: one thread per CPU when the batch is large enough to repay them (see analyze-inputs.ts)
  if (text === undefined || text === 'auto') return 'auto';
  return /^[1-9][0-9]{0,3}$/.test(text) ? Number(text) : null;
}

/** One aligned line per node, then a total. */
export function formatSummary(nodes: readonly NodeSummary[], db: string | undefined): string {
  const header = ['NODE', 'STATUS', 'SOURCES', 'PARSED', 'ROWS', 'ERRORS', 'INPUT'];
  const rows = nodes.map((n) => [printableName(n.name), n.status, String(n.sourcesCollected), String(n.sourcesParsed), String(n.rows), String(n.errors), printableName(n.input)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  const count = (s: string) => nodes.filter((n) => n.status === s).length;
  const errors = nodes.reduce((sum, n) => sum + n.errors, 0);
  return [
    line(header),
    ...rows.map(line),
    '',
    `${nodes.length} node(s): ${count('ok')} ok, ${count('partial')} partial, ${count('unreadable')} unreadable; ${errors} error(s)`,
    db ? `database: ${db}` : 'database: in memory (use --db FILE to keep it)',
    '',
  ].join('\n');
}

export async function runAnalyze(inputs: string[], flags: AnalyzeFlags, result: CommandResult): Promise<void> {
  const jobs = parseJobs(flags.jobs);
  const failOn = parseFailOn(flags.failOn);
  try {
    if (jobs === null) throw new UsageError(`--jobs must be a whole number from 1, got ${JSON.stringify(flags.jobs)}`);
    if (failOn === null) throw new UsageError(`--fail-on must be one of never, ${SEVERITIES.join(', ')}, got ${JSON.stringify(flags.failOn)}`);
    const params = parseParams(flags.param);
    const now = new Date();
    const suppressions = flags.suppress ? loadSuppressions(flags.suppress) : [];
    for (const s of expiredSuppressions(suppressions, now)) {
      process.stderr.write(`nodesnap analyze: suppression of ${s.rule} expired on ${s.expires}: no longer applied\n`);
    }
    // rules load before the (long) analysis so that a broken rule file fails fast
    const rules = await loadAllRules(flags.rules, flags.builtinRules);
    const run = await analyzeInputs(inputs, {
      db: flags.db,
      jobs,
      onError: (e) => process.stderr.write(`${formatErrorLine(e)}\n`),
    });
    try {
      const out = runRules(run.db, rules, { params, suppress: suppressionMatcher(suppressions, now) });
      const doc = buildAnalysisDocument(run.db, rules, out, now);
      const written = writeOutputs(
        { document: doc, rules, db: run.db, ...(flags.title ? { title: flags.title } : {}) },
        { report: flags.report, junit: flags.junit, sarif: flags.sarif, markdown: flags.markdown },
      );
      for (const file of written) process.stderr.write(`nodesnap analyze: wrote ${file}\n`);
      if (flags.json) {
        const text = JSON.stringify(doc, null, 2) + '\n';
        if (flags.json === '-') process.stdout.write(text);
        else writeFileSync(flags.json, text);
      }
      if (!flags.quiet && flags.json !== '-') {
        process.stdout.write(formatSummary(run.nodes, flags.db));
        process.stdout.write(formatFindingsText(doc));
      }
      const failing = failOn ? doc.findings.filter((f) => !f.suppressed && severityRank(f.severity) >= severityRank(failOn)) : [];
      result.code = failing.length ? EXIT.findings : EXIT.ok;
    } finally {
      run.db.close();
    }
  } catch (err) {
    process.stderr.write(`nodesnap analyze: ${err instanceof Error ? err.message : String(err)}\n`);
    result.code = EXIT.usage;
  }
}
