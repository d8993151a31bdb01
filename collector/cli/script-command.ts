import type { Command } from 'commander';
import type { CommandResult } from '../../analyzer/cli/main.js';
import { generateScript } from '../script/generate.js';

/**
 * `nodesnap collector-script`: prints the POSIX sh collector for nodes without Node.js. Usage:
 *   nodesnap collector-script > nodesnap-collect.sh; scp it to the node; sudo sh nodesnap-collect.sh
 */
export function registerCollectorScript(program: Command, result: CommandResult): void {
  program
    .command('collector-script')
    .description('Print a POSIX sh collector (same snapshot as `collect`) for nodes without Node.js')
    .addHelpText('after', '\nExample:\n  nodesnap collector-script > nodesnap-collect.sh\n  scp nodesnap-collect.sh node-1: && ssh node-1 sudo sh nodesnap-collect.sh --out /tmp\n')
    .action(async () => {
      const script = generateScript();
      await new Promise<void>((resolve, reject) => {
        process.stdout.write(script, (err) => (err ? reject(err) : resolve()));
      }).catch((err: NodeJS.ErrnoException) => {
        // a closed pipe (`| head`) is the reader's choice, not an error of ours
        if (err.code !== 'EPIPE') {
          process.stderr.write(`nodesnap collector-script: ${err.message}\n`);
          result.code = 2;
        }
      });
    });
}
