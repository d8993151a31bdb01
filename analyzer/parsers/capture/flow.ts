/**
 * One flow's counters and the per-direction TCP state needed to spot anomalies in one pass with
 * constant memory per flow: the highest sequence number each side has sent (retransmissions do
 * not advance it), each side's last ACK and window (duplicate ACKs, zero windows, the window a
 * segment must fit in), and the window scale negotiated by the SYNs.
 * Side A is the sender of the flow's first packet; client and server are decided at the end.
 */
import { IpPacket, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './ip-packet.js';

/** Sequence-number arithmetic modulo 2^32: is a after b? */
function seqAfter(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** Segments in IP packets bigger than this are "large" for the MTU black-hole pattern. */
export const LARGE_PACKET = 1400;

/** TCP state of one direction (what its sender has sent and advertised). */
class Direction {
  /** Highest sequence number sent so far (seq + length), valid once seqKnown. */
  maxEnd = 0;
  seqKnown = false;
  lastAck = 0;
  lastWindow = 0;
  /** The last window came in a SYN, where it is never scaled. */
  lastWindowUnscaled = false;
  ackKnown = false;
  sawSyn = false;
  /** Window scale option of this side's SYN (-1: none). */
  windowScale = -1;
  mss = -1;
  packets = 0;
  bytes = 0;
}

export const SIDE_A = 0;
export const SIDE_B = 1;
export type Side = typeof SIDE_A | typeof SIDE_B;

export class Flow {
  /** Side A (the first packet's sender) is the low endpoint of the flow key. */
  aIsLow = true;
  readonly a = new Direction();
  readonly b = new Direction();
  /** Client side once known from a SYN, SYN-ACK or echo request; -1 until then. */
  clientSide = -1;
  roleSource = '';
  syn = 0;
  synAck = 0;
  fin = 0;
  rst = 0;
  rstFrom = -1;
  rstAfterOutOfWindow = false;
  outOfWindow = 0;
  retransmissions = 0;
  dupAcks = 0;
  zeroWindow = 0;
  maxSegment = 0;
  maxPacket = 0;
  dfLargeRetrans = 0;
  icmpFragNeeded = 0;
  icmpMtu = -1;
  icmpUnreachable = 0;
  firstUs = Number.NaN;
  lastUs = Number.NaN;
  /** Side of the previous packet, and whether it was data beyond the receiver's window. */
  private lastSide = -1;
  private lastOutOfWindow = false;

  constructor(
    readonly iface: number,
    readonly proto: number,
    readonly ipVersion: number,
    readonly addrA: string,
    readonly portA: number,
    readonly addrB: string,
    readonly portB: number,
    readonly hasPorts: boolean,
    readonly vni: number,
    readonly inner: boolean,
    readonly ifindex: number,
  ) {}

  get packets(): number {
    return this.a.packets + this.b.packets;
  }

  touch(tsUs: number): void {
    if (Number.isNaN(this.firstUs) || tsUs < this.firstUs) this.firstUs = tsUs;
    if (Number.isNaN(this.lastUs) || tsUs > this.lastUs) this.lastUs = tsUs;
  }

  /** Counts a packet sent by `side`. */
  count(side: Side, pkt: IpPacket, tsUs: number): void {
    const dir = side === SIDE_A ? this.a : this.b;
    dir.packets++;
    dir.bytes += pkt.ipLength;
    if (pkt.ipLength > this.maxPacket) this.maxPacket = pkt.ipLength;
    if (pkt.hasPorts && pkt.payloadLength > this.maxSegment && pkt.icmpType < 0) this.maxSegment = pkt.payloadLength;
    if (!Number.isNaN(tsUs)) this.touch(tsUs);
  }

  setClient(side: Side, source: string): void {
    if (this.clientSide < 0) {
      this.clientSide = side;
      this.roleSource = source;
    }
  }

  /** The TCP analysis of a segment sent by `side`. */
  tcp(side: Side, pkt: IpPacket): void {
    const sender = side === SIDE_A ? this.a : this.b;
    const receiver = side === SIDE_A ? this.b : this.a;
    const flags = pkt.tcpFlags;
    const syn = (flags & TCP_SYN) !== 0;
    const fin = (flags & TCP_FIN) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    const ack = (flags & TCP_ACK) !== 0;
    const length = pkt.payloadLength;

    if (syn) {
      sender.sawSyn = true;
      sender.windowScale = pkt.windowScale;
      if (pkt.mss >= 0) sender.mss = pkt.mss;
      if (ack) {
        this.synAck++;
        this.setClient(side === SIDE_A ? SIDE_B : SIDE_A, 'syn');
      } else {
        this.syn++;
        if (this.clientSide >= 0 && this.roleSource !== 'syn') this.clientSide = -1; // a SYN outranks a guess
        this.setClient(side, 'syn');
      }
    }
    if (fin) this.fin++;

    // retransmissions: a segment that occupies sequence space but does not advance it
    const seqEnd = (pkt.seq + length + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
    let outOfWindow = false;
    if (!rst) {
      if (sender.seqKnown) {
        const occupies = length > 0 || syn || fin;
        const keepAlive = length <= 1 && !syn && !fin && ((pkt.seq + 1) >>> 0) === sender.maxEnd;
        if (occupies && !keepAlive && !seqAfter(seqEnd, sender.maxEnd)) {
          this.retransmissions++;
          if (pkt.dontFragment && pkt.ipLength > LARGE_PACKET) this.dfLargeRetrans++;
        }
        if (seqAfter(seqEnd, sender.maxEnd)) sender.maxEnd = seqEnd;
      } else {
        sender.maxEnd = seqEnd;
        sender.seqKnown = true;
      }
      // data beyond what the receiver said it could take (window scale known from both SYNs)
      if (length > 0 && receiver.ackKnown && this.a.sawSyn && this.b.sawSyn) {
        const scale = this.a.windowScale >= 0 && this.b.windowScale >= 0 ? receiver.windowScale : 0;
        const rightEdge = (receiver.lastAck + receiver.lastWindow * (receiver.lastWindowUnscaled ? 1 : 2 ** scale)) >>> 0;
        if (seqAfter((pkt.seq + length) >>> 0, rightEdge)) {
          outOfWindow = true;
          this.outOfWindow++;
        }
      }
    }

    if (rst) {
      if (this.rst === 0) {
        this.rstFrom = side;
        this.rstAfterOutOfWindow = this.lastSide === (side === SIDE_A ? SIDE_B : SIDE_A) && this.lastOutOfWindow;
      }
      this.rst++;
    } else {
      if (pkt.window === 0 && !syn) this.zeroWindow++;
      if (ack) {
        // a pure ACK repeating the previous one (not a window update, not a probe below snd.nxt)
        if (sender.ackKnown && length === 0 && !syn && !fin && pkt.ack === sender.lastAck && pkt.window === sender.lastWindow && pkt.window !== 0 && pkt.seq === sender.maxEnd) {
          this.dupAcks++;
        }
        sender.lastAck = pkt.ack;
        sender.lastWindow = pkt.window;
        sender.lastWindowUnscaled = syn;
        sender.ackKnown = true;
      }
    }
    this.lastSide = side;
    this.lastOutOfWindow = outOfWindow;
  }

  /** Bookkeeping for non-TCP packets, so an RST's predecessor is tracked right. */
  other(side: Side): void {
    this.lastSide = side;
    this.lastOutOfWindow = false;
  }
}
