import { Command, CommanderError } from 'commander';
import { registerCollect } from '../../collector/cli/collect-command.js';
import { registerCollectorScript } from '../../collector/cli/script-command.js';
import { registerAnalyze } from './analyze-command.js';
import { registerSchema } from './schema-command.js';
import { registerRules } from './rules-command.js';
import { NODESNAP_VERSION } from '../../collector/registry/version.js';

/** Exit codes of every nodesnap command. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/**
 * Runs the nodesnap CLI and resolves to the process exit code. Subcommands set
 * `process.exitCode`-free results by returning through `program.parseAsync`; a subcommand that
 * wants a specific exit code stores it in `result.code`.
 */
export async function main(argv: string[]): Promise<number> {
  const result = { code: EXIT.ok as number };
  const program = new Command()
    .name('nodesnap')
    .description('Collect and analyze snapshots of Linux nodes running containers and Kubernetes')
    .version(NODESNAP_VERSION)
    .exitOverride()
    .showHelpAfterError();
  registerCollect(program, result);
  registerCollectorScript(program, result);
  registerAnalyze(program, result);
  registerSchema(program, result);
  registerRules(program, result);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw err;
  }
  return result.code;
}

/** The mutable result a subcommand reports its exit code through. */
export interface CommandResult {
  code: number;
}
