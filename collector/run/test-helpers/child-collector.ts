import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildForChild } from './build-for-child.js';

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The collector built for a child process: `run` starts `collect(options)` there (optionally
 * under a prefix such as `ip netns exec NS`), `cli` starts the real `nodesnap` command line.
 */
export class ChildCollector {
  readonly dir: string;

  constructor() {
    this.dir = buildForChild(['collector/run/collect.ts', 'analyzer/cli/main.ts']);
    writeFileSync(
      join(this.dir, 'collect-runner.mjs'),
      [
        "import { collect } from './collector/run/collect.js';",
        'const options = JSON.parse(process.argv[2]);',
        'const result = await collect(options);',
        'process.stdout.write(JSON.stringify({ path: result.path, summary: result.manifest.summary }) + "\\n");',
      ].join('\n'),
    );
    writeFileSync(
      join(this.dir, 'nodesnap.mjs'),
      [
        "import { main } from './analyzer/cli/main.js';",
        'main(process.argv).then((code) => { process.exitCode = code; }, (err) => { console.error(`nodesnap: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 2; });',
      ].join('\n'),
    );
  }

  /** collect(options) in a child; stdout's last line is {"path", "summary"}. */
  run(options: object, prefix: string[] = []): Promise<ChildRun> {
    return this.spawn([...prefix, process.execPath, join(this.dir, 'collect-runner.mjs'), JSON.stringify(options)]);
  }

  /** `nodesnap <args>` in a child. */
  cli(args: string[], prefix: string[] = []): Promise<ChildRun> {
    return this.spawn([...prefix, process.execPath, join(this.dir, 'nodesnap.mjs'), ...args]);
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
