import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { snapshotBaseName } from '../registry/layout.js';
import type { SourceSpec } from '../registry/types.js';
import { writeCollectorScript } from '../../test/support/nodesnap-cli.js';
import { readSnapshot, sha256 } from '../../test/support/snapshot-archive.js';

/** The generated script on small registries: options, size cap, failure modes. No root needed. */
const work = mkdtempSync(join(tmpdir(), 'nodesnap-run-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let runs = 0;
async function run(sources: SourceSpec[], args: string[], env: NodeJS.ProcessEnv = process.env) {
  const out = join(work, `run-${++runs}`);
  mkdirSync(out);
  const script = writeCollectorScript(join(out, 'collect.sh'), sources);
  const r = spawnSync('sh', [script, '--out', out, ...args], { encoding: 'utf8', env });
  expect(r.status, r.stderr).toBe(0);
  const file = readdirSync(out).find((f) => f.endsWith('.tar.gz')) as string;
  expect(r.stdout.trim()).toBe(join(out, file));
  expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
  return { snap: await readSnapshot(join(out, file)), stderr: r.stderr };
}

const echo = (name: string, text: string): SourceSpec => ({
  name,
  category: 'system',
  description: name,
  items: [{ kind: 'command', id: 'out', argv: ['printf', '%s', text], ext: 'txt' }],
});
/** Prints a token line whose secret value appears in no argument (the manifest records argv). */
const leaky: SourceSpec = {
  name: 'leaky',
  category: 'system',
  description: 'prints a secret',
  items: [{ kind: 'command', id: 'out', argv: ['printf', 'ok\\ntoken: fixture-%s\\n', 'secret-Zq3lAXq8N5yRkG7v'], ext: 'txt' }],
};

describe('generated script', () => {
  it('records its argv and labels exactly, whatever bytes they hold', async () => {
    const label = 'rack "7"\\\n\tünï 配置 $(id) \'q\'';
    const { snap } = await run([echo('one', 'x')], ['--label', label, '--case-id', 'INC/0042']);
    expect(snap.header.label).toBe(label);
    expect(snap.header.caseId).toBe('INC/0042');
    expect(snap.header.commandLine.slice(-4)).toEqual(['--label', label, '--case-id', 'INC/0042']);
    const stamp = snap.top.slice(-16);
    expect(snap.top).toBe(snapshotBaseName(snap.header.hostname, new Date(snap.header.collectedAt), { caseId: 'INC/0042', label }));
    expect(stamp).toMatch(/^\d{8}T\d{6}Z$/);
    expect(snap.manifest.label).toBe(label);
  });

  it('stops at --max-size: cuts the member that crosses it, skips the rest, keeps the manifest whole', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { snap } = await run(names.map((n) => echo(n, n.repeat(400))), ['--max-size', '2000']);
    // snapshot.json is always written whole and counts against the cap
    let room = 2000 - (snap.members.get('snapshot.json')?.length ?? 0);
    let cut = 0;
    let skipped = 0;
    for (const name of names) {
      const item = snap.manifest.items.find((i) => i.source === name);
      const expected = Math.min(400, room);
      room -= expected;
      if (expected === 400) expect(item, name).toMatchObject({ status: 'ok', truncated: false, output: { bytes: 400 } });
      else if (expected > 0) {
        cut++;
        expect(item, name).toMatchObject({ status: 'ok', truncated: true, reason: 'snapshot size cap reached', output: { bytes: expected } });
        expect(sha256(snap.members.get(`${name}/out.txt`) as Buffer)).toBe(item?.output?.sha256);
      } else {
        skipped++;
        expect(item, name).toMatchObject({ status: 'skipped', truncated: true, reason: 'snapshot size cap reached' });
        expect(item?.output).toBeUndefined();
        expect(snap.members.has(`${name}/out.txt`)).toBe(false);
      }
    }
    expect([cut, skipped]).toEqual([1, 2]);
    expect(snap.manifest.summary.bytes).toBe(2000);
  });

  it('fails closed when redaction fails: the member is emptied, never kept as it was', async () => {
    // a sed that breaks on the redaction program only
    const bin = join(work, 'broken-sed');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sed'), '#!/bin/sh\ncase "$*" in *redact.sed*) echo "sed: simulated failure" >&2; exit 4 ;; esac\nexec /bin/sed "$@"\n');
    chmodSync(join(bin, 'sed'), 0o755);
    const { snap } = await run([leaky], [], { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` });
    const item = snap.manifest.items.find((i) => i.source === 'leaky');
    expect(item).toMatchObject({ status: 'failed', reason: 'redaction failed, content dropped: sed: simulated failure', output: { bytes: 0 } });
    for (const [member, data] of snap.members) expect(data.toString().includes('fixture-secret'), member).toBe(false);
  });

  it('redacts command output and lists the redaction', async () => {
    const { snap } = await run([leaky], []);
    expect(snap.members.get('leaky/out.txt')?.toString()).toBe('ok\ntoken: <REDACTED>\n');
    expect(snap.manifest.redactions).toEqual([{ member: 'leaky/out.txt', rule: 'config-secret', count: 1, lines: [2] }]);
  });

  it('writes to a named file with --out FILE, and cleans its temporary folder', async () => {
    const out = join(work, 'named');
    mkdirSync(out);
    const script = writeCollectorScript(join(out, 'collect.sh'), [echo('one', 'x')]);
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const r = spawnSync('sh', [script, '--out', join(out, 'node-7.tgz')], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, 'node-7.tgz'));
    expect(readdirSync(tmp)).toEqual([]);
    expect(r.stderr).toMatch(/^nodesnap collect: .*node-7\.tgz \(\d+ bytes\): 2 ok, 0 failed, 0 timeout, 0 skipped, 0 truncated; 0 redactions\n$/);
  });
});
