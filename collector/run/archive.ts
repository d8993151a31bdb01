import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { MemberRecord } from '../registry/manifest.js';
import type { Spool } from './spool.js';

/** How one member fared against the snapshot size cap. */
export interface MemberOutcome {
  /** Null when the cap left no room at all: nothing was written. */
  record: MemberRecord | null;
  /** Bytes were dropped (or the whole member) because the snapshot size cap was reached. */
  cutByCap: boolean;
}

/**
 * The snapshot tarball being written: tar-stream pack -> gzip -> the output file, member by
 * member, with each member's sha256 taken over exactly the bytes written. Member bytes count
 * against the snapshot size cap; manifest.json is outside it so the archive always ends with
 * a valid manifest.
 */
export class SnapshotArchive {
  private readonly pack = tar.pack();
  private readonly done: Promise<void>;
  /** Rejects when the output pipeline fails; never settles otherwise. */
  private readonly failed: Promise<never>;
  private failure: Error | null = null;
  private memberBytes = 0;
  private readonly names = new Set<string>();

  private constructor(
    readonly path: string,
    private readonly top: string,
    private readonly maxBytes: number,
    private readonly mtime: Date,
  ) {
    const file = createWriteStream(path, { mode: 0o600 });
    this.done = pipeline(this.pack, createGzip({ level: 6 }), file);
    this.failed = this.done.then(
      () => new Promise<never>(() => undefined),
      (err: unknown) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
        throw this.failure;
      },
    );
    this.failed.catch(() => undefined);
  }

  static create(path: string, top: string, maxBytes: number, mtime: Date): SnapshotArchive {
    return new SnapshotArchive(path, top, maxBytes, mtime);
  }

  /** Member bytes written so far (manifest.json excluded). */
  get written(): number {
    return this.memberBytes;
  }

  /** Bytes still allowed under the size cap. */
  get room(): number {
    return Math.max(0, this.maxBytes - this.memberBytes);
  }

  /** Writes a member in full, cap or not (snapshot.json: a snapshot must say whose it is). */
  async addUncapped(member: string, data: Buffer): Promise<MemberRecord> {
    const record = await this.writeEntry(member, data.length, single(data));
    this.memberBytes += record.bytes;
    return record;
  }

  /** Writes the first `length` bytes of a spool (default all of it), cut at the size cap. */
  async addSpool(member: string, spool: Spool, length = spool.length): Promise<MemberOutcome> {
    const size = Math.min(length, spool.length);
    const allowed = Math.min(size, this.room);
    if (allowed === 0 && size > 0) return { record: null, cutByCap: true };
    const record = await this.writeEntry(member, allowed, spool.read(allowed));
    this.memberBytes += record.bytes;
    return { record, cutByCap: allowed < size };
  }

  /** Writes a buffer member, cut at the size cap. */
  async addBuffer(member: string, data: Buffer): Promise<MemberOutcome> {
    const allowed = Math.min(data.length, this.room);
    if (allowed === 0 && data.length > 0) return { record: null, cutByCap: true };
    const record = await this.writeEntry(member, allowed, single(data.subarray(0, allowed)));
    this.memberBytes += record.bytes;
    return { record, cutByCap: allowed < data.length };
  }

  /** Appends manifest.json, closes the tarball, and returns the compressed size on disk. */
  async finish(manifest: Buffer): Promise<number> {
    await this.writeEntry('manifest.json', manifest.length, single(manifest));
    this.pack.finalize();
    await this.done;
    return statSync(this.path).size;
  }

  /** Stops writing after an error; the partial file is left to the caller. */
  async abort(): Promise<void> {
    this.pack.destroy();
    await this.done.catch(() => undefined);
  }

  private async writeEntry(member: string, size: number, body: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<MemberRecord> {
    if (this.failure) throw this.failure;
    // Two members of one name would shadow each other on extraction: a collector bug, not data.
    if (this.names.has(member)) throw new Error(`duplicate member: ${member}`);
    this.names.add(member);
    const hash = createHash('sha256');
    let settle: (err?: Error | null) => void = () => undefined;
    const entryDone = new Promise<void>((ok, fail) => {
      settle = (err) => (err ? fail(err) : ok());
    });
    const header = { name: `${this.top}/${member}`, size, mode: 0o644, mtime: this.mtime, type: 'file' as const };
    const sink = this.pack.entry(header, (err) => settle(err));
    let written = 0;
    for await (const chunk of body) {
      const piece = written + chunk.length > size ? chunk.subarray(0, size - written) : chunk;
      if (piece.length === 0) break;
      hash.update(piece);
      written += piece.length;
      if (!sink.write(piece)) await Promise.race([once(sink, 'drain'), this.failed]);
    }
    if (written !== size) throw new Error(`member ${member}: expected ${size} bytes, got ${written}`);
    sink.end(undefined);
    await Promise.race([entryDone, this.failed]);
    return { member, bytes: size, sha256: hash.digest('hex') };
  }
}

function* single(data: Buffer): Generator<Buffer> {
  if (data.length > 0) yield data;
}
