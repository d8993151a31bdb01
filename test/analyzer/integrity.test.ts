import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { basicMembers, sha256, snapshotEntries, tempDir, writeFolder, writeTarball } from './support/snapshot-builder.js';

const registryModule = new URL('./support/test-registry.mjs', import.meta.url).href;

describe('members are checked against manifest.json', () => {
  it('a sha256 mismatch, a listed member that is missing and an unlisted member are integrity errors', async () => {
    const dir = tempDir();
    const members = [
      ...basicMembers(),
      { member: 'lines/tampered.txt', data: 'edited by hand\n', manifestSha256: sha256('what the collector wrote\n') },
      { member: 'lines/extra.txt', data: 'slipped in\n', unlisted: true },
    ];
    const entries = snapshotEntries({
      hostname: 'node-i',
      members,
      extraItems: [
        { source: 'blob', item: 'gone', kind: 'command', status: 'ok', durationMs: 1, truncated: false, output: { member: 'blob/gone.bin', bytes: 10, sha256: sha256('0123456789') } },
      ],
    });
    const file = await writeTarball(join(dir, 'i.tar.gz'), entries);
    const { db, nodes, errors } = await analyzeInputs([file], { registryModule });
    expect(nodes[0]).toMatchObject({ status: 'partial', errors: 3 });
    expect(errors.map((e) => [e.kind, e.member, e.node, e.input])).toEqual([
      ['integrity', 'lines/tampered.txt', 'node-i', file],
      ['integrity', 'lines/extra.txt', 'node-i', file],
      ['integrity', 'blob/gone.bin', 'node-i', file],
    ]);
    expect(errors[0]!.message).toMatch(/differs from the manifest/);
    expect(errors[1]!.message).toMatch(/not listed in manifest.json/);
    expect(errors[2]!.message).toMatch(/listed in manifest.json but not in the archive/);
    const integrity = Object.fromEntries((db.prepare('SELECT member, integrity FROM files WHERE member IS NOT NULL').all() as { member: string; integrity: string }[]).map((r) => [r.member, r.integrity]));
    expect(integrity).toMatchObject({
      'snapshot.json': 'ok',
      'lines/lines.txt': 'ok',
      'lines/lines.stderr': 'ok',
      'lines/tampered.txt': 'mismatch',
      'lines/extra.txt': 'unlisted',
      'blob/gone.bin': 'missing',
      'manifest.json': null,
    });
    // the tampered member is still parsed: the rule snapshot/integrity-mismatch says it cannot be trusted
    expect(db.prepare("SELECT COUNT(*) AS n FROM test_lines WHERE member = 'lines/tampered.txt'").get()).toEqual({ n: 1 });
  });

  it('a source whose listed output is not in the archive is missing, not ok', async () => {
    const dir = tempDir();
    const entries = snapshotEntries({
      hostname: 'node-i',
      members: [{ member: 'uname/uname.txt', data: 'Linux node-i 6.1.0 x\n' }],
      extraItems: [{ source: 'lines', item: 'lines', kind: 'command', status: 'ok', durationMs: 1, truncated: false, output: { member: 'lines/lines.txt', bytes: 1, sha256: sha256('x') } }],
    });
    const { db } = await analyzeInputs([await writeTarball(join(dir, 'm.tar.gz'), entries)], { registryModule });
    expect(db.prepare("SELECT status, reason FROM source_status WHERE source = 'lines'").get()).toEqual({
      status: 'missing',
      reason: 'listed in manifest.json but its output is not in the archive',
    });
  });

  it('skipped, failed and timed-out items: files rows without a member, source_status from the items', async () => {
    const dir = tempDir();
    const item = (source: string, status: 'skipped', reason: string) => ({
      source,
      item: source,
      kind: 'command' as const,
      status,
      reason,
      durationMs: 1,
      truncated: false,
    });
    const entries = snapshotEntries({
      hostname: 'node-i',
      members: [
        { member: 'lines/a.txt', data: 'a\n', item: { status: 'timeout', reason: 'killed after 30 s', truncated: true } },
        { member: 'uname/uname.txt', data: 'Linux node-i 6.1.0 x\n' },
        { member: 'blob/b.txt', data: 'b', item: { status: 'failed', reason: 'exit 1' } },
        { member: 'early/e.txt', data: 'e', item: { status: 'failed', reason: 'exit 2' } },
        { member: 'early/f.txt', data: 'f' },
      ],
      extraItems: [item('boom', 'skipped', 'tool not found: boom'), item('rogue', 'skipped', 'not root')],
      redactions: [{ member: 'lines/a.txt', rule: 'env-secret', count: 2, lines: [3, 9] }],
    });
    const { db } = await analyzeInputs([await writeTarball(join(dir, 's.tar.gz'), entries)], { registryModule });
    const status = db.prepare('SELECT source, status, reason, items, members, parsed_members, truncated FROM source_status ORDER BY source').all();
    expect(status).toEqual([
      { source: 'blob', status: 'failed', reason: 'exit 1', items: 1, members: 1, parsed_members: 1, truncated: 0 },
      { source: 'boom', status: 'skipped', reason: 'tool not found: boom', items: 1, members: 0, parsed_members: 0, truncated: 0 },
      { source: 'early', status: 'ok', reason: '1 of 2 items failed: exit 2', items: 2, members: 2, parsed_members: 2, truncated: 0 },
      { source: 'lines', status: 'timeout', reason: 'killed after 30 s', items: 1, members: 1, parsed_members: 1, truncated: 1 },
      { source: 'never-collected', status: 'missing', reason: 'not collected (not in manifest.json)', items: 0, members: 0, parsed_members: 0, truncated: 0 },
      { source: 'rogue', status: 'skipped', reason: 'not root', items: 1, members: 0, parsed_members: 0, truncated: 0 },
      { source: 'uname', status: 'ok', reason: null, items: 1, members: 1, parsed_members: 1, truncated: 0 },
    ]);
    expect(db.prepare("SELECT member, role, status, reason FROM files WHERE source = 'boom'").all()).toEqual([{ member: null, role: 'item', status: 'skipped', reason: 'tool not found: boom' }]);
    expect(db.prepare('SELECT member, rule, count, lines FROM redactions').all()).toEqual([{ member: 'lines/a.txt', rule: 'env-secret', count: 2, lines: '3,9' }]);
  });

  it('file items carry their path, mtime and mode into files; the parser gets the path', async () => {
    const dir = tempDir();
    const top = writeFolder(dir, snapshotEntries({ hostname: 'node-i', members: basicMembers() }));
    const { db } = await analyzeInputs([top], { registryModule });
    expect(db.prepare("SELECT path, mtime, mode, integrity FROM files WHERE member = 'blob/var/lib/blob.bin'").get()).toEqual({
      path: '/var/lib/blob.bin',
      mtime: '2024-04-01T00:00:00Z',
      mode: '0644',
      integrity: 'ok',
    });
    expect(db.prepare('SELECT path FROM test_blobs').get()).toEqual({ path: '/var/lib/blob.bin' });
  });

  it('no manifest (a snapshot cut short): an error, and everything read is kept', async () => {
    const dir = tempDir();
    const file = await writeTarball(join(dir, 'n.tar.gz'), snapshotEntries({ hostname: 'node-i', members: basicMembers(), manifest: false }));
    const { db, nodes, errors } = await analyzeInputs([file], { registryModule });
    expect(nodes[0]).toMatchObject({ status: 'partial', rows: 8 });
    expect(errors).toEqual([expect.objectContaining({ kind: 'archive', member: 'manifest.json', node: 'node-i' })]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM files WHERE integrity IS NOT NULL').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT finished_at, collected_at FROM nodes').get()).toEqual({ finished_at: null, collected_at: '2024-05-01T00:00:00Z' });
  });
});
