/**
 * Finds and loads rules: `<category>/<slug>.yaml` (metadata + SQL `query`) and
 * `<category>/<slug>.ts|.js` (metadata + `run`). Fixture folders (`<slug>.fixtures/`, `_fixtures/`)
 * are not rules.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../../collector/registry/version.js';
import type { CodeRuleModule, Rule } from './types.js';
import { metadataProblems, toMeta } from './validate.js';

export const BUILTIN_RULES_DIR = (): string => join(projectRoot(), 'rules');

export class RuleLoadError extends Error {}

/** Running from TypeScript sources (vitest) or from compiled dist/. */
const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

function ruleFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.') || entry.name.endsWith('.fixtures')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ya?ml|ts|js|mjs)$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) && entry.name !== 'index.ts') out.push(path);
    }
  };
  walk(root);
  return out.sort();
}

function idOf(root: string, file: string): string {
  return relative(root, file).split(sep).join('/').replace(/\.(ya?ml|ts|js|mjs)$/, '');
}

/** The module to import for a code rule file: its compiled twin under dist/ when running compiled. */
function importableCodeRule(file: string): string {
  if (!file.endsWith('.ts') || RUNNING_FROM_SOURCE) return file;
  const root = projectRoot();
  const rel = relative(root, file);
  if (rel.startsWith('..')) throw new RuleLoadError(`${file}: TypeScript rules outside the project must be compiled to .js first`);
  return join(root, 'dist', rel.replace(/\.ts$/, '.js'));
}

export async function loadRules(roots: readonly string[], knownSources: ReadonlySet<string>): Promise<Rule[]> {
  const rules: Rule[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const root of roots) {
    if (!existsSync(root)) throw new RuleLoadError(`rules folder not found: ${root}`);
    for (const file of ruleFiles(root)) {
      const id = idOf(root, file);
      let raw: Record<string, unknown>;
      let query: string | undefined;
      let run: CodeRuleModule['run'] | undefined;
      try {
        if (/\.ya?ml$/.test(file)) {
          raw = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
          if (!raw || typeof raw !== 'object') throw new Error('not a YAML map');
          query = typeof raw.query === 'string' ? raw.query : undefined;
          if (!query) problems.push(`${file}: a YAML rule needs a "query"`);
        } else {
          const mod = (await import(pathToFileURL(importableCodeRule(file)).href)) as Partial<CodeRuleModule>;
          if (!mod.meta || typeof mod.run !== 'function') throw new Error('a code rule exports `meta` and `run`');
          raw = mod.meta as unknown as Record<string, unknown>;
          run = mod.run;
        }
      } catch (err) {
        problems.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const issues = metadataProblems(raw, id, knownSources);
      if (issues.length) {
        problems.push(...issues.map((p) => `${file}: ${p}`));
        continue;
      }
      if (seen.has(id)) {
        problems.push(`${file}: rule id ${id} is also defined in ${seen.get(id)}`);
        continue;
      }
      seen.set(id, file);
      const meta = toMeta(raw, file);
      rules.push(query !== undefined ? { kind: 'sql', meta, query } : { kind: 'code', meta, run: run! });
    }
  }
  if (problems.length) throw new RuleLoadError(`invalid rules:\n  ${problems.join('\n  ')}`);
  return rules;
}
