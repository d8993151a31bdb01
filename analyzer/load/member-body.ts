import { createHash } from 'node:crypto';
import { ArchiveReadError } from '../archive/archive-entry.js';

/**
 * A member's bytes on their way to a parser: hashed and counted as they pass, so the manifest
 * check costs no second read. A parser may stop early; the loader then drains the rest (the hash
 * needs every byte, and a tar stream cannot skip ahead). The iterator handed to a parser never
 * closes the underlying stream: in tar-stream that would destroy the whole archive.
 */
export class MemberBody implements AsyncIterable<Buffer> {
  bytes = 0;
  /** Set when the archive failed while this member was being read. */
  readError: ArchiveReadError | null = null;
  private finished = false;
  private digest: string | null = null;
  private readonly hash = createHash('sha256');
  private readonly source: AsyncIterator<Buffer>;

  constructor(body: AsyncIterable<Buffer>) {
    this.source = body[Symbol.asyncIterator]();
  }

  /** The next chunk, or null at the end (also after a read error, which is kept in readError). */
  async read(): Promise<Buffer | null> {
    if (this.finished) return null;
    let next: IteratorResult<Buffer>;
    try {
      next = await this.source.next();
    } catch (err) {
      this.finished = true;
      this.readError = err instanceof ArchiveReadError ? err : new ArchiveReadError((err as Error)?.message ?? String(err), true);
      throw this.readError;
    }
    if (next.done) {
      this.finished = true;
      return null;
    }
    const chunk = next.value;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    return chunk;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: async () => {
        const chunk = await this.read();
        return chunk === null ? { done: true, value: undefined } : { done: false, value: chunk };
      },
      // a parser that stops early leaves the rest for drain()
      return: async () => ({ done: true, value: undefined }),
    };
  }

  /** Reads (and hashes) whatever the parser left. Read errors end up in readError. */
  async drain(): Promise<void> {
    try {
      while ((await this.read()) !== null);
    } catch {
      // kept in readError
    }
  }

  /**
   * The whole member as one buffer, or null when it exceeds `limit` bytes (it is then drained, not
   * kept) or could not be read (readError is then set). `declared` (the tar header's size) lets a fitting member be read into one allocation.
   */
  async collect(declared: number, limit: number): Promise<Buffer | null> {
    if (declared > limit) {
      await this.drain();
      return null;
    }
    let target: Buffer | null = Buffer.allocUnsafe(declared);
    let filled = 0;
    let overflow: Buffer[] | null = null;
    try {
      for (let chunk = await this.read(); chunk !== null; chunk = await this.read()) {
        if (target === null && overflow === null) continue; // over the limit: hashing only
        if (filled + chunk.length > limit) {
          target = null;
          overflow = null;
          continue;
        }
        if (target && filled + chunk.length <= target.length) {
          chunk.copy(target, filled);
        } else {
          // more bytes than declared (a folder file that grew): fall back to a list
          overflow ??= target ? [target.subarray(0, filled)] : [];
          target = null;
          overflow.push(chunk);
        }
        filled += chunk.length;
      }
    } catch {
      return null; // kept in readError
    }
    if (target) return filled === target.length ? target : target.subarray(0, filled);
    if (overflow) return Buffer.concat(overflow, filled);
    return null;
  }

  /** sha256 of the member, or null when it could not be read to the end. */
  sha256(): string | null {
    if (!this.finished || this.readError) return null;
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}
