/**
 * pcapng files (Wireshark/dumpcap, tcpdump --pcapng readers): a sequence of blocks
 *
 *   block type (4) | total length (4) | body | total length (4)     (lengths are multiples of 4)
 *
 *   0a 0d 0d 0a 1c 00 00 00  4d 3c 2b 1a 01 00 00 00  ff ff ff ff ff ff ff ff  1c 00 00 00
 *   section header: byte-order magic 1a2b3c4d (here little-endian), version 1.0, length unknown
 *
 * Read: Section Header (byte order, per section), Interface Description (link type, snaplen,
 * if_name, if_tsresol, if_tsoffset), Enhanced Packet, Simple Packet, and the obsolete Packet
 * block; every other block is skipped. A length that cannot be right (under 12, not a multiple of
 * 4, over 16 MiB, or a trailing copy that differs) stops the reading with an error: past it,
 * nothing can be trusted.
 */
import type { PacketSink } from './capture-session.js';
import { CaptureFormatError, type RecordFormat } from './record-cutter.js';

const SHB = 0x0a0d0d0a;
const IDB = 1;
const PB = 2;
const SPB = 3;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const MIN_BLOCK = 12;
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;

const OPT_END = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

interface SectionInterface {
  /** Index in the session. */
  index: number;
  snaplen: number;
  /** Microseconds per timestamp unit. */
  usPerUnit: number;
  offsetUs: number;
}

export const PCAPNG_MAGIC = SHB;

export class PcapngFormat implements RecordFormat {
  private le = true;
  private blocks = 0;
  private interfaces: SectionInterface[] = [];

  constructor(private readonly session: PacketSink) {}

  headerBytes(): number {
    return MIN_BLOCK;
  }

  private u32(buf: Buffer, offset: number): number {
    return this.le ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
  }

  private u16(buf: Buffer, offset: number): number {
    return this.le ? buf.readUInt16LE(offset) : buf.readUInt16BE(offset);
  }

  recordLength(buf: Buffer, offset: number): number {
    const number = this.blocks + 1;
    if (buf.readUInt32LE(offset) === SHB) {
      // a section fixes its own byte order, which its length is written in
      const magic = buf.readUInt32LE(offset + 8);
      if (magic === BYTE_ORDER_MAGIC) this.le = true;
      else if (buf.readUInt32BE(offset + 8) === BYTE_ORDER_MAGIC) this.le = false;
      else throw new CaptureFormatError(`block ${number}: section header without a byte-order magic`);
    } else if (this.blocks === 0) {
      throw new CaptureFormatError('block 1: not a section header block');
    }
    const length = this.u32(buf, offset + 4);
    if (length < MIN_BLOCK || length % 4 !== 0 || length > MAX_BLOCK_BYTES) {
      throw new CaptureFormatError(`block ${number}: impossible block length ${length}; the file is corrupt from here`);
    }
    return length;
  }

  record(buf: Buffer, offset: number, length: number): void {
    const number = ++this.blocks;
    if (this.u32(buf, offset + length - 4) !== length) {
      throw new CaptureFormatError(`block ${number}: trailing length ${this.u32(buf, offset + length - 4)} differs from its length ${length}; the file is corrupt from here`);
    }
    const type = this.u32(buf, offset);
    switch (type) {
      case SHB:
        this.sectionHeader(buf, offset, length, number);
        break;
      case IDB:
        this.interfaceDescription(buf, offset, length, number);
        break;
      case EPB:
        this.enhancedPacket(buf, offset, length, number);
        break;
      case SPB:
        this.simplePacket(buf, offset, length, number);
        break;
      case PB:
        this.obsoletePacket(buf, offset, length, number);
        break;
      default:
        break; // name resolution, statistics, custom, journal... blocks: nothing to count
    }
  }

  private sectionHeader(buf: Buffer, offset: number, length: number, number: number): void {
    if (length < 28) throw new CaptureFormatError(`block ${number}: section header of ${length} bytes`);
    const major = this.u16(buf, offset + 12);
    if (major !== 1) throw new CaptureFormatError(`block ${number}: unsupported pcapng version ${major}`);
    this.interfaces = []; // interface ids are numbered per section
  }

  private interfaceDescription(buf: Buffer, offset: number, length: number, number: number): void {
    if (length < 20) throw new CaptureFormatError(`block ${number}: interface description of ${length} bytes`);
    const linkType = this.u16(buf, offset + 8);
    const snaplen = this.u32(buf, offset + 12);
    let name: string | null = null;
    let resolution = 6;
    let offsetSeconds = 0;
    const end = offset + length - 4;
    for (let o = offset + 16; o + 4 <= end; ) {
      const code = this.u16(buf, o);
      const size = this.u16(buf, o + 2);
      const value = o + 4;
      if (code === OPT_END || value + size > end) break;
      if (code === IF_NAME) name = buf.toString('utf8', value, value + size).replace(/\0+$/, '');
      else if (code === IF_TSRESOL && size >= 1) resolution = buf[value]!;
      else if (code === IF_TSOFFSET && size >= 8) offsetSeconds = this.u32(buf, value + (this.le ? 4 : 0)) * 4294967296 + this.u32(buf, value + (this.le ? 0 : 4));
      o = value + size + ((4 - (size % 4)) % 4);
    }
    const binary = (resolution & 0x80) !== 0;
    const exponent = resolution & 0x7f;
    const unitsPerSecond = binary ? 2 ** exponent : 10 ** exponent;
    const precision = binary ? `2^-${exponent}` : exponent === 6 ? 'us' : exponent === 9 ? 'ns' : `1e-${exponent}`;
    const index = this.session.addInterface({ name: name || null, linkType, format: 'pcapng', precision, snaplen });
    this.interfaces.push({ index, snaplen, usPerUnit: 1e6 / unitsPerSecond, offsetUs: offsetSeconds * 1e6 });
  }

  private interfaceOf(id: number, number: number): SectionInterface {
    const iface = this.interfaces[id];
    if (iface === undefined) throw new CaptureFormatError(`block ${number}: packet of interface ${id}, which no interface block described`);
    return iface;
  }

  private timestamp(iface: SectionInterface, high: number, low: number): number {
    const units = high * 4294967296 + low;
    return Math.floor(iface.usPerUnit === 1 ? units : units * iface.usPerUnit) + iface.offsetUs;
  }

  private enhancedPacket(buf: Buffer, offset: number, length: number, number: number): void {
    if (length < 32) throw new CaptureFormatError(`block ${number}: enhanced packet block of ${length} bytes`);
    const iface = this.interfaceOf(this.u32(buf, offset + 8), number);
    const captured = this.u32(buf, offset + 20);
    if (28 + captured > length - 4) throw new CaptureFormatError(`block ${number}: captured length ${captured} does not fit its block of ${length} bytes`);
    const tsUs = this.timestamp(iface, this.u32(buf, offset + 12), this.u32(buf, offset + 16));
    this.session.packet(iface.index, tsUs, buf, offset + 28, captured, this.u32(buf, offset + 24));
  }

  private simplePacket(buf: Buffer, offset: number, length: number, number: number): void {
    if (length < 16) throw new CaptureFormatError(`block ${number}: simple packet block of ${length} bytes`);
    const iface = this.interfaceOf(0, number);
    const original = this.u32(buf, offset + 8);
    let captured = Math.min(original, length - 16);
    if (iface.snaplen > 0) captured = Math.min(captured, iface.snaplen);
    this.session.packet(iface.index, Number.NaN, buf, offset + 12, captured, original);
  }

  private obsoletePacket(buf: Buffer, offset: number, length: number, number: number): void {
    if (length < 32) throw new CaptureFormatError(`block ${number}: packet block of ${length} bytes`);
    const iface = this.interfaceOf(this.u16(buf, offset + 8), number);
    const captured = this.u32(buf, offset + 20);
    if (28 + captured > length - 4) throw new CaptureFormatError(`block ${number}: captured length ${captured} does not fit its block of ${length} bytes`);
    const tsUs = this.timestamp(iface, this.u32(buf, offset + 12), this.u32(buf, offset + 16));
    this.session.packet(iface.index, tsUs, buf, offset + 28, captured, this.u32(buf, offset + 24));
  }
}
