import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Output kept in memory up to this size; beyond it the spool moves to a temp file. */
export const DEFAULT_SPOOL_MEMORY_BYTES = 1024 * 1024;

/**
 * Holds one member's bytes until its tar entry can be written (a tar header needs the size
 * first). Small outputs stay in memory; a big one (conntrack XML, docker inspect) spills to a
 * single temp file in os.tmpdir(), unlinked at once and closed by dispose(). Writes are synchronous so chunks stay in order
 * without a queue; they go to the page cache and take microseconds.
 */
export class Spool {
  private chunks: Buffer[] = [];
  private memoryBytes = 0;
  private fd: number | null = null;
  private size = 0;

  constructor(private readonly memoryLimit = DEFAULT_SPOOL_MEMORY_BYTES) {}

  get length(): number {
    return this.size;
  }

  /** True once the bytes live in a temp file. */
  get spilled(): boolean {
    return this.fd !== null;
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.size += chunk.length;
    if (this.fd === null && this.memoryBytes + chunk.length <= this.memoryLimit) {
      this.chunks.push(chunk);
      this.memoryBytes += chunk.length;
      return;
    }
    if (this.fd === null) this.spill();
    writeAll(this.fd as number, chunk);
  }

  /** The first `limit` bytes (default all), in order. */
  async *read(limit = this.size): AsyncGenerator<Buffer> {
    let left = Math.min(limit, this.size);
    if (this.fd === null) {
      for (const chunk of this.chunks) {
        if (left <= 0) return;
        const piece = chunk.length <= left ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        yield piece;
      }
      return;
    }
    if (left <= 0) return;
    const stream = createReadStream('', { fd: this.fd, start: 0, end: left - 1, autoClose: false, highWaterMark: 256 * 1024 });
    for await (const chunk of stream) yield chunk as Buffer;
  }

  /** Whole content as one buffer; only for spools known to be small (headers, stderr). */
  async toBuffer(limit = this.size): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.read(limit)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  dispose(): void {
    this.chunks = [];
    this.memoryBytes = 0;
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  private spill(): void {
    // The file is unlinked as soon as it is open: it vanishes with the descriptor, even if the
    // collector is killed mid-run.
    const dir = mkdtempSync(join(tmpdir(), 'nodesnap-spool-'));
    try {
      this.fd = openSync(join(dir, 'member'), 'w+', 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const chunk of this.chunks) writeAll(this.fd, chunk);
    this.chunks = [];
    this.memoryBytes = 0;
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}
