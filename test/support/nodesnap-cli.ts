import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceSpec } from '../../collector/registry/types.js';
import { generateScript } from '../../collector/script/generate.js';

/** The repository root (this file is test/support/nodesnap-cli.ts). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The published entry point; it runs dist/, so the TypeScript must be compiled first. */
export const NODESNAP_BIN = join(REPO_ROOT, 'analyzer/bin/nodesnap.js');

const BUILD_STAMP = join(REPO_ROOT, 'dist', '.e2e-build-stamp');
const LOCK = join(tmpdir(), 'nodesnap-e2e-build.lock');
const SOURCE_DIRS = ['collector', 'analyzer', 'rules', 'samples'];

function newestSourceMtime(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'fixtures') newest = Math.max(newest, newestSourceMtime(path));
    } else if (/\.(ts|json|sh)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  if (!existsSync(join(REPO_ROOT, 'dist/analyzer/cli/main.js')) || !existsSync(BUILD_STAMP)) return false;
  const built = statSync(BUILD_STAMP).mtimeMs;
  return SOURCE_DIRS.every((d) => newestSourceMtime(join(REPO_ROOT, d)) <= built);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Compiles the project to dist/ (tsc -p tsconfig.build.json) unless a build newer than every
 * source is there. Test files run in parallel workers: a lock folder lets one build while the
 * others wait. Type errors elsewhere do not stop the emit (tsc emits anyway); a missing output does.
 */
export function ensureBuilt(): void {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    if (upToDate()) return;
    try {
      mkdirSync(LOCK);
    } catch {
      // another worker is building: a lock older than 10 minutes is from a crashed run
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 10 * 60_000) rmdirSync(LOCK);
      } catch {
        // gone already
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another worker to build dist/');
      sleep(250);
      continue;
    }
    try {
      const started = Date.now();
      try {
        execFileSync(join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
      } catch {
        // type errors in files being edited elsewhere; the emit happened unless the output is missing
      }
      if (!existsSync(join(REPO_ROOT, 'dist/analyzer/cli/main.js'))) throw new Error('tsc -p tsconfig.build.json produced no dist/analyzer/cli/main.js');
      writeFileSync(BUILD_STAMP, '');
      const at = new Date(started);
      utimesSync(BUILD_STAMP, at, at);
      return;
    } finally {
      rmdirSync(LOCK);
    }
  }
}

/** The generated sh collector, for `sources` (default: the real registry), written to `path`. */
export function writeCollectorScript(path: string, sources?: readonly SourceSpec[]): string {
  writeFileSync(path, generateScript(sources), { mode: 0o755 });
  return path;
}
