#!/usr/bin/env python3
"""Both ends of the conntrack-INVALID reset of seed 001, for make-captures.sh (run inside its namespaces).

  oow-peer.py server IFACE PORT [ACK_AHEAD]
                                  accept one connection, send a greeting, then send one segment that
                                  lies beyond the window the client advertised (crafted on a raw socket,
                                  as a late or misbehaving peer would send it), and wait. ACK_AHEAD
                                  (default 0) moves the segment's ACK that far past what the client sent:
                                  kernels since 6.1 only ignore a segment beyond the window, but mark
                                  INVALID one that also acknowledges unseen data
  oow-peer.py client HOST PORT    connect, read the greeting, stay connected for a while, close

A NAT box between them marks the out-of-window segment INVALID, does not reverse the NAT for it, and
its own stack answers the unknown port with a RST: the connection dies although neither end closed it.
"""
import socket
import struct
import sys
import threading
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


class Watcher:
    """Follows the TCP state of the connection to PORT on IFACE from the packets themselves."""

    def __init__(self, iface: str, port: int) -> None:
        self.port = port
        self.peer: tuple[str, int] | None = None
        self.peer_wscale = 0
        self.peer_ack = 0
        self.peer_window = 0
        self.peer_next = 0
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.sock.bind((iface, 0))
        threading.Thread(target=self.run, daemon=True).start()

    def run(self) -> None:
        while True:
            frame = self.sock.recv(65535)
            if len(frame) < 54 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
                continue
            ihl = (frame[14] & 0x0F) * 4
            ip_len = struct.unpack("!H", frame[16:18])[0]
            src = socket.inet_ntoa(frame[26:30])
            t = 14 + ihl
            sport, dport, seq, ack, off_flags, window = struct.unpack("!HHIIHH", frame[t : t + 16])
            if dport != self.port:
                continue
            hlen = (off_flags >> 12) * 4
            flags = off_flags & 0x3F
            payload = ip_len - ihl - hlen
            if flags & 0x02:  # the client's SYN: remember its window scale
                self.peer = (src, sport)
                opts = frame[t + 20 : t + hlen]
                i = 0
                while i < len(opts):
                    kind = opts[i]
                    if kind == 0:
                        break
                    if kind == 1:
                        i += 1
                        continue
                    if kind == 3:
                        self.peer_wscale = opts[i + 2]
                    i += max(opts[i + 1], 2)
                self.peer_next = (seq + 1) & 0xFFFFFFFF
                continue
            if flags & 0x10:
                self.peer_ack = ack
                self.peer_window = window << self.peer_wscale
            self.peer_next = (seq + payload) & 0xFFFFFFFF


def out_of_window_segment(local: tuple[str, int], w: Watcher, ack_ahead: int) -> None:
    assert w.peer is not None
    payload = b"x" * 200
    # right edge of what the client said it can take, plus room: conntrack's upper bound is exceeded
    seq = (w.peer_ack + w.peer_window + 65536) & 0xFFFFFFFF
    tcp = struct.pack("!HHIIBBHHH", local[1], w.peer[1], seq, (w.peer_next + ack_ahead) & 0xFFFFFFFF, 5 << 4, 0x18, 502, 0, 0)
    pseudo = socket.inet_aton(local[0]) + socket.inet_aton(w.peer[0]) + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    csum = checksum(pseudo + tcp + payload)
    tcp = tcp[:16] + struct.pack("!H", csum) + tcp[18:]
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    raw.sendto(tcp + payload, (w.peer[0], 0))


def server(iface: str, port: int, ack_ahead: int) -> None:
    watcher = Watcher(iface, port)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(1)
    conn, _ = srv.accept()
    conn.sendall(b"220 upload service ready\r\n" + b"." * 1000)
    time.sleep(0.5)
    out_of_window_segment(conn.getsockname(), watcher, ack_ahead)
    time.sleep(3)
    conn.close()


def client(host: str, port: int) -> None:
    s = socket.create_connection((host, port), timeout=3)
    s.recv(4096)
    time.sleep(2)
    try:
        s.sendall(b"STOR report.csv\r\n")
        time.sleep(0.5)
    except OSError:
        pass
    s.close()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    else:
        client(sys.argv[2], int(sys.argv[3]))
