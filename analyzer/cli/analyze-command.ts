import type { Command } from 'commander';
import type { CommandResult } from './main.js';

/** Placeholder until this subcommand is implemented. */
export function registerAnalyze(_program: Command, _result: CommandResult): void {}
