#!/usr/bin/env node
// The published entry point: the TypeScript is compiled to dist/ by `npm ci` (the prepare script).
import { main } from '../../dist/analyzer/cli/main.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`nodesnap: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 2; },
);
