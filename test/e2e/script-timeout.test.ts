import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestItem } from '../../collector/registry/manifest.js';
import type { SourceSpec } from '../../collector/registry/types.js';
import { writeCollectorScript } from '../support/nodesnap-cli.js';
import { shVariants } from '../support/sh-variants.js';
import { readSnapshot } from '../support/snapshot-archive.js';
import type { ReadSnapshot } from '../support/snapshot-archive.js';

/**
 * A node where commands hang: the generated script (from a registry injected into the
 * generator) must cut each one at its timeout, children included, and still write the archive.
 * Run under every way the script runs on nodes: GNU timeout, its own watchdog, busybox.
 * The sleep durations are odd numbers so leftovers can be told from anything else running.
 */
const HUNG: SourceSpec[] = [
  { name: 'before', category: 'system', description: 'runs first', items: [{ kind: 'command', id: 'echo', argv: ['echo', 'before'], ext: 'txt' }] },
  { name: 'hung-command', category: 'system', description: 'never exits', items: [{ kind: 'command', id: 'sleep', argv: ['sleep', '4242'], ext: 'txt', timeoutSeconds: 1 }] },
  {
    name: 'hung-shell',
    category: 'system',
    description: 'a shell item whose child holds its output open',
    items: [{ kind: 'shell', id: 'children', tools: ['sleep'], ext: 'txt', timeoutSeconds: 2, script: 'echo started; sleep 4243 & sleep 4244; echo never' }],
  },
  {
    name: 'ignores-term',
    category: 'system',
    description: 'ignores SIGTERM: needs the SIGKILL that follows',
    items: [{ kind: 'shell', id: 'stubborn', tools: ['sleep'], ext: 'txt', timeoutSeconds: 1, script: "trap '' TERM; echo stubborn; sleep 4245; sleep 4245" }],
  },
  { name: 'endless-output', category: 'system', description: 'never stops writing', items: [{ kind: 'command', id: 'yes', argv: ['yes', 'nodesnap'], ext: 'txt', maxBytes: 1000, timeoutSeconds: 20 }] },
  { name: 'after', category: 'system', description: 'runs last', items: [{ kind: 'command', id: 'echo', argv: ['echo', 'after'], ext: 'txt' }] },
];

/** Our sleeps still running, as "pid args". */
function leftovers(): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return ps.split('\n').map((l) => l.trim()).filter((l) => /^\d+ sleep 424[2-5]$/.test(l));
}

const work = mkdtempSync(join(tmpdir(), 'nodesnap-hung-'));
const VARIANTS = shVariants(work);

afterAll(() => {
  // never leave our sleeps behind, whatever failed (by pid: exactly the ones this test started)
  for (const line of leftovers()) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe.each(VARIANTS.map((v) => [v.name, v] as const))('sh collector with hung commands (%s)', (name, variant) => {
  let snap: ReadSnapshot;
  let elapsedMs = 0;
  let status: number | null = null;

  beforeAll(async () => {
    const out = join(work, name.replace(/[^a-z]+/g, '-'));
    mkdirSync(out);
    const script = writeCollectorScript(join(out, 'collect.sh'), HUNG);
    const [program, ...pre] = variant.shell;
    const started = Date.now();
    const r = spawnSync(program as string, [...pre, script, '--out', out], { encoding: 'utf8', env: variant.env, timeout: 60_000 });
    elapsedMs = Date.now() - started;
    status = r.status;
    const file = readdirSync(out).find((f) => f.endsWith('.tar.gz'));
    if (!file) throw new Error(`no archive written (exit ${r.status ?? r.signal}): ${r.stderr}`);
    snap = await readSnapshot(join(out, file));
  }, 90_000);

  const item = (source: string): ManifestItem => snap.manifest.items.find((i) => i.source === source) as ManifestItem;
  const text = (source: string): string => snap.members.get(item(source).output?.member ?? '')?.toString() ?? '';

  it('finishes in about the sum of the timeouts and exits 0', () => {
    expect(status).toBe(0);
    // 1 + 2 + (1 + 2 s of SIGKILL grace) of timeouts, plus the work itself
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('records a hung command as a timeout and goes on', () => {
    expect(item('hung-command')).toMatchObject({ status: 'timeout', reason: 'killed after its timeout', exitCode: null, signal: 'SIGTERM', truncated: false });
    expect(text('before')).toBe('before\n');
    expect(item('after')).toMatchObject({ status: 'ok' });
    expect(text('after')).toBe('after\n');
  });

  it('keeps the partial output of a shell item cut at its timeout', () => {
    expect(item('hung-shell')).toMatchObject({ status: 'timeout' });
    expect(text('hung-shell')).toBe('started\n');
    expect(item('ignores-term')).toMatchObject({ status: 'timeout' });
    expect(text('ignores-term')).toBe('stubborn\n');
  });

  it('stops a command at its output cap and keeps exactly the cap', () => {
    expect(item('endless-output')).toMatchObject({ status: 'ok', reason: 'output cap reached', truncated: true, output: { bytes: 1000 } });
    expect(text('endless-output')).toBe('nodesnap\n'.repeat(112).slice(0, 1000));
  });

  it('leaves no process behind', () => {
    // the SIGKILL of a stubborn group may land a moment after the script is done
    const deadline = Date.now() + 5000;
    while (leftovers().length > 0 && Date.now() < deadline) spawnSync('sleep', ['0.2']);
    expect(leftovers()).toEqual([]);
  });
});
