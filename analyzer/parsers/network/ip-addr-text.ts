/**
 * `ip addr show` text (iproute 3.10 on CentOS 7, or any iproute2 without -j). Verbatim (6.1):
 *
 *   2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
 *       link/ether 02:42:c0:a8:50:f0 brd ff:ff:ff:ff:ff:ff
 *       inet 192.168.80.240/24 brd 192.168.80.255 scope global eth0
 *          valid_lft forever preferred_lft forever
 *       inet 192.168.81.7/24 scope global dynamic eth0
 *          valid_lft 3596sec preferred_lft 1796sec
 *       inet 192.168.80.251/24 scope global secondary eth0:vip
 *          valid_lft forever preferred_lft forever
 *       inet6 fd00:80::240/64 scope global nodad
 *          valid_lft forever preferred_lft forever
 */
import type { ParseContext, Rows } from '../types.js';
import { parseLinkHeader } from './common/link-header.js';
import { commandOutputLines, isIndented, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';
import { addrRow, type AddrRecord } from './addr-record.js';
import { addrFromWords, applyLifetimeWords } from './addr-words.js';

export function parseIpAddrText(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  let ifname: string | null = null;
  let ifindex: number | null = null;
  let pending: AddrRecord | null = null;
  const flush = () => {
    if (pending !== null) sink.add('addrs', addrRow(pending));
    pending = null;
  };
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    if (!isIndented(line)) {
      flush();
      const header = parseLinkHeader(line);
      if (header === null) {
        ifname = null;
        sink.error(n + 1, `not a device header line: ${JSON.stringify(line.slice(0, 120))}`);
        continue;
      }
      ifname = header.name;
      ifindex = header.ifindex;
      sink.understoodSomething();
      continue;
    }
    if (ifname === null) continue; // lines of a device whose header was malformed
    const w = words(line);
    const first = w[0];
    if (first === 'inet' || first === 'inet6') {
      flush();
      pending = addrFromWords(w, 0, ifname, ifindex);
      if (pending === null) sink.error(n + 1, `address line without an address: ${JSON.stringify(line.trim())}`);
    } else if (first === 'valid_lft' && pending !== null) {
      applyLifetimeWords(pending, w, 0);
    }
    // link/ether, altname and the like carry no address
  }
  flush();
  return sink.finish();
}
