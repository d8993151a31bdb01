import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where node tools live even when the collector is started with a thin PATH (cron, ssh, DaemonSet). */
export const STANDARD_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Grace between SIGTERM (or SIGINT) and SIGKILL of a process group. */
export const KILL_GRACE_MS = 2000;

/** Keep at most this much stderr of one command: it explains a failure, it is not the data. */
export const MAX_STDERR_BYTES = 1024 * 1024;

/** The caller's PATH with the standard system folders appended when missing. */
export function commandPath(current = process.env.PATH ?? ''): string {
  const dirs = current.split(delimiter).filter((d) => d.length > 0);
  for (const dir of STANDARD_PATH) if (!dirs.includes(dir)) dirs.push(dir);
  return dirs.join(delimiter);
}

/** Environment every command runs with: C locale (stable output to parse), TZ untouched. */
export function commandEnv(vars: { sysroot: string; since: string }): NodeJS.ProcessEnv {
  return { ...process.env, PATH: commandPath(), LC_ALL: 'C', LANG: 'C', SYSROOT: vars.sysroot, SINCE: vars.since };
}

/** Absolute path of an executable found on `path`, or null. */
export function findExecutable(name: string, path: string): string | null {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export interface ProcessSpec {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Killed (whole process group) after this long; 0 = no timeout. */
  timeoutMs: number;
  /** Stdout bytes passed on; at the cap the rest is dropped and the process is stopped. */
  maxBytes: number;
  onStdout: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ProcessOutcome {
  exitCode: number | null;
  signal: string | null;
  /** Killed at its timeout before it exited. */
  timedOut: boolean;
  /** Stdout reached maxBytes; the process was stopped. */
  capped: boolean;
  /** The program does not exist (spawn ENOENT). */
  notFound: boolean;
  /** Spawn failed for another reason. */
  spawnError: string | null;
  durationMs: number;
  stdoutBytes: number;
}

export interface RunningProcess {
  readonly done: Promise<ProcessOutcome>;
  /** Resolves once the program has started (or failed to): its first output, its exit, or after waitMs. */
  started(waitMs: number): Promise<void>;
  /** Sends `signal` to the process group, then SIGKILL after the grace period. */
  stop(signal?: NodeJS.Signals): void;
}

/** Process groups still running, killed if the collector itself exits early. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
}

/** Kills every process group this module started and that is still running. */
export function killAllRunning(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts a program in its own process group (detached) with stdin closed, so a timeout or a cap
 * can kill it with everything it spawned. Never rejects: failures are in the outcome. A process
 * that survives SIGKILL (stuck in the kernel on a dead NFS mount) is abandoned, not waited for.
 */
export function startProcess(spec: ProcessSpec): RunningProcess {
  installExitHook();
  const [program, ...args] = spec.argv;
  if (program === undefined) throw new Error('empty argv');
  const startedAt = Date.now();
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: spec.env });
  const pgid = child.pid;
  if (pgid !== undefined) liveGroups.add(pgid);

  let stdoutBytes = 0;
  let capped = false;
  let timedOut = false;
  let exited = false;
  let stopping = false;
  let settled = false;
  const timers: NodeJS.Timeout[] = [];
  let markStarted: () => void = () => undefined;
  const startedSignal = new Promise<void>((resolve) => (markStarted = resolve));
  let resolveDone: (outcome: ProcessOutcome) => void = () => undefined;
  const done = new Promise<ProcessOutcome>((resolve) => (resolveDone = resolve));

  const finish = (exitCode: number | null, signal: string | null, notFound = false, spawnError: string | null = null): void => {
    if (settled) return;
    settled = true;
    markStarted();
    for (const t of timers) clearTimeout(t);
    if (pgid !== undefined) {
      // Whatever is left of a group we stopped (a backgrounded grandchild) must not outlive the item.
      if (stopping) signalGroup(pgid, 'SIGKILL');
      liveGroups.delete(pgid);
    }
    resolveDone({ exitCode, signal, timedOut, capped, notFound, spawnError, durationMs: Date.now() - startedAt, stdoutBytes });
  };

  const stop = (signal: NodeJS.Signals = 'SIGTERM'): void => {
    if (pgid === undefined || stopping || settled) return;
    stopping = true;
    signalGroup(pgid, signal);
    timers.push(
      setTimeout(() => {
        signalGroup(pgid, 'SIGKILL');
        timers.push(
          setTimeout(() => {
            child.stdout.destroy();
            child.stderr.destroy();
            finish(child.exitCode, child.signalCode ?? 'SIGKILL');
          }, KILL_GRACE_MS),
        );
      }, signal === 'SIGKILL' ? 0 : KILL_GRACE_MS),
    );
  };

  child.stdout.on('data', (chunk: Buffer) => {
    markStarted();
    if (capped) return;
    const room = spec.maxBytes - stdoutBytes;
    if (chunk.length > room) {
      if (room > 0) spec.onStdout(chunk.subarray(0, room));
      stdoutBytes = spec.maxBytes;
      capped = true;
      stop('SIGTERM');
      return;
    }
    stdoutBytes += chunk.length;
    spec.onStdout(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    markStarted();
    spec.onStderr?.(chunk);
  });

  if (spec.timeoutMs > 0) {
    timers.push(
      setTimeout(() => {
        // After the program exited, only a leftover holding stdout open keeps us here: not a timeout of the program.
        if (!exited) timedOut = true;
        stop(exited ? 'SIGKILL' : 'SIGTERM');
      }, spec.timeoutMs),
    );
  }

  child.on('error', (err: NodeJS.ErrnoException) => {
    const notFound = err.code === 'ENOENT';
    finish(null, null, notFound, notFound ? null : err.message);
  });
  child.on('exit', () => {
    exited = true;
  });
  child.on('close', (code, signal) => finish(code, signal));

  return {
    done,
    started: (waitMs) => Promise.race([startedSignal, new Promise<void>((r) => setTimeout(r, waitMs).unref())]),
    stop,
  };
}
