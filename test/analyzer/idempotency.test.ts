import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { basicMembers, snapshotEntries, tempDir, writeFolder, writeTarball } from './support/snapshot-builder.js';
import { tables } from './support/test-registry.mjs';

const registryModule = new URL('./support/test-registry.mjs', import.meta.url).href;
const ALL_TABLES = ['nodes', 'files', 'source_status', 'errors', 'redactions', ...tables.map((t) => t.name)];

function counts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(ALL_TABLES.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

describe('re-analyzing into one --db is idempotent', () => {
  it('the same tarball twice (also under another name): one node, the same rows', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'out.db');
    const members = [...basicMembers(), { member: 'lines/bad.txt', data: '!broken\n' }];
    const file = await writeTarball(join(dir, 'a.tar.gz'), snapshotEntries({ members }));
    const other = await writeTarball(join(dir, 'b.tar.gz'), snapshotEntries({ hostname: 'node-b', members }));

    const run = await analyzeInputs([file, other], { registryModule, db: dbFile });
    // indexes of a new database are built after the load, before analyzeInputs returns
    expect(run.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'test_lines' ORDER BY name").all()).toEqual([
      { name: 'test_lines__line_no' },
      { name: 'test_lines__node_id' },
    ]);
    run.db.close();
    const first = counts(dbFile);
    expect(first.nodes).toBe(2);
    expect(first.errors).toBe(2);

    (await analyzeInputs([file], { registryModule, db: dbFile })).db.close();
    expect(counts(dbFile)).toEqual(first);

    const copy = join(dir, 'copy-of-a.tar.gz');
    copyFileSync(file, copy);
    const again = await analyzeInputs([copy], { registryModule, db: dbFile });
    expect(again.db.prepare('SELECT input FROM nodes ORDER BY node_id').all()).toEqual([{ input: other }, { input: copy }]);
    again.db.close();
    expect(counts(dbFile)).toEqual(first);
  });

  it('a folder twice, and an unreadable input twice', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'out.db');
    const top = writeFolder(dir, snapshotEntries({ members: basicMembers() }));
    const missing = join(dir, 'not-there.tar.gz');
    (await analyzeInputs([top, missing], { registryModule, db: dbFile })).db.close();
    const first = counts(dbFile);
    (await analyzeInputs([missing, top], { registryModule, db: dbFile })).db.close();
    expect(counts(dbFile)).toEqual(first);
    expect(first.nodes).toBe(2);
  });

  it('a database made with other tables is refused, not mixed', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'out.db');
    const file = await writeTarball(join(dir, 'a.tar.gz'), snapshotEntries({ members: basicMembers() }));
    (await analyzeInputs([file], { registryModule, db: dbFile })).db.close();
    await expect(analyzeInputs([file], { db: dbFile })).rejects.toThrow(/another version of the nodesnap schema/);
    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE customers (id INTEGER)');
    db.close();
    await expect(analyzeInputs([file], { registryModule, db: foreign })).rejects.toThrow(/tables that nodesnap did not create/);
  });
});
