import type { Command } from 'commander';
import type { CommandResult } from '../../analyzer/cli/main.js';

/** Placeholder until this subcommand is implemented. */
export function registerCollect(_program: Command, _result: CommandResult): void {}
