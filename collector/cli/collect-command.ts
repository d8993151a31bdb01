import type { Command } from 'commander';
import type { CommandResult } from '../../analyzer/cli/main.js';
import { SOURCES } from '../registry/sources.js';
import { collect, CollectUsageError } from '../run/collect.js';
import type { CollectOptions } from '../run/collect.js';
import { formatBytes, parseBytes, parseCount, repeatable } from '../run/cli-values.js';
import { killAllRunning } from '../run/process.js';

interface CollectFlags {
  out?: string;
  sysroot?: string;
  pcap: string[];
  pcapSeconds?: number;
  pcapFilter?: string;
  pcapPackets?: number;
  pcapBytes?: number;
  attach: string[];
  only: string[];
  skip: string[];
  since?: string;
  label?: string;
  caseId?: string;
  maxSize?: number;
  concurrency?: number;
}

const USAGE_EXIT = 2;

/**
 * `nodesnap collect`: one read-only snapshot of this node as a .tar.gz. The path is the last
 * line of stdout (scripts capture it); progress goes to stderr on a terminal only, and a one-line
 * summary always. Never prompts and never reads stdin, so it is safe in ssh loops and DaemonSets.
 */
export function registerCollect(program: Command, result: CommandResult): void {
  program
    .command('collect')
    .description('Collect a read-only snapshot of this node into one .tar.gz (secrets removed)')
    .option('--out <path>', 'output file, or an existing folder for the default name')
    .option('--sysroot <dir>', 'host root to read files from (a DaemonSet mounting / at /host)')
    .option('--pcap <iface>', 'capture packets on IFACE while collecting (repeatable; all at the same time)', repeatable)
    .option('--pcap-seconds <n>', 'capture duration in seconds (default 10)', parseCount)
    .option('--pcap-filter <bpf>', 'tcpdump filter expression for the captures')
    .option('--pcap-packets <n>', 'stop a capture after N packets (default 100000)', parseCount)
    .option('--pcap-bytes <bytes>', 'stop a capture at this size, cut at a whole packet (default 64M)', parseBytes)
    .option('--attach <file>', 'add an existing capture or log file (repeatable)', repeatable)
    .option('--only <sources>', 'collect only these sources (comma separated, repeatable)', repeatable)
    .option('--skip <sources>', 'do not collect these sources (comma separated, repeatable)', repeatable)
    .option('--since <duration>', 'how far back logs go: 30m, 2h, 1d')
    .option('--label <text>', 'free text added to the file name and manifest')
    .option('--case-id <id>', 'ticket or case id added to the file name and manifest')
    .option('--max-size <bytes>', 'hard cap on the snapshot size before compression (default 1G)', parseBytes)
    .option('--concurrency <n>', 'commands run at once (default 3)', parseCount)
    .addHelpText('after', `\nSources:\n${SOURCES.map((s) => `  ${s.name.padEnd(26)} ${s.description}`).join('\n')}\n`)
    .action(async (flags: CollectFlags, command: Command) => {
      const options: CollectOptions = {
        out: flags.out,
        sysroot: flags.sysroot,
        pcap: flags.pcap,
        pcapSeconds: flags.pcapSeconds,
        pcapFilter: flags.pcapFilter,
        pcapMaxPackets: flags.pcapPackets,
        pcapMaxBytes: flags.pcapBytes,
        attach: flags.attach,
        only: flags.only,
        skip: flags.skip,
        since: flags.since,
        label: flags.label,
        caseId: flags.caseId,
        maxSize: flags.maxSize,
        concurrency: flags.concurrency,
        commandLine: ['nodesnap', ...rawArgs(command).slice(2)],
        progress: process.stderr.isTTY ? (line) => process.stderr.write(`  ${line}\n`) : undefined,
      };
      // Children run in their own process groups: stop them with us rather than leave them behind.
      const onSignal = (signal: NodeJS.Signals): void => {
        killAllRunning();
        process.stderr.write(`nodesnap collect: interrupted by ${signal}\n`);
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const { path, manifest, bytesWritten } = await collect(options);
        const s = manifest.summary;
        process.stderr.write(
          `nodesnap collect: ${path} (${formatBytes(bytesWritten)}): ${s.ok} ok, ${s.failed} failed, ${s.timeout} timeout, ` +
            `${s.skipped} skipped, ${s.truncated} truncated; ${manifest.redactions.reduce((n, r) => n + r.count, 0)} redactions\n`,
        );
        process.stdout.write(`${path}\n`);
      } catch (err) {
        if (!(err instanceof CollectUsageError)) throw err;
        process.stderr.write(`nodesnap collect: ${err.message}\n`);
        result.code = USAGE_EXIT;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** The argv the program was parsed from (commander keeps it on the root command, untyped). */
function rawArgs(command: Command): string[] {
  const root = (command.parent ?? command) as Command & { rawArgs?: unknown };
  return Array.isArray(root.rawArgs) ? root.rawArgs.map(String) : [];
}
