import type { Command } from 'commander';
import { documentTables, schemaAsJson, schemaAsMarkdown, schemaAsText } from '../db/schema-docs.js';
import { PARSED_TABLES } from '../schema/tables.js';
import { EXIT, type CommandResult } from './main.js';

/** `nodesnap schema [--json | --markdown]`: every table and column of the analysis database, described. */
export function registerSchema(program: Command, result: CommandResult): void {
  program
    .command('schema')
    .description('Print every table and column of the analysis database with what it means')
    .option('--json', 'print JSON: { tables: [{ name, description, filledBy, columns: [{ name, type, description }], indexes }] }')
    .option('--markdown', 'print Markdown')
    .action((opts: { json?: boolean; markdown?: boolean }) => {
      if (opts.json && opts.markdown) {
        process.stderr.write('nodesnap schema: choose one of --json and --markdown\n');
        result.code = EXIT.usage;
        return;
      }
      const tables = documentTables(PARSED_TABLES);
      process.stdout.write(opts.json ? schemaAsJson(tables) : opts.markdown ? schemaAsMarkdown(tables) : schemaAsText(tables));
      result.code = EXIT.ok;
    });
}
