/**
 * The pod-netns shell item: for each pod sandbox, its addresses (`ip -o addr show`), its main
 * routes (`ip route show`) and eth0's iflink, read with nsenter. Verbatim:
 *
 *   === sandbox 5f3c9a0d1e2b...e5f6 pid=4242 name=/k8s_POD_web-7d9c8b6f5-x2x9k_default_0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f_0
 *   --- addr
 *   1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
 *   2: eth0    inet 10.244.1.5/24 scope global eth0\       valid_lft forever preferred_lft forever
 *   2: eth0    inet6 fd00:244:1::5/64 scope global nodad \       valid_lft forever preferred_lft forever
 *   --- route
 *   default via 10.244.1.1 dev eth0 onlink linkdown
 *   10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.5 linkdown
 *   --- eth0-iflink
 *   2
 *   === sandbox 9a8b7c6d...e1f0 pid=4310 name=/k8s_POD_coredns-6d4b75cb6d-9kq2w_kube-system_aa11bb22-cc33-dd44-ee55-ff6677889900_1
 *   --- addr
 *   ...
 *   --- route
 *   Error: ipv4: FIB table does not exist.
 *   Dump terminated
 *   --- eth0-iflink
 *   cat: /sys/class/net/eth9/iflink: No such file or directory
 *
 * Error output of the tools (nsenter, ip, cat) is reported as parse_errors naming the sandbox.
 */
import type { ParseContext, Row, Rows } from '../types.js';
import { intOrNull } from './common/flags.js';
import { commandOutputLines, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';
import { addrCidr } from './addr-record.js';
import { addrFromWords } from './addr-words.js';
import { dstCidr, routeColumns, routeFamily } from './route-record.js';
import { routeFromWords } from './route-words.js';

interface Sandbox {
  id: string;
  pid: number | null;
  name: string | null;
  iflink: number | null;
  addrs: Row[];
}

type Section = 'none' | 'addr' | 'route' | 'iflink';

/** "=== sandbox <id> pid=<pid> name=<name>" */
function sandboxOf(line: string): Sandbox | null {
  const w = words(line);
  if (w[0] !== '===' || w[1] !== 'sandbox' || w[2] === undefined) return null;
  const sb: Sandbox = { id: w[2], pid: null, name: null, iflink: null, addrs: [] };
  for (const word of w.slice(3)) {
    if (word.startsWith('pid=')) sb.pid = intOrNull(word.slice(4));
    else if (word.startsWith('name=')) sb.name = word.slice(5).replace(/^\//, '') || null;
  }
  return sb;
}

export function parsePodNetns(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  let sb: Sandbox | null = null;
  let section: Section = 'none';
  let lastRoute: Row | null = null;
  const close = () => {
    if (sb === null) return;
    const base = { sandbox_id: sb.id, pid: sb.pid, name: sb.name, eth0_iflink: sb.iflink };
    if (sb.addrs.length === 0) {
      sink.add('pod_netns', { ...base, ifname: null, family: null, address: null, prefixlen: null, cidr: null, scope: null });
    }
    for (const a of sb.addrs) sink.add('pod_netns', { ...base, ...a });
    sb = null;
  };
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('=== ')) {
      close();
      sb = sandboxOf(trimmed);
      section = 'none';
      if (sb === null) sink.error(n + 1, `malformed sandbox header: ${JSON.stringify(trimmed.slice(0, 160))}`);
      continue;
    }
    if (sb === null) continue;
    const current: Sandbox = sb;
    if (trimmed.startsWith('--- ')) {
      const name = trimmed.slice(4);
      section = name === 'addr' ? 'addr' : name === 'route' ? 'route' : name === 'eth0-iflink' ? 'iflink' : 'none';
      lastRoute = null;
      continue;
    }
    const complain = () => sink.error(n + 1, `sandbox ${current.id.slice(0, 12)} ${section}: ${trimmed.slice(0, 160)}`);
    if (section === 'addr') {
      // "2: eth0    inet 10.244.1.5/24 scope global eth0\ ..."
      const w = words(trimmed);
      const ifname = (w[1] ?? '').replace(/:$/, '').split('@')[0]!;
      const a = intOrNull((w[0] ?? '').replace(/:$/, '')) !== null ? addrFromWords(w, 2, ifname, null) : null;
      if (a === null) {
        complain();
        continue;
      }
      current.addrs.push({ ifname: a.ifname, family: a.family, address: a.address, prefixlen: a.prefixlen, cidr: addrCidr(a), scope: a.scope });
    } else if (section === 'route') {
      const w = words(trimmed);
      if (line.startsWith('\t') || line.startsWith(' ')) {
        if (lastRoute === null) complain();
        continue; // multipath next hops inside a pod: rare, and pod_routes keeps one gateway
      }
      const r = routeFromWords(w);
      const family = r === null ? null : routeFamily(r, 'inet');
      const dst = r === null || family === null ? null : dstCidr(r.dst, family);
      if (r === null || family === null || dst === null) {
        complain();
        continue;
      }
      lastRoute = { sandbox_id: current.id, ...routeColumns(r, family, dst) };
      sink.add('pod_routes', lastRoute);
    } else if (section === 'iflink') {
      const v = intOrNull(trimmed);
      if (v === null) complain();
      else current.iflink = v;
    } else {
      complain();
    }
  }
  close();
  return sink.finish();
}
