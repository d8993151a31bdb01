import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveNode } from './live-node.js';
import { NODESNAP_BIN } from './nodesnap-cli.js';

export type Implementation = 'node' | 'sh';

export interface CollectorRun {
  implementation: Implementation;
  /** The .tar.gz written (the last line of stdout, as both collectors print it). */
  path: string;
  stderr: string;
  durationMs: number;
}

/**
 * Runs one collector inside the live node's namespace, the way a customer would: the Node CLI
 * (`nodesnap collect`, from dist/ — call ensureBuilt() first), or the script printed by
 * `nodesnap collector-script` run by /bin/sh. `args` are the flags both take.
 */
export function runCollector(node: LiveNode, implementation: Implementation, args: string[]): CollectorRun {
  const out = join(node.work, `out-${implementation}-${Date.now()}`);
  mkdirSync(out);
  const argv =
    implementation === 'node'
      ? [process.execPath, NODESNAP_BIN, 'collect', '--out', out, ...args]
      : ['sh', collectorScript(join(node.work, 'nodesnap-collect.sh')), '--out', out, ...args];
  const started = Date.now();
  const r = node.run(argv, { timeoutMs: 240_000 });
  const durationMs = Date.now() - started;
  if (r.status !== 0) throw new Error(`${implementation} collector exited ${r.status ?? r.signal}: ${r.stderr}`);
  const path = r.stdout.trim().split('\n').at(-1) ?? '';
  if (!path.startsWith(out)) throw new Error(`${implementation} collector printed no snapshot path: ${r.stdout}`);
  return { implementation, path, stderr: r.stderr, durationMs };
}

/** `nodesnap collector-script > path`, as the README tells customers. */
export function collectorScript(path: string): string {
  const r = spawnSync(process.execPath, [NODESNAP_BIN, 'collector-script'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0 || !r.stdout.startsWith('#!/bin/sh\n')) throw new Error(`nodesnap collector-script failed (${r.status}): ${r.stderr}`);
  writeFileSync(path, r.stdout);
  return path;
}
