import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Worker threads and the installed CLI run the compiled dist/. Compile it (tsc emits even when
 * files of other areas do not typecheck yet) and make sure the loader's build is fresh.
 */
export function buildDist(): void {
  try {
    execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // type errors elsewhere in the tree; the emitted files are checked below
  }
  const built = `${ROOT}dist/analyzer/load/worker-entry.js`;
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(`${ROOT}analyzer/load/worker-entry.ts`).mtimeMs) {
    throw new Error(`${built} was not built`);
  }
}
