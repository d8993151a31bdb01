import { createReadStream, type Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HEADER_NAME, MANIFEST_NAME } from '../../collector/registry/layout.js';
import { ArchiveReadError, type ArchiveEntry, type ArchiveReader, type InputDigest } from './archive-entry.js';

const READ_CHUNK = 1024 * 1024;

async function* noChunks(): AsyncGenerator<Buffer, void, undefined> {}

/** A file's chunks; a read failure concerns this file only, the folder can still be read on. */
async function* fileChunks(path: string): AsyncGenerator<Buffer, void, undefined> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) yield chunk as Buffer;
  } catch (err) {
    throw new ArchiveReadError(`cannot read ${path}: ${(err as Error).message}`, false);
  }
}

function typeOf(dirent: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean }): string {
  if (dirent.isFile()) return 'file';
  if (dirent.isDirectory()) return 'directory';
  if (dirent.isSymbolicLink()) return 'symlink';
  if (dirent.isCharacterDevice()) return 'character-device';
  if (dirent.isBlockDevice()) return 'block-device';
  if (dirent.isFIFO()) return 'fifo';
  return 'socket';
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Reads an unpacked snapshot folder as if it were the tarball: entries named `<folder>/<member>`,
 * snapshot.json first, then manifest.json, then every other file in sorted order. Symbolic links
 * and special files are yielded with their type (never followed or opened: a FIFO would block).
 */
export function openSnapshotFolder(folder: string): ArchiveReader {
  const top = basename(folder);
  let bytes = 0;

  async function* walk(dir: string, relative: string): AsyncGenerator<ArchiveEntry, void, undefined> {
    let dirents: Dirent[];
    try {
      dirents = (await readdir(dir, { withFileTypes: true })).sort(byName);
    } catch (err) {
      const message = `cannot list ${dir}: ${(err as Error).message}`;
      if (relative === '') throw new ArchiveReadError(message, true);
      yield { name: `${top}/${relative}`, type: 'error', size: 0, body: noChunks(), error: message };
      return;
    }
    for (const dirent of dirents) {
      const rel = relative ? `${relative}/${dirent.name}` : dirent.name;
      if (!relative && (dirent.name === HEADER_NAME || dirent.name === MANIFEST_NAME)) continue;
      const full = join(dir, dirent.name);
      const type = typeOf(dirent);
      if (type === 'directory') {
        yield* walk(full, rel);
        continue;
      }
      yield await entryFor(full, `${top}/${rel}`, type);
    }
  }

  async function entryFor(full: string, name: string, type: string): Promise<ArchiveEntry> {
    if (type !== 'file') return { name, type, size: 0, body: noChunks() };
    const size = (await lstat(full)).size;
    bytes += size;
    return { name, type, size, body: fileChunks(full) };
  }

  async function* entries(): AsyncGenerator<ArchiveEntry, void, undefined> {
    for (const first of [HEADER_NAME, MANIFEST_NAME]) {
      const full = join(folder, first);
      const stats = await lstat(full).catch(() => null);
      if (!stats) continue;
      yield await entryFor(full, `${top}/${first}`, typeOf(stats));
    }
    yield* walk(folder, '');
  }

  async function digest(): Promise<InputDigest> {
    return { sha256: null, bytes };
  }

  return { kind: 'folder', entries, digest };
}
