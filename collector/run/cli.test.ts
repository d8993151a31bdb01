import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildCollector } from './test-helpers/child-collector.js';
import { checksumProblems, readSnapshot } from './test-helpers/read-snapshot.js';

let child: ChildCollector;
let work: string;

beforeAll(() => {
  child = new ChildCollector();
  work = mkdtempSync(join(tmpdir(), 'nodesnap-cli-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('nodesnap collect (command line)', () => {
  it('prints the snapshot path as the last stdout line and a summary on stderr', async () => {
    const out = join(work, 'ok');
    // --out names a folder that does not exist: a usage error, said as such, nothing written
    const run = await child.cli(['collect', '--only', 'uname', '--out', `${out}/`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nodesnap collect: --out: folder does not exist');
    expect(existsSync(out)).toBe(false);

    const made = mkdtempSync(join(work, 'ok-'));
    const log = join(made, 'kubelet.log');
    writeFileSync(log, 'E1121 10:00:00 kubelet.go:1 failed\n');
    const args = ['collect', '--only', 'uname,hostname', '--only', 'os-release', '--out', made, '--label', 'smoke test', '--case-id', 'CASE-42', '--attach', log];
    const good = await child.cli(args);
    expect(good.stderr).not.toMatch(/^nodesnap: /m);
    expect(good.code).toBe(0);
    const lines = good.stdout.trimEnd().split('\n');
    const path = lines.at(-1) ?? '';
    expect(path.startsWith(`${made}/`)).toBe(true);
    expect(basename(path)).toMatch(/^nodesnap-.+-CASE-42-smoke_test-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(existsSync(path)).toBe(true);
    // stderr is not a terminal here: no progress, just the summary line
    expect(good.stderr.trim().split('\n')).toHaveLength(1);
    expect(good.stderr).toMatch(/^nodesnap collect: .+\.tar\.gz \(.+\): \d+ ok, 0 failed, 0 timeout, \d+ skipped, 0 truncated; \d+ redactions$/m);

    const snapshot = await readSnapshot(path);
    expect(snapshot.manifest.commandLine).toEqual(['nodesnap', ...args]);
    expect(snapshot.members.get('attachments/01-kubelet.log')?.toString()).toBe('E1121 10:00:00 kubelet.go:1 failed\n');
    expect(snapshot.manifest.caseId).toBe('CASE-42');
    expect(snapshot.members.get('uname/uname.txt')?.toString()).toMatch(/^Linux /);
    expect(checksumProblems(snapshot)).toEqual([]);
  });

  it('exits 2 and writes nothing on a bad flag, a bad number, an unknown source or a missing attachment', async () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const cases: string[][] = [
      ['--no-such-flag'],
      ['--pcap-seconds', 'ten'],
      ['--max-size', '-5'],
      ['--concurrency', '0'],
      ['--only', 'uname,no-such-source'],
      ['--skip', 'iptables'],
      ['--attach', join(dir, 'missing.pcap')],
      ['--since', 'last tuesday'],
    ];
    for (const args of cases) {
      const run = await child.cli(['collect', '--out', dir, ...args]);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr.length).toBeGreaterThan(0);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});
