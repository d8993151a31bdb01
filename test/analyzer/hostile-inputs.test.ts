import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeInputs, type AnalyzeOptions, type AnalyzeResult } from '../../analyzer/load/analyze-inputs.js';
import type { ErrorRecord } from '../../analyzer/load/error-record.js';
import {
  basicMembers,
  gzipCorruptAt,
  rawTarHeader,
  snapshotEntries,
  tarBytes,
  tempDir,
  writeFolder,
  writeTarball,
  type RawEntry,
} from './support/snapshot-builder.js';

const registryModule = new URL('./support/test-registry.mjs', import.meta.url).href;
const TOP = 'nodesnap-node-h-20240501T000000Z';

/** A healthy node analyzed in the same batch as the hostile input: it must not suffer. */
async function goodTarball(dir: string): Promise<string> {
  return writeTarball(join(dir, 'good.tar.gz'), snapshotEntries({ hostname: 'good-node', members: basicMembers() }));
}

interface Outcome extends AnalyzeResult {
  printed: ErrorRecord[];
  hostile: AnalyzeResult['nodes'][number];
  rowsOf(nodeId: number, table: string): number;
}

/** Analyzes [hostile, good]; checks the good node loaded in full and every error was also reported through onError. */
async function analyzeBeside(hostile: string, dir: string, options: AnalyzeOptions = {}): Promise<Outcome> {
  const good = await goodTarball(dir);
  const printed: ErrorRecord[] = [];
  const result = await analyzeInputs([hostile, good], { registryModule, onError: (e) => printed.push(e), ...options });
  expect(result.nodes).toHaveLength(2);
  const [first, second] = result.nodes;
  expect(second).toMatchObject({ name: 'good-node', status: 'ok', errors: 0, rows: 8 });
  expect(printed).toHaveLength(result.errors.length);
  const rowsOf = (nodeId: number, table: string) => (result.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE node_id = ?`).get(nodeId) as { n: number }).n;
  return { ...result, printed, hostile: first!, rowsOf };
}

interface ErrorMatch {
  kind?: ErrorRecord['kind'];
  member?: string | null;
  message?: RegExp | string;
}

function errorFor(result: AnalyzeResult, match: ErrorMatch): ErrorRecord {
  const found = result.errors.find(
    (e) =>
      (match.kind === undefined || e.kind === match.kind) &&
      (match.member === undefined || e.member === match.member) &&
      (match.message === undefined || (typeof match.message === 'string' ? e.message.includes(match.message) : match.message.test(e.message))),
  );
  expect(found, `no error like ${JSON.stringify({ ...match, message: String(match.message) })} in ${JSON.stringify(result.errors, null, 1)}`).toBeDefined();
  return found!;
}

/** Text members that sit before the damage in the archive. */
const earlyMembers = [
  { member: 'uname/uname.txt', data: 'Linux node-h 5.4.0 #1 SMP x86_64\n' },
  { member: 'lines/first.txt', data: 'one\ntwo\n' },
];

describe('hostile inputs: each is an error row naming input, node and member; the rest is analyzed', () => {
  it('truncated gzip keeps the members read before the cut', async () => {
    const dir = tempDir();
    const big = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}\n`).join('');
    const file = await writeTarball(join(dir, 'cut.tar.gz'), snapshotEntries({ hostname: 'node-h', members: [...earlyMembers, { member: 'lines/big.txt', data: big }] }));
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const r = await analyzeBeside(file, dir);
    expect(r.hostile).toMatchObject({ name: 'node-h', status: 'partial', input: file });
    const e = errorFor(r, { kind: 'archive', member: 'lines/big.txt', message: /truncated/ });
    expect(e).toMatchObject({ input: file, node: 'node-h' });
    errorFor(r, { kind: 'archive', member: 'manifest.json', message: /missing/ });
    expect(r.rowsOf(r.hostile.nodeId, 'test_lines')).toBe(2);
    expect(r.db.prepare('SELECT kernel FROM nodes WHERE node_id = ?').get(r.hostile.nodeId)).toEqual({ kernel: '5.4.0' });
    // a truncated snapshot has no manifest: what was read counts as collected, the rest as missing
    const status = r.db.prepare("SELECT source, status FROM source_status WHERE node_id = ? AND source IN ('uname', 'blob')").all(r.hostile.nodeId);
    expect(status).toEqual(expect.arrayContaining([{ source: 'uname', status: 'ok' }, { source: 'blob', status: 'missing' }]));
  });

  it('a gzip data error in the middle of a member names that member', async () => {
    const dir = tempDir();
    const big = 'x'.repeat(100_000);
    const entries = snapshotEntries({ hostname: 'node-h', members: [...earlyMembers, { member: 'lines/big.txt', data: big }, { member: 'lines/after.txt', data: 'after\n' }] });
    const tar = await tarBytes(entries);
    const at = tar.indexOf(Buffer.from('x'.repeat(64))) + 50_000; // inside big.txt's data
    const file = join(dir, 'corrupt.tar.gz');
    writeFileSync(file, gzipCorruptAt(tar, at));
    const r = await analyzeBeside(file, dir);
    expect(r.hostile.status).toBe('partial');
    expect(errorFor(r, { kind: 'archive', member: 'lines/big.txt', message: /corrupt gzip data/ })).toMatchObject({ input: file, node: 'node-h' });
    expect(r.rowsOf(r.hostile.nodeId, 'test_lines')).toBe(2);
    expect(r.db.prepare("SELECT sha256, parsed FROM files WHERE node_id = ? AND member = 'lines/big.txt'").get(r.hostile.nodeId)).toEqual({ sha256: null, parsed: 0 });
  });

  it('a file that is neither gzip nor tar, and gzip of something that is not a tar', async () => {
    const dir = tempDir();
    const text = join(dir, 'notes.tar.gz');
    writeFileSync(text, 'hello, this is not an archive\n'.repeat(50));
    let r = await analyzeBeside(text, dir);
    expect(r.hostile).toMatchObject({ status: 'unreadable', name: 'notes.tar.gz' });
    expect(errorFor(r, { kind: 'input', message: /not a tar or gzip file/ })).toMatchObject({ input: text, node: 'notes.tar.gz', member: null });

    const gz = join(dir, 'text.tgz');
    writeFileSync(gz, gzipSync(Buffer.from('plain text, gzipped\n'.repeat(100))));
    r = await analyzeBeside(gz, dir);
    expect(r.hostile.status).toBe('unreadable');
    errorFor(r, { kind: 'input', message: /corrupt tar data/ });
    // an unreadable input still has its row in source_status for every registry source
    expect(r.rowsOf(r.hostile.nodeId, 'source_status')).toBe(7);
  });

  it('a parser that throws loses only its member', async () => {
    const dir = tempDir();
    const file = await writeTarball(join(dir, 'boom.tar.gz'), snapshotEntries({ hostname: 'node-h', members: [...basicMembers(), { member: 'boom/boom.txt', data: 'anything' }] }));
    const r = await analyzeBeside(file, dir);
    expect(r.hostile).toMatchObject({ status: 'partial', rows: 8 });
    expect(errorFor(r, { kind: 'parse', member: 'boom/boom.txt', message: 'boom parser failed: kaboom' })).toMatchObject({ input: file, node: 'node-h' });
    expect(r.db.prepare("SELECT status, reason FROM source_status WHERE node_id = ? AND source = 'boom'").get(r.hostile.nodeId)).toEqual({
      status: 'parse_error',
      reason: 'boom parser failed: kaboom',
    });
  });

  it('a parser that breaks the table contract: unknown table, unknown column, a non-cell value', async () => {
    const dir = tempDir();
    const file = await writeTarball(join(dir, 'rogue.tar.gz'), snapshotEntries({ hostname: 'node-h', members: [{ member: 'rogue/rogue.txt', data: 'x' }] }));
    const r = await analyzeBeside(file, dir);
    errorFor(r, { kind: 'parse', member: 'rogue/rogue.txt', message: 'rogue parser produced rows for unknown table "nope"' });
    errorFor(r, { kind: 'parse', member: 'rogue/rogue.txt', message: 'unknown column test_lines.bogus' });
    errorFor(r, { kind: 'parse', member: 'rogue/rogue.txt', message: 'produced a object for test_lines.text' });
    expect(r.db.prepare('SELECT line_no, text FROM test_lines WHERE node_id = ? ORDER BY line_no').all(r.hostile.nodeId)).toEqual([
      { line_no: 1, text: 'ok' },
      { line_no: 2, text: '{"not":"a cell"}' },
    ]);
  });

  it('a stream parser that yields something other than [table, row] keeps its earlier rows', async () => {
    const dir = tempDir();
    const file = await writeTarball(join(dir, 'odd.tar.gz'), snapshotEntries({ hostname: 'node-h', members: [{ member: 'odd-stream/o.bin', data: 'x'.repeat(100) }, ...earlyMembers] }));
    const r = await analyzeBeside(file, dir);
    errorFor(r, { kind: 'parse', member: 'odd-stream/o.bin', message: 'odd-stream parser failed: yielded something other than [table, row]' });
    expect(r.db.prepare('SELECT path FROM test_blobs WHERE node_id = ?').all(r.hostile.nodeId)).toEqual([{ path: 'before' }]);
    expect(r.db.prepare("SELECT parsed, integrity FROM files WHERE node_id = ? AND member = 'odd-stream/o.bin'").get(r.hostile.nodeId)).toEqual({ parsed: 0, integrity: 'ok' });
    expect(r.rowsOf(r.hostile.nodeId, 'test_lines')).toBe(2);
  });

  it('member names with .., an absolute path or NUL are ignored', async () => {
    const dir = tempDir();
    const entries = snapshotEntries({ hostname: 'node-h', members: basicMembers() });
    const manifest = entries.pop()!;
    entries.push(
      { name: `${TOP}/../../etc/cron.d/evil`, data: 'x' },
      { name: '/etc/passwd', data: 'x' },
      { name: `${TOP}/lines/nul`, data: 'x', pax: { path: `${TOP}/lines/a\u0000b` } },
      manifest,
    );
    const file = await writeTarball(join(dir, 'names.tar.gz'), entries);
    const r = await analyzeBeside(file, dir);
    expect(errorFor(r, { kind: 'archive', message: /path traversal/ })).toMatchObject({ member: `${TOP}/../../etc/cron.d/evil`, node: 'node-h', input: file });
    expect(errorFor(r, { kind: 'archive', message: /absolute path/ }).member).toBe('/etc/passwd');
    expect(errorFor(r, { kind: 'archive', message: /NUL/ }).member).toBe(`${TOP}/lines/a\\x00b`);
    expect(r.hostile).toMatchObject({ status: 'partial', rows: 8 });
    expect(r.db.prepare("SELECT COUNT(*) AS n FROM files WHERE node_id = ? AND integrity = 'ok'").get(r.hostile.nodeId)).toEqual({ n: 6 });
  });

  it('a tar header claiming a terabyte, followed by end of file, stops at once', async () => {
    const dir = tempDir();
    const head = await tarBytes(snapshotEntries({ hostname: 'node-h', top: TOP, members: earlyMembers, manifest: false }), { endMarker: false });
    const file = join(dir, 'huge.tar.gz');
    writeFileSync(file, gzipSync(Buffer.concat([head, rawTarHeader(`${TOP}/blob/huge.bin`, 1n << 40n), Buffer.alloc(4096, 1)])));
    const started = Date.now();
    const r = await analyzeBeside(file, dir);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(errorFor(r, { kind: 'limit', member: 'blob/huge.bin', message: /declares 1099511627776 bytes/ })).toMatchObject({ input: file, node: 'node-h' });
    expect(r.hostile.status).toBe('partial');
    expect(r.rowsOf(r.hostile.nodeId, 'test_lines')).toBe(2);
  });

  it('a tar header claiming more bytes than the file holds is a truncation of that member', async () => {
    const dir = tempDir();
    const head = await tarBytes(snapshotEntries({ hostname: 'node-h', top: TOP, members: earlyMembers, manifest: false }), { endMarker: false });
    const file = join(dir, 'short.tar');
    writeFileSync(file, Buffer.concat([head, rawTarHeader(`${TOP}/lines/short.txt`, 100_000_000n), Buffer.alloc(1000, 0x61)]));
    const r = await analyzeBeside(file, dir);
    expect(errorFor(r, { kind: 'archive', member: 'lines/short.txt', message: /tar data ends early/ })).toMatchObject({ input: file, node: 'node-h' });
    expect(r.rowsOf(r.hostile.nodeId, 'test_lines')).toBe(2);
  });

  it('a zip-bomb-like member hits the text limit; it is hashed, not kept', async () => {
    const dir = tempDir();
    const zeros = 64 * 1024 * 1024;
    const entries = snapshotEntries({ hostname: 'node-h', members: [{ member: 'lines/first.txt', data: 'one\n' }] });
    entries.splice(2, 0, {
      name: 'nodesnap-node-h-20240501T000000Z/lines/bomb.txt',
      stream: {
        size: zeros,
        async *chunks() {
          const chunk = Buffer.alloc(1024 * 1024);
          for (let i = 0; i < 64; i++) yield chunk;
        },
      },
    });
    const file = await writeTarball(join(dir, 'bomb.tar.gz'), entries, { level: 9 });
    expect(readFileSync(file).length).toBeLessThan(zeros / 500);
    const r = await analyzeBeside(file, dir, { limits: { textBytes: 1024 * 1024 } });
    expect(errorFor(r, { kind: 'limit', member: 'lines/bomb.txt', message: /text limit/ })).toMatchObject({ input: file, node: 'node-h' });
    expect(r.db.prepare("SELECT bytes, parsed FROM files WHERE node_id = ? AND member = 'lines/bomb.txt'").get(r.hostile.nodeId)).toEqual({ bytes: zeros, parsed: 0 });
    expect(r.rowsOf(r.hostile.nodeId, 'test_lines')).toBe(1);
  });

  it('a duplicate member: the first copy is kept', async () => {
    const dir = tempDir();
    const entries = snapshotEntries({ hostname: 'node-h', members: [{ member: 'lines/l.txt', data: 'first\n' }] });
    entries.splice(2, 0, { name: `${TOP}/lines/l.txt`, data: 'second\nthird\n' });
    const file = await writeTarball(join(dir, 'dup.tar.gz'), entries);
    const r = await analyzeBeside(file, dir);
    expect(errorFor(r, { kind: 'archive', member: 'lines/l.txt', message: /duplicate member/ })).toMatchObject({ input: file, node: 'node-h' });
    expect(r.db.prepare('SELECT text FROM test_lines WHERE node_id = ?').all(r.hostile.nodeId)).toEqual([{ text: 'first' }]);
  });

  it('symlink, hard link and device members are ignored', async () => {
    const dir = tempDir();
    const entries = snapshotEntries({ hostname: 'node-h', members: basicMembers() });
    const manifest = entries.pop()!;
    const extra: RawEntry[] = [
      { name: `${TOP}/lines/shadow.txt`, type: 'symlink', linkname: '/etc/shadow' },
      { name: `${TOP}/lines/hard.txt`, type: 'link', linkname: `${TOP}/lines/lines.txt` },
      { name: `${TOP}/lines/tty`, type: 'character-device' },
      { name: `${TOP}/lines/pipe`, type: 'fifo' },
    ];
    const file = await writeTarball(join(dir, 'links.tar.gz'), [...entries, ...extra, manifest]);
    const r = await analyzeBeside(file, dir);
    for (const [member, what] of [
      ['shadow.txt', 'symbolic link'],
      ['hard.txt', 'hard link'],
      ['tty', 'character device'],
      ['pipe', 'FIFO'],
    ]) {
      expect(errorFor(r, { kind: 'archive', member: `${TOP}/lines/${member}`, message: `${what} member ignored` })).toMatchObject({ input: file, node: 'node-h' });
    }
    expect(r.hostile).toMatchObject({ status: 'partial', rows: 8 });
  });

  it('an empty file, a folder without a snapshot, a path that does not exist', async () => {
    const dir = tempDir();
    const empty = join(dir, 'empty.tar.gz');
    writeFileSync(empty, '');
    const nothing = join(dir, 'nothing');
    mkdirSync(nothing);
    writeFileSync(join(nothing, 'readme.txt'), 'hi');
    const missing = join(dir, 'missing.tar.gz');
    for (const [input, message] of [
      [empty, 'empty file'],
      [nothing, 'no snapshot in folder'],
      [missing, 'cannot open input'],
    ] as const) {
      const r = await analyzeBeside(input, dir);
      expect(r.hostile.status).toBe('unreadable');
      expect(errorFor(r, { kind: 'input', message })).toMatchObject({ input, member: null });
    }
  });

  it('a snapshot folder with a symlink and a FIFO: neither followed nor opened', async () => {
    const dir = tempDir();
    const top = writeFolder(dir, snapshotEntries({ hostname: 'node-h', top: TOP, members: basicMembers() }));
    symlinkSync('/etc/shadow', join(top, 'lines', 'shadow.txt'));
    execFileSync('mkfifo', [join(top, 'lines', 'pipe')]);
    const r = await analyzeBeside(top, dir);
    errorFor(r, { kind: 'archive', member: `${TOP}/lines/shadow.txt`, message: 'symbolic link member ignored' });
    errorFor(r, { kind: 'archive', member: `${TOP}/lines/pipe`, message: 'FIFO member ignored' });
    expect(r.hostile).toMatchObject({ status: 'partial', rows: 8 });
  });
});
