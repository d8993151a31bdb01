/**
 * `ss -tan`: every TCP socket. Verbatim (iproute2 6.1):
 *
 *   State      Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process
 *   LISTEN     0      64        10.244.1.1%cni0:53               0.0.0.0:*
 *   TIME-WAIT  0      0          192.168.80.240:59704     192.168.80.240:8080
 *   SYN-SENT   0      1              10.244.1.0:42230         10.244.2.7:80
 *   LISTEN     0      4096                    *:6443                   *:*
 *   ESTAB      0      0      [::ffff:127.0.0.1]:6443  [::ffff:127.0.0.1]:35850
 *
 * iproute 3.10 (CentOS 7): `*:22` is IPv4 any, IPv6 has no brackets (`:::22`, `::ffff:10.0.0.1:80`).
 * A busy node has 100k lines: one pass, no regular expressions, one object per socket.
 */
import type { ParseContext, Rows } from '../types.js';
import { RowSink } from './common/row-sink.js';
import { newEndpoint, readSsEndpoint } from './ss-address.js';
import { readSsLine, readSsOutput } from './ss-output.js';

/** ESTAB, TIME-WAIT, FIN-WAIT-2...: capitals, digits and '-'. */
function isStateWord(line: string, start: number, end: number): boolean {
  if (end === start) return false;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45)) return false;
  }
  return true;
}

export function parseSsTcp(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const ss = readSsOutput(text, sink);
  const { lines, star, shift, starts, ends } = ss;
  const local = newEndpoint();
  const peer = newEndpoint();
  for (let n = ss.first; n < lines.length; n++) {
    const line = lines[n]!;
    if (!readSsLine(line, ss)) continue;
    if (
      ss.recvQ < 0 ||
      ss.sendQ < 0 ||
      !isStateWord(line, starts[shift]!, ends[shift]!) ||
      !readSsEndpoint(line, starts[shift + 3]!, ends[shift + 3]!, star, local) ||
      !readSsEndpoint(line, starts[shift + 4]!, ends[shift + 4]!, star, peer)
    ) {
      sink.error(n + 1, `not a socket line: ${JSON.stringify(line.slice(0, 120))}`);
      continue;
    }
    sink.add('tcp_sockets', {
      state: line.slice(starts[shift]!, ends[shift]!),
      family: local.family,
      local_address: local.address,
      local_port: local.port,
      local_interface: local.iface,
      peer_address: peer.address,
      peer_port: peer.port,
      recv_q: ss.recvQ,
      send_q: ss.sendQ,
    });
  }
  return sink.finish();
}
