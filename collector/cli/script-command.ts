import type { Command } from 'commander';
import type { CommandResult } from '../../analyzer/cli/main.js';
import { generateScript } from '../script/generate.js';

/**
 * `nodesnap collector-script`: prints the POSIX sh collector for nodes without Node.js. Usage:
 *   nodesnap collector-script > nodesnap-collect.sh; copy it to the node; sudo sh nodesnap-collect.sh
 */
export function registerCollectorScript(program: Command, result: CommandResult): void {
  program
    .command('collector-script')
    .description('Print a POSIX sh collector (same snapshot as `collect`) for nodes without Node.js')
    .addHelpText(
      'after',
      '\nThe script takes the flags of `nodesnap collect` (run it with --help) and needs only sh,\n' +
        'coreutils or busybox, sed, grep, tar and gzip on the node.\n\n' +
        'Example:\n  nodesnap collector-script > nodesnap-collect.sh\n  scp nodesnap-collect.sh node-1: && ssh node-1 sudo sh nodesnap-collect.sh --out /tmp\n',
    )
    .action(async () => {
      await writeStdout(generateScript(), result);
    });
}

/** Writes all of `text`; a reader that closes early (`| head`) is its choice, any other failure is exit 2. */
function writeStdout(text: string, result: CommandResult): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (err?: NodeJS.ErrnoException | null): void => {
      if (settled) return;
      settled = true;
      if (err && err.code !== 'EPIPE') {
        process.stderr.write(`nodesnap collector-script: ${err.message}\n`);
        result.code = 2;
      }
      resolve();
    };
    // the stream reports a failed write twice (callback, then 'error'): both land here, once
    process.stdout.on('error', done);
    process.stdout.write(text, (err) => done(err));
  });
}
