/**
 * Follows a classic pcap stream as bytes arrive and remembers where the last complete record
 * ended, so a capture cut at a byte cap can be kept up to a record boundary and stay a valid
 * file. Layout (libpcap): a 24-byte global header whose magic gives the byte order
 * (a1b2c3d4 microsecond, a1b23c4d nanosecond, either endianness), then records of a 16-byte
 * header (ts_sec, ts_frac, incl_len, orig_len) followed by incl_len bytes of packet.
 */
export class PcapBoundaryTracker {
  /** Bytes seen so far. */
  private offset = 0;
  /** Bytes of the header (global or record) being gathered, when it spans chunks. */
  private headerBytes: number[] = [];
  private littleEndian: boolean | null = null;
  /** End of the record being read, once its header is known; -1 while gathering a header. */
  private recordEnd = -1;
  private boundary = 0;
  private records = 0;
  private invalid = false;

  /** False when the stream does not start with a pcap magic number (then no boundary is known). */
  get isPcap(): boolean {
    return !this.invalid && this.littleEndian !== null;
  }

  /** Bytes up to the end of the last complete record (or the global header): a valid file. */
  get validLength(): number {
    return this.boundary;
  }

  /** Complete records seen. */
  get recordCount(): number {
    return this.records;
  }

  push(chunk: Uint8Array): void {
    if (this.invalid) return;
    let i = 0;
    while (i < chunk.length) {
      if (this.recordEnd >= 0) {
        const take = Math.min(chunk.length - i, this.recordEnd - this.offset);
        i += take;
        this.offset += take;
        if (this.offset === this.recordEnd) {
          this.boundary = this.offset;
          this.records++;
          this.recordEnd = -1;
        }
        continue;
      }
      const need = (this.littleEndian === null ? 24 : 16) - this.headerBytes.length;
      const take = Math.min(need, chunk.length - i);
      for (let k = 0; k < take; k++) this.headerBytes.push(chunk[i + k] as number);
      i += take;
      this.offset += take;
      if (take < need) break;
      const header = Uint8Array.from(this.headerBytes);
      this.headerBytes = [];
      const view = new DataView(header.buffer);
      if (this.littleEndian === null) {
        const magic = view.getUint32(0, false);
        if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) this.littleEndian = false;
        else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) this.littleEndian = true;
        else {
          this.invalid = true;
          return;
        }
        this.boundary = this.offset;
        continue;
      }
      const included = view.getUint32(8, this.littleEndian);
      this.recordEnd = this.offset + included;
      if (included === 0) {
        this.boundary = this.offset;
        this.records++;
        this.recordEnd = -1;
      }
    }
  }
}

/** What kind of file this is, from its first bytes: a capture (kept as is) or text (redacted). */
export function sniffFileKind(head: Uint8Array): 'pcap' | 'pcapng' | 'binary' | 'text' {
  if (head.length >= 4) {
    const magic = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0, false);
    if (magic === 0xa1b2c3d4 || magic === 0xd4c3b2a1 || magic === 0xa1b23c4d || magic === 0x4d3cb2a1) return 'pcap';
    if (magic === 0x0a0d0d0a) return 'pcapng';
  }
  return head.includes(0) ? 'binary' : 'text';
}
