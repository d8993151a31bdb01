/**
 * Classic libpcap files (what `tcpdump -w` writes), either byte order, microsecond or nanosecond
 * timestamps. A 24-byte file header, then one 16-byte header per packet:
 *
 *   d4 c3 b2 a1 02 00 04 00  00 00 00 00 00 00 00 00  00 00 04 00 01 00 00 00   magic (LE, us), v2.4, snaplen 262144, LINKTYPE 1
 *   d7 1b 02 6b 1c 12 08 00  4a 00 00 00 4a 00 00 00  ...74 bytes of frame...    ts 1795300311.528924, incl_len 74, orig_len 74
 *
 * Magics: a1b2c3d4 (microseconds) and a1b23c4d (nanoseconds), in the writer's byte order.
 * Why not the `pcap-parser` package: it rejects nanosecond files, ends silently inside a truncated
 * record, and on an absurd incl_len keeps buffering the rest of the stream (re-copying it on every
 * chunk). This reader checks each record header before it waits for the record, and is checked
 * against pcap-parser on well-formed files in the tests.
 */
import type { PacketSink } from './capture-session.js';
import { CaptureFormatError, type RecordFormat } from './record-cutter.js';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** Largest packet accepted (Wireshark's limit for ordinary link types), unless the snaplen says more. */
export const MAX_PACKET_BYTES = 262_144;
const MAX_SNAPLEN_HONOURED = 16 * 1024 * 1024;

export type ClassicMagic = { littleEndian: boolean; nanoseconds: boolean };

/** The classic pcap magic at the start of `head` (4+ bytes), or null. */
export function classicMagic(head: Buffer): ClassicMagic | null {
  const le = head.readUInt32LE(0);
  if (le === 0xa1b2c3d4) return { littleEndian: true, nanoseconds: false };
  if (le === 0xa1b23c4d) return { littleEndian: true, nanoseconds: true };
  const be = head.readUInt32BE(0);
  if (be === 0xa1b2c3d4) return { littleEndian: false, nanoseconds: false };
  if (be === 0xa1b23c4d) return { littleEndian: false, nanoseconds: true };
  return null;
}

export class ClassicPcapFormat implements RecordFormat {
  private headerRead = false;
  private limit = MAX_PACKET_BYTES;
  private iface = -1;
  private readonly le: boolean;
  private readonly nano: boolean;

  constructor(
    private readonly session: PacketSink,
    magic: ClassicMagic,
  ) {
    this.le = magic.littleEndian;
    this.nano = magic.nanoseconds;
  }

  headerBytes(): number {
    return this.headerRead ? RECORD_HEADER : FILE_HEADER;
  }

  private u32(buf: Buffer, offset: number): number {
    return this.le ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
  }

  recordLength(buf: Buffer, offset: number): number {
    if (!this.headerRead) return FILE_HEADER;
    const captured = this.u32(buf, offset + 8);
    if (captured > this.limit) {
      throw new CaptureFormatError(`packet ${this.session.packetNumber + 1}: captured length ${captured} is larger than ${this.limit} bytes; the file is corrupt from here`);
    }
    return RECORD_HEADER + captured;
  }

  record(buf: Buffer, offset: number, length: number): void {
    if (!this.headerRead) {
      this.readFileHeader(buf, offset);
      return;
    }
    const seconds = this.u32(buf, offset);
    const fraction = this.u32(buf, offset + 4);
    const original = this.u32(buf, offset + 12);
    const tsUs = seconds * 1e6 + (this.nano ? Math.floor(fraction / 1000) : fraction);
    this.session.packet(this.iface, tsUs, buf, offset + RECORD_HEADER, length - RECORD_HEADER, original);
  }

  private readFileHeader(buf: Buffer, offset: number): void {
    const major = this.le ? buf.readUInt16LE(offset + 4) : buf.readUInt16BE(offset + 4);
    const minor = this.le ? buf.readUInt16LE(offset + 6) : buf.readUInt16BE(offset + 6);
    if (major !== 2) throw new CaptureFormatError(`unsupported pcap version ${major}.${minor}`);
    const snaplen = this.u32(buf, offset + 16);
    // the upper bits of the link type field may carry FCS information
    const linkType = this.u32(buf, offset + 20) & 0xffff;
    if (snaplen > this.limit && snaplen <= MAX_SNAPLEN_HONOURED) this.limit = snaplen;
    this.iface = this.session.addInterface({ name: null, linkType, format: 'pcap', precision: this.nano ? 'ns' : 'us', snaplen });
    this.headerRead = true;
  }
}
