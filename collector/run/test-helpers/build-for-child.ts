import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root (this file is collector/run/test-helpers/build-for-child.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Transpiles the TypeScript reachable from `entries` (relative imports only) into a temp folder
 * that can run under plain node, for tests that must start the collector in another process —
 * inside a network namespace (`ip netns exec`), or as the real CLI. No type checking: that is
 * tsc's job; this only strips types. Returns the folder; entry X.ts becomes <folder>/X.js.
 */
export function buildForChild(entries: readonly string[]): string {
  const out = mkdtempSync(join(tmpdir(), 'nodesnap-child-'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(join(out, 'package.json'), JSON.stringify({ name: 'nodesnap', version: readVersion(), type: 'module' }));
  const pending = entries.map((e) => resolve(REPO_ROOT, e));
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    });
    const target = join(out, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) {
      const dep = resolve(dirname(file), `${match[1]}.ts`);
      if (existsSync(dep)) pending.push(dep);
    }
  }
  return out;
}

function readVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
