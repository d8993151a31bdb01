import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../../support/nodesnap-cli.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Worker threads and the installed CLI run the compiled dist/: the one build every test shares
 * (tsc -p tsconfig.build.json, once for all test files, see test/support/nodesnap-cli.ts).
 */
export function buildDist(): void {
  ensureBuilt();
}
