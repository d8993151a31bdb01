/**
 * Cuts a stream of chunks into length-prefixed records (pcap packet records, pcapng blocks)
 * without concatenating chunks: a record that lies inside one chunk is handed over in place; only
 * a record that straddles two chunks is copied, into one reusable buffer. Work is linear in the
 * input and memory is bounded by the largest record the format allows.
 */

/** A record format: how long the next record is, and what to do with it. */
export interface RecordFormat {
  /** Bytes needed before recordLength() can tell the length of the next record. */
  headerBytes(): number;
  /**
   * Total length of the record starting at `buf[offset]` (its header included), given at least
   * headerBytes() bytes. Throws a CaptureFormatError for an impossible length.
   */
  recordLength(buf: Buffer, offset: number): number;
  /** One complete record. The bytes are only valid during the call (the buffer is reused). */
  record(buf: Buffer, offset: number, length: number): void;
}

/** A record whose header cannot be right: reading stops there. */
export class CaptureFormatError extends Error {}

export class RecordCutter {
  /** Bytes of a record begun in an earlier chunk. */
  private pending: Buffer = Buffer.alloc(0);
  private pendingLength = 0;
  /** Total length of the pending record, or -1 while its header is incomplete. */
  private pendingTotal = -1;

  constructor(private readonly format: RecordFormat) {}

  /** Whether bytes of an incomplete record are waiting (at the end of input: the file was cut). */
  get hasPartialRecord(): boolean {
    return this.pendingLength > 0;
  }

  /** Bytes the partial record should have had, when its header was complete (else -1). */
  get partialRecordLength(): number {
    return this.pendingTotal;
  }

  push(chunk: Buffer): void {
    let pos = this.pendingLength > 0 ? this.completePending(chunk) : 0;
    if (pos < 0) return; // the whole chunk went into the pending record
    const format = this.format;
    const end = chunk.length;
    for (;;) {
      const available = end - pos;
      if (available < format.headerBytes()) break;
      const total = format.recordLength(chunk, pos);
      if (available < total) break;
      format.record(chunk, pos, total);
      pos += total;
    }
    if (pos < end) this.startPending(chunk, pos);
  }

  /** Feeds the start of `chunk` to the pending record; returns where the chunk's own records start, or -1 when it was used up. */
  private completePending(chunk: Buffer): number {
    let pos = 0;
    if (this.pendingTotal < 0) {
      const header = this.format.headerBytes();
      pos = this.append(chunk, 0, header - this.pendingLength);
      if (this.pendingLength < header) return -1;
      this.pendingTotal = this.format.recordLength(this.pending, 0);
      this.reserve(this.pendingTotal);
    }
    pos = this.append(chunk, pos, this.pendingTotal - this.pendingLength);
    if (this.pendingLength < this.pendingTotal) return -1;
    const total = this.pendingTotal;
    this.pendingLength = 0;
    this.pendingTotal = -1;
    this.format.record(this.pending, 0, total);
    return pos;
  }

  private startPending(chunk: Buffer, pos: number): void {
    const available = chunk.length - pos;
    const header = this.format.headerBytes();
    this.pendingTotal = available >= header ? this.format.recordLength(chunk, pos) : -1;
    this.reserve(Math.max(available, this.pendingTotal, header));
    chunk.copy(this.pending, 0, pos);
    this.pendingLength = available;
  }

  private append(chunk: Buffer, from: number, wanted: number): number {
    const take = Math.min(wanted, chunk.length - from);
    if (take <= 0) return from;
    this.reserve(this.pendingLength + take);
    chunk.copy(this.pending, this.pendingLength, from, from + take);
    this.pendingLength += take;
    return from + take;
  }

  private reserve(size: number): void {
    if (this.pending.length >= size) return;
    const grown = Buffer.allocUnsafe(Math.max(size, Math.min(this.pending.length * 2, 1 << 20), 4096));
    this.pending.copy(grown, 0, 0, this.pendingLength);
    this.pending = grown;
  }
}
