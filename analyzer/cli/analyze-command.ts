import type { Command } from 'commander';
import type { AnalyzeFlags } from './analyze-run.js';
import type { CommandResult } from './main.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
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
    .option('--jobs <n>', 'worker threads reading inputs in parallel (default: auto, one per CPU for a batch large enough to repay them)')
    .option('--rules <dir>', 'also run the rules of this folder (repeatable)', collect, [])
    .option('--no-builtin-rules', 'run only the rules given with --rules')
    .option('--param <rule.name=value>', 'override a rule parameter, e.g. kernel/conntrack-table-near-full.threshold=0.9 (repeatable)', collect, [])
    .option('--suppress <file>', 'accepted findings (YAML/JSON: rule, node and resource globs, reason, optional expires)')
    .option('--json <file>', 'write the findings document (nodes, findings, skipped, errors) as JSON; - for stdout')
    .option('--report <file.html>', 'write the HTML report: one self-contained file that opens offline')
    .option('--junit <file.xml>', 'write JUnit XML (one test case per rule and node) for CI pipelines')
    .option('--sarif <file.sarif>', 'write SARIF 2.1.0 (locations are snapshot members)')
    .option('--markdown <file.md>', 'write a Markdown summary to paste into a ticket')
    .option('--title <text>', 'title of the HTML report')
    .option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above: info, low, medium, high, critical (default: never)')
    .option('--quiet', 'print no per-node summary and no findings (errors still go to stderr)')
    .action(async (inputs: string[], flags: AnalyzeFlags) => {
      const { runAnalyze } = await import('./analyze-run.js');
      await runAnalyze(inputs, flags, result);
    });
}
