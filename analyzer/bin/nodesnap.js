#!/usr/bin/env node
// The published entry point: the TypeScript is compiled to dist/ by `npm ci` (the prepare script).
import { main } from '../../dist/analyzer/cli/main.js';

// `nodesnap --help | head` closes the pipe early: that is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`nodesnap: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 2; },
);
