import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { basicMembers, snapshotEntries, tempDir, writeFolder, writeTarball } from './support/snapshot-builder.js';

const registryModule = new URL('./support/test-registry.mjs', import.meta.url).href;

describe('analyzeInputs: a well-formed snapshot', () => {
  it('loads a tarball: parser rows, facts, files, source_status, nodes', async () => {
    const dir = tempDir();
    const file = await writeTarball(join(dir, 'a.tar.gz'), snapshotEntries({ members: basicMembers() }));
    const errors: string[] = [];
    const { db, nodes } = await analyzeInputs([file], { registryModule, onError: (e) => errors.push(e.message) });
    expect(errors).toEqual([]);
    expect(nodes).toHaveLength(1);
    const node = nodes[0]!;
    expect(node).toMatchObject({ name: 'node-a', status: 'ok', errors: 0, rows: 4 + 3 + 1 });
    const lines = db.prepare('SELECT line_no, text, shout, member, collected_at FROM test_lines ORDER BY line_no').all();
    expect(lines).toEqual([
      { line_no: 1, text: 'alpha', shout: 0, member: 'lines/lines.txt', collected_at: '2024-05-01T00:00:00Z' },
      { line_no: 2, text: 'BETA', shout: 1, member: 'lines/lines.txt', collected_at: '2024-05-01T00:00:00Z' },
      { line_no: 3, text: 'gamma', shout: 0, member: 'lines/lines.txt', collected_at: '2024-05-01T00:00:00Z' },
    ]);
    expect(db.prepare('SELECT bytes, path FROM test_blobs').get()).toEqual({ bytes: 5000, path: '/var/lib/blob.bin' });
    const n = db.prepare('SELECT * FROM nodes').get() as Record<string, unknown>;
    expect(n).toMatchObject({
      hostname: 'node-a',
      kernel: '5.4.0-150-generic',
      kube_proxy_mode: 'ipvs',
      clock_offset_seconds: -1.5,
      utc_offset: '+0800',
      timezone: 'Asia/Shanghai',
      label: 'lab',
      case_id: 'CASE-1',
      collector: 'node',
      root: 1,
      input_kind: 'tarball',
      finished_at: '2024-05-01T00:00:30Z',
    });
    expect(n.input_sha256).toMatch(/^[0-9a-f]{64}$/);
    const statuses = Object.fromEntries((db.prepare('SELECT source, status FROM source_status').all() as { source: string; status: string }[]).map((r) => [r.source, r.status]));
    expect(statuses).toMatchObject({ uname: 'ok', lines: 'ok', blob: 'ok', 'unknown-source': 'ok', 'never-collected': 'missing', boom: 'missing' });
    const files = db.prepare('SELECT member, role, integrity, parsed, rows FROM files ORDER BY member').all();
    expect(files).toContainEqual({ member: 'lines/lines.stderr', role: 'stderr', integrity: 'ok', parsed: null, rows: 0 });
    expect(files).toContainEqual({ member: 'manifest.json', role: 'manifest', integrity: null, parsed: null, rows: 0 });
    expect(files).toContainEqual({ member: 'unknown-source/thing.txt', role: 'output', integrity: 'ok', parsed: null, rows: 0 });
    db.close();
  });

  it('loads the same snapshot as a folder and as a folder of folders', async () => {
    const dir = tempDir();
    const top = writeFolder(dir, snapshotEntries({ members: basicMembers() }));
    for (const arg of [top, dir]) {
      const { db, nodes } = await analyzeInputs([arg], { registryModule });
      expect(nodes).toHaveLength(1);
      expect(nodes[0]).toMatchObject({ status: 'ok', errors: 0, rows: 8, input: top });
      expect(db.prepare('SELECT input_kind FROM nodes').get()).toEqual({ input_kind: 'folder' });
      db.close();
    }
  });
});

describe('analyzeInputs: layout variants and parser plumbing', () => {
  it('reads a plain .tar, a tarball without a top folder and a re-packed one whose snapshot.json is not first', async () => {
    const dir = tempDir();
    const entries = snapshotEntries({ members: basicMembers() });
    const plain = await writeTarball(join(dir, 'plain.tar'), entries, { gzip: false });
    const flat = await writeTarball(join(dir, 'flat.tgz'), entries.map((e) => ({ ...e, name: `./${e.name.slice(e.name.indexOf('/') + 1)}` })));
    const top = entries[0]!.name.split('/')[0]!;
    const repacked = await writeTarball(join(dir, 'repacked.tar.gz'), [{ name: `${top}/`, type: 'directory' }, ...entries.slice(1).reverse(), entries[0]!]);
    const { db, nodes, errors } = await analyzeInputs([plain, flat, repacked], { registryModule });
    expect(errors).toEqual([]);
    expect(nodes.map((n) => [n.status, n.rows])).toEqual([
      ['ok', 8],
      ['ok', 8],
      ['ok', 8],
    ]);
    // three different files: three nodes (the key is the input's bytes)
    expect(db.prepare('SELECT COUNT(DISTINCT input_sha256) AS n FROM nodes').get()).toEqual({ n: 3 });
  });

  it('strips a UTF-8 byte order mark before a text parser sees the text', async () => {
    const dir = tempDir();
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('first\nsecond\n')]);
    const file = await writeTarball(join(dir, 'bom.tar.gz'), snapshotEntries({ members: [{ member: 'lines/bom.txt', data: bom }] }));
    const { db } = await analyzeInputs([file], { registryModule });
    expect(db.prepare('SELECT text FROM test_lines ORDER BY line_no').all()).toEqual([{ text: 'first' }, { text: 'second' }]);
  });

  it('malformed-line reports become parse errors with their line, capped per member', async () => {
    const dir = tempDir();
    const text = ['good', ...Array.from({ length: 8 }, (_, i) => `!bad ${i}`), 'fine'].join('\n');
    const file = await writeTarball(join(dir, 'bad.tar.gz'), snapshotEntries({ members: [{ member: 'lines/bad.txt', data: text }] }));
    const { nodes, errors } = await analyzeInputs([file], { registryModule, limits: { lineReportsPerMember: 3 } });
    expect(errors.map((e) => [e.kind, e.member, e.line, e.message])).toEqual([
      ['parse', 'lines/bad.txt', 2, 'bad line: !bad 0'],
      ['parse', 'lines/bad.txt', 3, 'bad line: !bad 1'],
      ['parse', 'lines/bad.txt', 4, 'bad line: !bad 2'],
      ['parse', 'lines/bad.txt', null, '5 more malformed line(s) not recorded'],
    ]);
    // malformed lines do not make the node partial: the member was parsed
    expect(nodes[0]).toMatchObject({ status: 'ok', rows: 2 });
  });

  it('a stream parser that stops early: the rest is drained and the member still verifies', async () => {
    const dir = tempDir();
    const data = Buffer.alloc(3 * 1024 * 1024, 1);
    const file = await writeTarball(join(dir, 'early.tar.gz'), snapshotEntries({ members: [{ member: 'early/e.bin', data }, { member: 'lines/after.txt', data: 'after\n' }] }));
    const { db, nodes, errors } = await analyzeInputs([file], { registryModule });
    expect(errors).toEqual([]);
    expect(nodes[0]).toMatchObject({ status: 'ok', rows: 2 });
    expect(db.prepare("SELECT bytes, integrity, parsed, rows FROM files WHERE member = 'early/e.bin'").get()).toEqual({ bytes: data.length, integrity: 'ok', parsed: 1, rows: 1 });
  });

  it('node identity falls back to the manifest when snapshot.json is missing', async () => {
    const dir = tempDir();
    const file = await writeTarball(join(dir, 'nohead.tar.gz'), snapshotEntries({ hostname: 'from-manifest', header: false, members: [{ member: 'lines/a.txt', data: 'a\n' }] }));
    const { db, nodes, errors } = await analyzeInputs([file], { registryModule });
    expect(errors).toEqual([]);
    expect(nodes[0]).toMatchObject({ name: 'from-manifest', status: 'ok' });
    expect(db.prepare('SELECT collected_at FROM nodes').get()).toEqual({ collected_at: '2024-05-01T00:00:00Z' });
  });
});
