/**
 * Builds snapshots for the loader's tests: tarballs (tar-stream pack + zlib, written to a temp
 * folder) and unpacked folders, with a manifest that matches the members unless told otherwise.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, crc32, createGzip, deflateRawSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll } from 'vitest';
import type { Manifest, ManifestItem, SnapshotHeader } from '../../../collector/registry/manifest.js';

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const tempDirs: string[] = [];
// vitest evaluates this module once per test file: the hook cleans up after that file
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the OS temp folder, removed after the test file. */
export function tempDir(prefix = 'nodesnap-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** One tar entry; `name` is the full name (top folder included). */
export interface RawEntry {
  name: string;
  data?: Buffer | string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  linkname?: string;
  /** Extended (pax) header fields, e.g. { path: 'a\u0000b' }. */
  pax?: Record<string, string>;
  /** A body produced in chunks (large members) with its exact size. */
  stream?: { size: number; chunks: () => AsyncIterable<Buffer> };
}

export interface MemberSpec {
  /** Relative to the top folder, e.g. "lines/lines.txt" or "certs/etc/ca.crt". */
  member: string;
  data: Buffer | string;
  /** Leave it out of the manifest. */
  unlisted?: boolean;
  /** This member is the stderr of the item whose output member is given. */
  stderrOf?: string;
  /** Put this sha256 in the manifest instead of the real one. */
  manifestSha256?: string;
  item?: Partial<ManifestItem>;
}

export interface SnapshotSpec {
  top?: string;
  hostname?: string;
  collectedAt?: string;
  members: MemberSpec[];
  /** Manifest items for members that are not in the archive (listed-but-missing, skipped items). */
  extraItems?: ManifestItem[];
  /** false: no manifest.json (a truncated snapshot). */
  manifest?: boolean;
  /** false: no snapshot.json. */
  header?: boolean;
  redactions?: Manifest['redactions'];
}

export function snapshotHeader(spec: Pick<SnapshotSpec, 'hostname' | 'collectedAt'>): SnapshotHeader {
  return {
    format: 'nodesnap-snapshot',
    formatVersion: 1,
    collector: { name: 'nodesnap', version: '0.1.0', implementation: 'node' },
    hostname: spec.hostname ?? 'node-a',
    machineId: '0123456789abcdef0123456789abcdef',
    collectedAt: spec.collectedAt ?? '2024-05-01T00:00:00Z',
    clock: { utcOffset: '+0800', timezone: 'Asia/Shanghai' },
    root: true,
    commandLine: ['nodesnap', 'collect'],
    sysroot: null,
    label: 'lab',
    caseId: 'CASE-1',
    since: null,
    limits: { maxSnapshotBytes: 1 << 30, pcapSeconds: null },
  };
}

function itemFor(spec: MemberSpec, data: Buffer): ManifestItem {
  const slash = spec.member.indexOf('/');
  const source = spec.member.slice(0, slash);
  const rest = spec.member.slice(slash + 1);
  const isFile = rest.includes('/');
  const base: ManifestItem = {
    source,
    item: isFile ? source : rest.replace(/\.[^.]+$/, ''),
    kind: isFile ? 'files' : 'command',
    status: 'ok',
    durationMs: 1,
    truncated: false,
    output: { member: spec.member, bytes: data.length, sha256: spec.manifestSha256 ?? sha256(data) },
  };
  if (isFile) {
    base.path = `/${rest}`;
    base.mtime = '2024-04-01T00:00:00Z';
    base.mode = '0644';
  }
  return { ...base, ...spec.item };
}

/** The snapshot's entries in collector order: snapshot.json, members, manifest.json. */
export function snapshotEntries(spec: SnapshotSpec): RawEntry[] {
  const top = spec.top ?? `nodesnap-${spec.hostname ?? 'node-a'}-20240501T000000Z`;
  const header = snapshotHeader(spec);
  const headerData = Buffer.from(JSON.stringify(header, null, 2));
  const entries: RawEntry[] = [];
  const items: ManifestItem[] = [];
  if (spec.header !== false) {
    entries.push({ name: `${top}/snapshot.json`, data: headerData });
    items.push({ source: 'snapshot', item: 'snapshot', kind: 'header', status: 'ok', durationMs: 0, truncated: false, output: { member: 'snapshot.json', bytes: headerData.length, sha256: sha256(headerData) } });
  }
  for (const m of spec.members) {
    const data = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
    entries.push({ name: `${top}/${m.member}`, data });
    if (m.unlisted) continue;
    if (m.stderrOf) {
      const owner = items.find((i) => i.output?.member === m.stderrOf);
      if (!owner) throw new Error(`no item for ${m.stderrOf}`);
      owner.stderr = { member: m.member, bytes: data.length, sha256: m.manifestSha256 ?? sha256(data) };
    } else {
      items.push(itemFor(m, data));
    }
  }
  items.push(...(spec.extraItems ?? []));
  if (spec.manifest !== false) {
    const manifest: Manifest = {
      ...header,
      finishedAt: '2024-05-01T00:00:30Z',
      items,
      redactions: spec.redactions ?? [],
      summary: { ok: items.length, failed: 0, timeout: 0, skipped: 0, truncated: 0, bytes: 0 },
    };
    entries.push({ name: `${top}/manifest.json`, data: JSON.stringify(manifest, null, 2) });
  }
  return entries;
}

/** Writes a tar (gzip unless told not to) of the entries, streaming large bodies. */
export async function writeTarball(file: string, entries: RawEntry[], options: { gzip?: boolean; level?: number } = {}): Promise<string> {
  mkdirSync(dirname(file), { recursive: true });
  const pack = tar.pack();
  const sink = createWriteStream(file);
  const done = options.gzip === false ? pipeline(pack, sink) : pipeline(pack, createGzip({ level: options.level ?? 6 }), sink);
  for (const e of entries) {
    const header: Parameters<typeof pack.entry>[0] = { name: e.name, type: e.type ?? 'file', mtime: new Date('2024-05-01T00:00:00Z'), mode: 0o644 };
    if (e.linkname) header.linkname = e.linkname;
    if (e.pax) header.pax = e.pax;
    if (e.stream) {
      header.size = e.stream.size;
      const sinkEntry = pack.entry(header);
      await pipeline(Readable.from(e.stream.chunks()), sinkEntry);
    } else {
      const data = e.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
      await new Promise<void>((resolve, reject) => pack.entry(header, data, (err) => (err ? reject(err) : resolve())));
    }
  }
  pack.finalize();
  await done;
  return file;
}

/** Writes the entries as an unpacked snapshot folder under `parent`; returns the top folder's path. */
export function writeFolder(parent: string, entries: RawEntry[]): string {
  let top = '';
  for (const e of entries) {
    const path = join(parent, e.name);
    top ||= join(parent, e.name.split('/')[0] as string);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, e.data ?? '');
  }
  return top;
}

/**
 * A 512-byte ustar header written by hand, for what tar-stream's packer refuses to produce: a
 * size in base-256 (a header claiming a terabyte).
 */
export function rawTarHeader(name: string, size: bigint): Buffer {
  const buf = Buffer.alloc(512);
  buf.write(name, 0, 100, 'utf8');
  buf.write('0000644\0', 100);
  buf.write('0000000\0', 108);
  buf.write('0000000\0', 116);
  // base-256: first byte 0x80, big-endian value in the remaining 11 bytes
  buf[124] = 0x80;
  let v = size;
  for (let i = 135; i > 124; i--) {
    buf[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  buf.write('00000000000\0', 136);
  buf[156] = '0'.charCodeAt(0);
  buf.write('ustar\u000000', 257, 'binary');
  buf.fill(0x20, 148, 156); // checksum field counts as spaces
  let sum = 0;
  for (const b of buf) sum += b;
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'binary');
  return buf;
}

/** A standard member set for the test registry: two parsed sources, a stream source, stderr. */
export function basicMembers(lines = 'alpha\nBETA\ngamma\n'): MemberSpec[] {
  return [
    { member: 'uname/uname.txt', data: 'Linux node-a 5.4.0-150-generic #167-Ubuntu SMP x86_64 GNU/Linux\n' },
    { member: 'lines/lines.txt', data: lines },
    { member: 'lines/lines.stderr', data: 'warning: something\n', stderrOf: 'lines/lines.txt' },
    { member: 'blob/var/lib/blob.bin', data: Buffer.alloc(5000, 7) },
    { member: 'unknown-source/thing.txt', data: 'not parsed\n' },
  ];
}

/** The entries as an uncompressed tar, in memory (small test snapshots only). */
export async function tarBytes(entries: RawEntry[], options: { endMarker?: boolean } = {}): Promise<Buffer> {
  const dir = tempDir();
  const file = await writeTarball(join(dir, 'x.tar'), entries, { gzip: false });
  const buf = readFileSync(file);
  // tar-stream ends an archive with two zero blocks; without them the archive just stops
  return options.endMarker === false ? buf.subarray(0, buf.length - 1024) : buf;
}

/**
 * gzip whose deflate data turns invalid exactly at uncompressed offset `at`: the bytes before are
 * compressed and fully flushed, so a new deflate block starts there, and its header is
 * overwritten with the reserved block type 3 ("invalid block type", a zlib data error).
 */
export function gzipCorruptAt(data: Buffer, at: number): Buffer {
  const first = gzipSync(data.subarray(0, at), { finishFlush: zlibConstants.Z_FULL_FLUSH });
  const rest = deflateRawSync(data.subarray(at));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  const corrupt = Buffer.concat([first, rest, trailer]);
  corrupt[first.length] = 0b110; // BFINAL 0, BTYPE 11
  return corrupt;
}
