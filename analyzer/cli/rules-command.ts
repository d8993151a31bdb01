import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Rule } from '../rules/types.js';
import { EXIT, type CommandResult } from './main.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function rootOf(rule: Rule, dirs: readonly string[], builtin: string): string {
  const all = [builtin, ...dirs.map((d) => resolve(d))];
  return all.filter((d) => rule.meta.file.startsWith(d)).sort((a, b) => b.length - a.length)[0] ?? builtin;
}

export function registerRules(program: Command, result: CommandResult): void {
  const rules = program.command('rules').description('List the rules, or test them against their fixtures');

  rules
    .command('list')
    .description('List every rule: id, severity, title and the sources it reads')
    .option('--rules <dir>', 'also load the rules of this folder (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (opts: { rules: string[]; json?: boolean }) => {
      // loaded here, not at start-up: collect on a production node never needs the rules
      const { loadAllRules } = await import('../rules/load-rules.js');
      const all = await loadAllRules(opts.rules);
      if (opts.json) {
        const out = all.map((r) => ({ id: r.meta.id, severity: r.meta.severity, category: r.meta.category, title: r.meta.title, sources: r.meta.sources, kind: r.kind }));
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
        return;
      }
      const width = Math.max(...all.map((r) => r.meta.id.length), 10);
      for (const r of all) {
        process.stdout.write(`${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(8)}  ${r.meta.title}  [${r.meta.sources.join(', ')}]\n`);
      }
      process.stdout.write(`${all.length} rules\n`);
    });

  rules
    .command('test')
    .description('Run every rule against the fixtures beside it (fires-* must fire, quiet-* must not)')
    .option('--rules <dir>', 'test the rules of this folder too (repeatable)', collect, [])
    .option('--only <id>', 'test the rules whose id starts with this')
    .action(async (opts: { rules: string[]; only?: string }) => {
      const { loadAllRules } = await import('../rules/load-rules.js');
      const { BUILTIN_RULES_DIR } = await import('../rules/rule-files.js');
      const { testRules } = await import('../rules/rule-tester.js');
      const all = await loadAllRules(opts.rules);
      const roots = new Map<string, Rule[]>();
      for (const r of all) {
        const root = rootOf(r, opts.rules, BUILTIN_RULES_DIR());
        roots.set(root, [...(roots.get(root) ?? []), r]);
      }
      let failed = 0;
      let passed = 0;
      for (const [root, list] of roots) {
        const report = await testRules(list, root, opts.only ? (r) => r.meta.id.startsWith(opts.only!) : undefined);
        for (const o of report.outcomes) {
          if (o.ok) passed++;
          else failed++;
          process.stdout.write(`${o.ok ? 'ok  ' : 'FAIL'}  ${o.rule}  ${o.case}${o.ok ? '' : `: ${o.problem}`}\n`);
        }
        for (const m of report.missingFixtures) {
          failed++;
          process.stdout.write(`FAIL  ${m.rule}: no ${m.missing.join(' and no ')} fixture\n`);
        }
      }
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      result.code = failed ? EXIT.findings : EXIT.ok;
    });
}
