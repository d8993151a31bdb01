import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandEnv, commandPath, findExecutable, startProcess } from './process.js';

function run(argv: string[], timeoutMs = 10_000, maxBytes = 1 << 20) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const running = startProcess({
    argv,
    env: commandEnv({ sysroot: '/host', since: '2h' }),
    timeoutMs,
    maxBytes,
    onStdout: (c) => out.push(c),
    onStderr: (c) => err.push(c),
  });
  return running.done.then((outcome) => ({ outcome, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
}

/** A live (not zombie) process; false once it is gone. */
function alive(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  return !/^State:\s+Z/m.test(status);
}

describe('startProcess', () => {
  it('kills the whole process group at the timeout and keeps the partial output', async () => {
    const started = Date.now();
    // the grandchild writes its pid, then everything sleeps: both must die
    const { outcome, stdout } = await run(['sh', '-c', 'sleep 100 & echo "child $!"; echo partial; sleep 100'], 1000);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(outcome.timedOut).toBe(true);
    expect(outcome.signal).toBe('SIGTERM');
    expect(stdout).toContain('partial');
    const grandchild = Number(/child (\d+)/.exec(stdout)?.[1]);
    expect(grandchild).toBeGreaterThan(1);
    expect(alive(process.pid)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(grandchild)).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const started = Date.now();
    const { outcome } = await run(['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 1; done'], 500);
    expect(outcome.timedOut).toBe(true);
    expect(outcome.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('stops a command at its output cap', async () => {
    const { outcome, stdout } = await run(['sh', '-c', 'yes nodesnap'], 10_000, 100_000);
    expect(outcome.capped).toBe(true);
    expect(outcome.timedOut).toBe(false);
    expect(stdout.length).toBe(100_000);
    expect(outcome.stdoutBytes).toBe(100_000);
  });

  it('reports exit codes, stderr and missing programs', async () => {
    const failed = await run(['sh', '-c', 'echo oops >&2; exit 3']);
    expect(failed.outcome.exitCode).toBe(3);
    expect(failed.stderr).toBe('oops\n');
    const missing = await run(['nodesnap-no-such-tool']);
    expect(missing.outcome.notFound).toBe(true);
  });

  it('runs with stdin closed, the C locale and the collector variables', async () => {
    const { outcome, stdout } = await run(['sh', '-c', 'cat; echo "$LC_ALL $LANG $SYSROOT $SINCE"; echo "$PATH"']);
    expect(outcome.exitCode).toBe(0);
    const [vars, path] = stdout.trim().split('\n');
    expect(vars).toBe('C C /host 2h');
    for (const dir of ['/usr/local/sbin', '/usr/sbin', '/sbin', '/bin']) expect(path?.split(':')).toContain(dir);
  });
});

describe('findExecutable', () => {
  it('looks programs up on the PATH given', () => {
    expect(findExecutable('sh', commandPath(''))).toMatch(/\/sh$/);
    expect(findExecutable('nodesnap-no-such-tool', commandPath(''))).toBeNull();
    expect(findExecutable('/bin/sh', '')).toBe('/bin/sh');
  });
});
