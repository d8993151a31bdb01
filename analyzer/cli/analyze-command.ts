import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { printableName } from '../archive/member-name.js';
import { analyzeInputs } from '../load/analyze-inputs.js';
import { formatErrorLine } from '../load/error-record.js';
import type { NodeSummary } from '../load/node-summary.js';
import { EXIT, type CommandResult } from './main.js';

interface AnalyzeFlags {
  db?: string;
  jobs?: string;
}

function parseJobs(text: string | undefined): number | null {
  if (text === undefined) return availableParallelism();
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

/**
 * `nodesnap analyze <tarball|folder>... [--db FILE] [--jobs N]`. Unreadable inputs are recorded
 * errors, not a failed command: exit 0, or 2 for a usage or tool error.
 */
export function registerAnalyze(program: Command, result: CommandResult): void {
  program
    .command('analyze')
    .description('Read snapshot tarballs or folders into one SQLite database and summarize each node')
    .argument('<inputs...>', 'snapshot tarballs (.tar.gz, .tgz, .tar), unpacked snapshot folders, or folders holding either')
    .option('--db <file>', 'write the database to FILE (re-analyzing a tarball replaces its node); default: in memory')
    .option('--jobs <n>', 'worker threads reading inputs in parallel (default: number of CPUs)')
    .action(async (inputs: string[], flags: AnalyzeFlags) => {
      const jobs = parseJobs(flags.jobs);
      if (jobs === null) {
        process.stderr.write(`nodesnap analyze: --jobs must be a whole number from 1, got ${JSON.stringify(flags.jobs)}\n`);
        result.code = EXIT.usage;
        return;
      }
      try {
        const run = await analyzeInputs(inputs, {
          db: flags.db,
          jobs,
          onError: (e) => process.stderr.write(`${formatErrorLine(e)}\n`),
        });
        run.db.close();
        process.stdout.write(formatSummary(run.nodes, flags.db));
        result.code = EXIT.ok;
      } catch (err) {
        process.stderr.write(`nodesnap analyze: ${err instanceof Error ? err.message : String(err)}\n`);
        result.code = EXIT.usage;
      }
    });
}
