import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import type { Db } from '../../analyzer/db/database.js';
import { buildDist, ROOT } from './support/build-dist.js';
import { basicMembers, snapshotEntries, tempDir, writeTarball } from './support/snapshot-builder.js';

const registryModule = new URL('./support/test-registry.mjs', import.meta.url).href;

/** Every table's rows, sorted, without the one column that must differ (analyzed_at). */
function dump(db: Db): Record<string, unknown[]> {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[];
    out[t] = rows.map((r) => JSON.stringify({ ...r, analyzed_at: undefined })).sort();
  }
  return out;
}

/** 20 nodes: most healthy and of different sizes, some damaged, one that kills its worker thread. */
async function batch(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < 20; i++) {
    const lines = Array.from({ length: 200 + i * 150 }, (_, j) => (j % 97 === 13 ? `!bad ${j}` : `rule ${i}-${j}`)).join('\n');
    const members = [...basicMembers(lines), { member: 'lines/extra.txt', data: `node ${i}\n`, unlisted: i % 5 === 0 }];
    if (i === 7) members.push({ member: 'boom/boom.txt', data: 'x', unlisted: false });
    const file = await writeTarball(join(dir, `node-${String(i).padStart(2, '0')}.tar.gz`), snapshotEntries({ hostname: `node-${i}`, members }));
    if (i === 11) writeFileSync(file, readFileSync(file).subarray(0, 900));
    files.push(file);
  }
  // the same bytes under a later name: the later input replaces the earlier one, in both modes
  copyFileSync(files[3]!, join(dir, 'node-99-copy.tar.gz'));
  files.push(join(dir, 'node-99-copy.tar.gz'));
  return files;
}

describe('batch on worker threads (runs the dist/ build)', () => {
  beforeAll(() => buildDist());

  it('21 tarballs with --jobs 2 give exactly the sequential result', async () => {
    const dir = tempDir();
    const files = await batch(dir);
    let started = Date.now();
    const printedSequential: string[] = [];
    const sequential = await analyzeInputs([dir], { registryModule, jobs: 1, onError: (e) => printedSequential.push(`${e.node} ${e.member}`) });
    const sequentialMs = Date.now() - started;
    const printed: string[] = [];
    started = Date.now();
    const parallel = await analyzeInputs([dir], { registryModule, jobs: 2, onError: (e) => printed.push(`${e.node} ${e.member}`) });
    const parallelMs = Date.now() - started;
    console.log(`21 nodes: sequential ${sequentialMs} ms, 2 workers ${parallelMs} ms`);

    // small segments: many merges, the copies of one input in different segments
    const segmented = await analyzeInputs([dir], { registryModule, jobs: 2, segmentNodes: 2 });
    expect(dump(segmented.db)).toEqual(dump(sequential.db));
    expect(parallel.nodes).toEqual(sequential.nodes);
    expect(parallel.errors).toEqual(sequential.errors);
    expect(dump(parallel.db)).toEqual(dump(sequential.db));
    expect(printed.sort()).toEqual(printedSequential.sort());
    const kept = files.filter((_, i) => i !== 3);
    expect(parallel.nodes.map((n) => n.input)).toEqual(kept);
    const statusOf = (i: number) => (i === 11 || i === 7 || i % 5 === 0 ? 'partial' : 'ok');
    expect(parallel.nodes.map((n) => n.status)).toEqual([...Array.from({ length: 20 }, (_, i) => statusOf(i)), statusOf(3)].filter((_, i) => i !== 3));
    // node_ids follow input order whatever order the workers finish in
    expect(parallel.nodes.map((n) => n.nodeId)).toEqual(files.map((_, i) => i + 1).filter((id) => id !== 4));
  });

  it('a worker thread that dies loses only its node; the others load', async () => {
    const dir = tempDir();
    const inputs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const members = i === 2 ? [...basicMembers(), { member: 'die/die.txt', data: 'x' }] : basicMembers();
      inputs.push(await writeTarball(join(dir, `n${i}.tar.gz`), snapshotEntries({ hostname: `n${i}`, members })));
    }
    const { db, nodes, errors } = await analyzeInputs(inputs, { registryModule, jobs: 2 });
    expect(nodes.map((n) => n.status)).toEqual(['ok', 'ok', 'unreadable', 'ok', 'ok']);
    // rules still see every source of the lost node, as missing
    expect(db.prepare("SELECT COUNT(*) AS n FROM source_status WHERE node_id = ? AND status = 'missing'").get(nodes[2]!.nodeId)).toEqual({ n: 7 });
    expect(errors).toEqual([expect.objectContaining({ kind: 'input', input: inputs[2], message: expect.stringMatching(/worker thread stopped while reading this input: exit code 7/) })]);
  });

  it('the installed CLI: summary on stdout, one line per error on stderr, exit 0', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'junk.tgz'), 'not a snapshot');
    const run = spawnSync(process.execPath, [join(ROOT, 'analyzer/bin/nodesnap.js'), 'analyze', dir, join(dir, 'absent.tar'), '--jobs', '2', '--db', join(dir, 'out.db')], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^NODE\s+STATUS\s+SOURCES\s+PARSED\s+ROWS\s+ERRORS\s+INPUT$/m);
    expect(run.stdout).toMatch(/^junk\.tgz\s+unreadable\s+0\s+0\s+0\s+1\s+\S*junk\.tgz$/m);
    expect(run.stdout).toMatch(/2 node\(s\): 0 ok, 0 partial, 2 unreadable; 2 error\(s\)/);
    expect(run.stderr.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^nodesnap: input error: \S+absent\.tar \[absent\.tar\]: cannot open input/),
      expect.stringMatching(/^nodesnap: input error: \S+junk\.tgz \[junk\.tgz\]: not a tar or gzip file/),
    ]);
  });
});
