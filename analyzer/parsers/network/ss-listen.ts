/**
 * `ss -ltnp` (or `ss -ltn` when -p is refused): listening TCP sockets. Verbatim (iproute2 6.1):
 *
 *   State  Recv-Q Send-Q   Local Address:Port  Peer Address:PortProcess
 *   LISTEN 0      64     10.244.1.1%cni0:53         0.0.0.0:*    users:(("python3",pid=12152,fd=9),("python3",pid=12052,fd=9))
 *   LISTEN 2      1              0.0.0.0:9999       0.0.0.0:*    users:(("python3",pid=12152,fd=12),("python3",pid=12052,fd=12))
 *   LISTEN 0      4096                 *:6443             *:*    users:(("python3",pid=12152,fd=7),("python3",pid=12052,fd=7))
 *   LISTEN 0      128     [fd00:80::240]:10250         [::]:*    users:(("python3",pid=12152,fd=11),("python3",pid=12052,fd=11))
 *
 * iproute 3.10 (CentOS 7):
 *
 *   State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port
 *   LISTEN     0      128                       *:22                       *:*      users:(("sshd",1123,3))
 *   LISTEN     0      128                      :::22                      :::*      users:(("sshd",1123,4))
 *
 * For a listener Recv-Q is the accept queue now and Send-Q its size.
 */
import type { ParseContext, Rows } from '../types.js';
import { RowSink } from './common/row-sink.js';
import { newEndpoint, readSsEndpoint } from './ss-address.js';
import { readSsLine, readSsOutput } from './ss-output.js';
import { parseSsUsers } from './ss-users.js';

export function parseSsListen(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const ss = readSsOutput(text, sink);
  const { lines, star, shift, starts, ends } = ss;
  const local = newEndpoint();
  for (let n = ss.first; n < lines.length; n++) {
    const line = lines[n]!;
    if (!readSsLine(line, ss)) continue;
    if (ss.recvQ < 0 || ss.sendQ < 0 || !readSsEndpoint(line, starts[shift + 3]!, ends[shift + 3]!, star, local)) {
      sink.error(n + 1, `not a listening socket line: ${JSON.stringify(line.slice(0, 160))}`);
      continue;
    }
    const users = parseSsUsers(line.slice(ends[shift + 4]!));
    const firstUser = users[0];
    sink.add('listeners', {
      proto: 'tcp',
      family: local.family,
      local_address: local.address,
      wildcard: local.wildcard ? 1 : 0,
      interface: local.iface,
      port: local.port,
      recv_q: ss.recvQ,
      send_q: ss.sendQ,
      process: firstUser?.process ?? null,
      pid: firstUser?.pid ?? null,
      fd: firstUser?.fd ?? null,
      users: users.length === 0 ? null : JSON.stringify(users),
    });
  }
  return sink.finish();
}
