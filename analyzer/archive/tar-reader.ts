import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar, { type ExtractEvents } from 'tar-stream';

/** tar-stream's entry stream (its type is not exported by name). */
type TarEntry = ExtractEvents['entry'][1];
import { ArchiveReadError, type ArchiveEntry, type ArchiveReader, type InputDigest } from './archive-entry.js';

const READ_CHUNK = 1024 * 1024;
const LARGE_FILE = 1024 * 1024;
const LARGE_GUNZIP_CHUNK = 64 * 1024;

/** Turns zlib and tar-stream wording into something a support engineer can act on. */
function describeReadError(err: unknown, gzip: boolean): string {
  const e = err as NodeJS.ErrnoException;
  const message = e?.message ?? String(err);
  if (e?.code === 'Z_BUF_ERROR' || message === 'unexpected end of file') return 'gzip data ends early (truncated file?)';
  if (e?.code === 'Z_DATA_ERROR') return `corrupt gzip data: ${message}`;
  if (message === 'Unexpected end of data') return 'tar data ends early (truncated file?)';
  if (message.startsWith('Invalid tar header')) return gzip ? `corrupt tar data: ${message}` : `not a tar or gzip file (${message})`;
  if (e?.code) return `${e.code}: ${message}`;
  return message;
}

async function firstBytes(file: string, count: number): Promise<{ head: Buffer; size: number }> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(count, size));
    if (head.length > 0) await handle.read(head, 0, head.length, 0);
    return { head, size };
  } finally {
    await handle.close();
  }
}

/** Adds the bytes of `file` from `start` to the end to `hash` (the part the archive reader never reached). */
async function hashRest(file: string, start: number, hash: Hash): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(file, { start, highWaterMark: READ_CHUNK })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return bytes;
}

/**
 * Streams a .tar.gz/.tgz/.tar (gzip detected by its magic bytes, not the name) without extracting
 * anything to disk. The raw bytes are hashed on the way in; whatever the reader did not reach
 * (it stopped at an error) is hashed afterwards so the digest always covers the whole file.
 */
export function openTarball(file: string): ArchiveReader {
  const hash = createHash('sha256');
  let hashedBytes = 0;
  let totalBytes = 0;
  let readFailed = false;

  async function* entries(): AsyncGenerator<ArchiveEntry, void, undefined> {
    let gzip = false;
    try {
      const first = await firstBytes(file, 2);
      totalBytes = first.size;
      gzip = first.head.length === 2 && first.head[0] === 0x1f && first.head[1] === 0x8b;
    } catch (err) {
      readFailed = true;
      throw new ArchiveReadError(describeReadError(err, false), true);
    }
    if (totalBytes === 0) throw new ArchiveReadError('empty file', true);

    const raw = createReadStream(file, { highWaterMark: READ_CHUNK });
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        hashedBytes += chunk.length;
        callback(null, chunk);
      },
    });
    const extract = tar.extract();
    // On a data error the output of the chunk in progress is lost, and with it members that ended
    // just before the corruption: small files keep zlib's default 16 KiB output chunks. Large
    // ones take 64 KiB: 16 KiB made inflating them 3x dearer (a thread-pool round trip per chunk,
    // 0.14 s instead of 0.05 s for a large node's 86 MB), and 64 KiB is little of such a file.
    const gunzip = gzip ? createGunzip({ chunkSize: totalBytes >= LARGE_FILE ? LARGE_GUNZIP_CHUNK : 16 * 1024 }) : null;
    const fail = (err: Error) => extract.destroy(new ArchiveReadError(describeReadError(err, gzip), true));
    raw.on('error', (err) => {
      readFailed = true;
      fail(err);
    });
    raw.pipe(tap);
    if (gunzip) {
      gunzip.on('error', fail);
      tap.pipe(gunzip).pipe(extract);
    } else {
      tap.pipe(extract);
    }

    const iterator = extract[Symbol.asyncIterator]();
    let yielded = 0;
    try {
      for (;;) {
        let next: IteratorResult<TarEntry>;
        try {
          next = await iterator.next();
        } catch (err) {
          if (err instanceof ArchiveReadError) throw err;
          if (yielded === 0 && (err as Error)?.message === 'Unexpected end of data') {
            throw new ArchiveReadError(gzip ? 'the gzip data holds no tar archive (it ends before the first tar header)' : 'not a tar or gzip file (shorter than one tar header)', true);
          }
          throw new ArchiveReadError(describeReadError(err, gzip), true);
        }
        if (next.done) return;
        yielded++;
        const entry = next.value;
        yield {
          name: entry.header.name,
          type: entry.header.type ?? 'file',
          size: entry.header.size ?? 0,
          body: bodyOf(entry, gzip),
        };
      }
    } finally {
      extract.destroy();
      gunzip?.destroy();
      tap.destroy();
      raw.destroy();
      await new Promise<void>((resolve) => (raw.closed ? resolve() : raw.once('close', () => resolve())));
    }
  }

  async function digest(): Promise<InputDigest> {
    if (readFailed) return { sha256: null, bytes: totalBytes };
    try {
      if (hashedBytes < totalBytes) hashedBytes += await hashRest(file, hashedBytes, hash);
      return { sha256: hash.digest('hex'), bytes: hashedBytes };
    } catch {
      return { sha256: null, bytes: totalBytes };
    }
  }

  return { kind: 'tarball', entries, digest };
}

/** An entry's chunks; a failure of the underlying stream is an ArchiveReadError (the tarball is broken from here on). */
async function* bodyOf(entry: TarEntry, gzip: boolean): AsyncGenerator<Buffer, void, undefined> {
  try {
    for await (const chunk of entry) yield chunk as Buffer;
  } catch (err) {
    throw err instanceof ArchiveReadError ? err : new ArchiveReadError(describeReadError(err, gzip), true);
  }
}
