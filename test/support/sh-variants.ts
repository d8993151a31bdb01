import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** How the generated script is run: which shell, which tools, which timeout mechanism. */
export interface ShVariant {
  name: string;
  shell: string[];
  env: NodeJS.ProcessEnv;
}

/** Tools the script uses, all of them busybox applets. */
const BUSYBOX_TOOLS = [
  'cat', 'cut', 'date', 'dirname', 'echo', 'false', 'grep', 'gzip', 'head', 'id', 'kill', 'ls', 'mkdir', 'mktemp', 'mv', 'od',
  'readlink', 'rm', 'sed', 'setsid', 'sh', 'sha256sum', 'sleep', 'sort', 'stat', 'tail', 'tar', 'timeout', 'tr', 'true', 'uname', 'wc', 'yes',
];

function hasBusybox(): boolean {
  return spawnSync('sh', ['-c', 'command -v busybox >/dev/null']).status === 0;
}

/**
 * The ways the sh collector runs on real nodes: dash with GNU coreutils and timeout(1); the same
 * with the watchdog instead of timeout(1); busybox ash with busybox's tools first on PATH (an
 * Alpine or embedded node: no GNU tar, no date %N, busybox timeout, stat and sed).
 * `scratch` holds the busybox tool folder.
 */
export function shVariants(scratch: string): ShVariant[] {
  const variants: ShVariant[] = [
    { name: 'dash + coreutils', shell: ['dash'], env: { ...process.env } },
    { name: 'dash + watchdog', shell: ['dash'], env: { ...process.env, NODESNAP_SH_NO_TIMEOUT: '1' } },
  ];
  if (hasBusybox()) {
    const bin = join(scratch, 'busybox-bin');
    mkdirSync(bin, { recursive: true });
    const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
    for (const tool of BUSYBOX_TOOLS) symlinkSync(busybox, join(bin, tool));
    variants.push({ name: 'busybox ash + busybox tools', shell: [busybox, 'sh'], env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
  }
  return variants;
}
