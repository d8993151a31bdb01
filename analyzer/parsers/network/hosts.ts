/**
 * /etc/hosts (a file, so a last line without a newline is normal):
 *
 *   127.0.0.1   localhost localhost.localdomain localhost4
 *   ::1         localhost localhost.localdomain localhost6
 *   192.168.80.240 k8s-node01   # added by kubespray
 */
import type { ParseContext, Rows } from '../types.js';
import { parseIp } from '../shared/cidr.js';
import { splitLines, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';

export function parseHosts(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const hash = line.indexOf('#');
    const w = words(hash < 0 ? line : line.slice(0, hash));
    if (w.length === 0) {
      if (line.trim() !== '') sink.understoodSomething(); // a comment
      continue;
    }
    const address = w[0]!;
    const ip = parseIp(address);
    if (ip === null || w.length < 2) {
      sink.error(n + 1, ip === null ? `not an address: ${JSON.stringify(address)}` : `address ${address} without a host name`);
      continue;
    }
    sink.add('hosts_entries', { address, family: ip.family === 4 ? 'inet' : 'inet6', names: w.slice(1).join(' '), line: n + 1 });
  }
  return sink.finish();
}
