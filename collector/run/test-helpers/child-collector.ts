import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, NODESNAP_BIN, REPO_ROOT } from '../../../test/support/nodesnap-cli.js';

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs collect(options) from dist/, options as the last argument; prints {"path", "summary"}. */
const COLLECT_RUNNER = [
  `import { collect } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/collector/run/collect.js')).href)};`,
  'const result = await collect(JSON.parse(process.argv.at(-1)));',
  'process.stdout.write(JSON.stringify({ path: result.path, summary: result.manifest.summary }) + "\\n");',
].join('\n');

/**
 * The collector in a child process, from the compiled dist/ (built once for all test files):
 * `run` starts `collect(options)` there (optionally under a prefix such as `ip netns exec NS`),
 * `cli` starts the real `nodesnap` command line.
 */
export class ChildCollector {
  constructor() {
    ensureBuilt();
  }

  /** collect(options) in a child; stdout's last line is {"path", "summary"}. */
  run(options: object, prefix: string[] = []): Promise<ChildRun> {
    return this.spawn([...prefix, process.execPath, '--input-type=module', '-e', COLLECT_RUNNER, JSON.stringify(options)]);
  }

  /** `nodesnap <args>` in a child. */
  cli(args: string[], prefix: string[] = []): Promise<ChildRun> {
    return this.spawn([...prefix, process.execPath, NODESNAP_BIN, ...args]);
  }

  private spawn(argv: string[]): Promise<ChildRun> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const [program, ...args] = argv;
      const child = spawn(program as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    });
  }
}
