import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../analyzer/cli/main.js';
import { BOOKKEEPING_TABLES } from '../../analyzer/db/bookkeeping-tables.js';
import { PARSED_TABLES } from '../../analyzer/schema/tables.js';
import { snapshotEntries, tempDir, writeTarball } from './support/snapshot-builder.js';

/** Runs the CLI in this process and captures what it prints. */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'nodesnap', ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('nodesnap analyze', () => {
  it('prints one summary line per node and exits 0, also when an input is unreadable', async () => {
    const dir = tempDir();
    // members of sources no parser knows: the summary does not depend on the real parsers' progress
    const good = await writeTarball(
      join(dir, 'good.tar.gz'),
      snapshotEntries({ hostname: 'web-1', members: [{ member: 'test-only-source/a.txt', data: 'a\n' }] }),
    );
    const junk = join(dir, 'junk.tar.gz');
    writeFileSync(junk, 'junk');
    const dbFile = join(dir, 'out.db');
    const { code, stdout, stderr } = await run('analyze', good, junk, '--jobs', '1', '--db', dbFile);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^NODE\s+STATUS\s+SOURCES\s+PARSED\s+ROWS\s+ERRORS\s+INPUT$/);
    expect(lines[1]).toMatch(new RegExp(`^web-1\\s+ok\\s+1\\s+0\\s+0\\s+0\\s+${good}$`));
    expect(lines[2]).toMatch(new RegExp(`^junk\\.tar\\.gz\\s+unreadable\\s+0\\s+0\\s+0\\s+1\\s+${junk}$`));
    expect(stdout).toContain('2 node(s): 1 ok, 0 partial, 1 unreadable; 1 error(s)');
    expect(stdout).toContain(`database: ${dbFile}`);
    expect(stderr).toBe(`nodesnap: input error: ${junk} [junk.tar.gz]: not a tar or gzip file (shorter than one tar header)\n`);
    const db = new Database(dbFile, { readonly: true });
    expect(db.prepare('SELECT name, status FROM nodes ORDER BY node_id').all()).toEqual([
      { name: 'web-1', status: 'ok' },
      { name: 'junk.tar.gz', status: 'unreadable' },
    ]);
    db.close();
  });

  it('escapes control characters in names it prints', async () => {
    const dir = tempDir();
    const odd = join(dir, 'evil\u001b[31m.tgz');
    writeFileSync(odd, '');
    const { code, stdout, stderr } = await run('analyze', odd, '--jobs', '1');
    expect(code).toBe(0);
    expect(stdout).not.toContain('\u001b');
    expect(stderr).not.toContain('\u001b');
    expect(stderr).toContain('evil\\x1b[31m.tgz');
  });

  it('usage and tool errors exit 2', async () => {
    expect((await run('analyze')).code).toBe(2);
    const jobs = await run('analyze', 'x.tar.gz', '--jobs', 'many');
    expect(jobs.code).toBe(2);
    expect(jobs.stderr).toContain('--jobs must be a whole number');
    expect((await run('analyze', 'x.tar.gz', '--frobnicate')).code).toBe(2);

    const dir = tempDir();
    const asFolder = join(dir, 'db-is-a-folder');
    mkdirSync(asFolder);
    const folderDb = await run('analyze', dir, '--db', asFolder);
    expect(folderDb.code).toBe(2);
    expect(folderDb.stderr).toMatch(/^nodesnap analyze: /);

    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const foreignDb = await run('analyze', dir, '--db', foreign, '--jobs', '1');
    expect(foreignDb.code).toBe(2);
    expect(foreignDb.stderr).toContain('tables that nodesnap did not create');
  });
});

describe('nodesnap schema', () => {
  const allTables = [...BOOKKEEPING_TABLES, ...PARSED_TABLES].map((t) => t.name);

  it('--json lists every table with node_id first and every column described', async () => {
    const { code, stdout } = await run('schema', '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { tables: { name: string; filledBy: string; columns: { name: string; type: string; description: string }[] }[] };
    expect(doc.tables.map((t) => t.name)).toEqual(allTables);
    for (const t of doc.tables) {
      expect(t.columns[0]?.name).toBe('node_id');
      for (const c of t.columns) expect(c.description.length, `${t.name}.${c.name}`).toBeGreaterThan(0);
    }
    const nodes = doc.tables.find((t) => t.name === 'nodes')!;
    expect(nodes.filledBy).toBe('loader');
    expect(nodes.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['input_sha256', 'status', 'hostname', 'kernel', 'kube_proxy_mode', 'clock_offset_seconds', 'analyzed_at']));
  });

  it('prints text by default and Markdown with --markdown; both flags is a usage error', async () => {
    const text = await run('schema');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^source_status {2}\(filled by the loader\)$/m);
    expect(text.stdout).toMatch(/^ {4}integrity\s+TEXT\s+'ok', 'mismatch'/m);
    const md = await run('schema', '--markdown');
    expect(md.code).toBe(0);
    for (const name of allTables) expect(md.stdout).toContain(`## ${name}\n`);
    expect(md.stdout).toContain('| `node_id` | INTEGER |');
    expect((await run('schema', '--json', '--markdown')).code).toBe(2);
  });
});
