/**
 * `ip -d link show` text, for iproute2 without JSON (CentOS 7's iproute 3.10/4.11) and as a
 * fallback. Verbatim (iproute2 6.1):
 *
 *   3: tap1a2b3c: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc pfifo_fast master cni0 state UP mode DEFAULT group default qlen 1000
 *       link/ether 66:41:73:e8:24:7f brd ff:ff:ff:ff:ff:ff promiscuity 1  allmulti 1 minmtu 68 maxmtu 65521
 *       tun type tap pi off vnet_hdr off persist on
 *       bridge_slave state forwarding priority 32 cost 2 hairpin off guard off root_block off ...
 *   8: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
 *       link/ether b6:95:2a:cd:01:c3 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535
 *       vxlan id 1 local 192.168.80.240 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64 numtxqueues 1 ...
 *
 * and iproute 3.10 (CentOS 7):
 *
 *   5: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT
 *       link/ether 9e:48:a6:03:48:98 brd ff:ff:ff:ff:ff:ff promiscuity 0
 *       vxlan id 1 local 192.168.1.10 dev eth0 srcport 0 0 dstport 8472 nolearning ageing 300
 *
 * The first word of each line after link/... names the driver ("vxlan", "veth", "bridge"), or
 * with a _slave suffix the master's driver; physical NICs have no such line.
 */
import type { ParseContext, Rows } from '../types.js';
import { intOrNull } from './common/flags.js';
import { parseLinkHeader, parseLinkLayer } from './common/link-header.js';
import { commandOutputLines, isIndented, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';
import { linkRow, newLink, resolveLinkNames, type LinkRecord } from './link-record.js';
import { applyVxlanWords } from './vxlan-text.js';

/** First words of detail lines that are not a driver name. */
const NOT_A_KIND = new Set([
  'altname',
  'alias',
  'vf',
  'prop',
  'addrgenmode',
  'numtxqueues',
  'gso_max_size',
  'RX:',
  'TX:',
  'RX',
  'TX',
  'portname',
  'portid',
  'parentbus',
  'prog/xdp',
  'xdp',
  'xdpgeneric',
  'xdpdrv',
  'xdpoffload',
  'protodown',
  'protodown_reason',
  'inet',
  'inet6',
  'valid_lft',
]);

function applyDetailLine(l: LinkRecord, line: string, detailLines: string[]): void {
  const w = words(line);
  const first = w[0];
  if (first === undefined || NOT_A_KIND.has(first)) return;
  // RX/TX counter rows of `ip -s` are numbers
  if (intOrNull(first) !== null) return;
  if (first.endsWith('_slave')) {
    if (l.slaveKind === '') l.slaveKind = first.slice(0, -'_slave'.length);
    detailLines.push(line.trim());
    return;
  }
  if (l.kind !== '') {
    detailLines.push(line.trim());
    return;
  }
  l.kind = first;
  detailLines.push(line.trim());
  if (first === 'vxlan') applyVxlanWords(l, w);
}

export function parseIpLinkText(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const links: LinkRecord[] = [];
  let current: LinkRecord | null = null;
  let detailLines: string[] = [];
  let sawLinkLayer = false;
  const close = () => {
    if (current !== null) {
      current.details = detailLines.length > 0 ? detailLines.join('\n') : null;
      links.push(current);
    }
    current = null;
    detailLines = [];
    sawLinkLayer = false;
  };
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    if (!isIndented(line)) {
      close();
      const header = parseLinkHeader(line);
      if (header === null) {
        sink.error(n + 1, `not a device header line: ${JSON.stringify(line.slice(0, 120))}`);
        continue;
      }
      const l = newLink(header.name, header.ifindex);
      l.flags = header.flags;
      l.operstate = header.attrs.get('state') ?? null;
      l.mtu = intOrNull(header.attrs.get('mtu'));
      l.qdisc = header.attrs.get('qdisc') ?? null;
      l.txqlen = intOrNull(header.attrs.get('qlen'));
      l.master = header.attrs.get('master') ?? null;
      l.linkIfindex = header.peerIfindex;
      l.linkName = header.peerName;
      current = l;
      continue;
    }
    if (current === null) {
      sink.error(n + 1, 'indented line before any device header');
      continue;
    }
    const l: LinkRecord = current;
    if (!sawLinkLayer) {
      const layer = parseLinkLayer(line);
      if (layer !== null) {
        sawLinkLayer = true;
        l.linkType = layer.linkType;
        l.mac = layer.address;
        l.linkNetnsid = layer.netnsid;
        l.linkNetns = layer.netns;
        l.promiscuity = layer.promiscuity;
        continue;
      }
    }
    applyDetailLine(l, line, detailLines);
  }
  close();
  resolveLinkNames(links);
  for (const l of links) sink.add('links', linkRow(l));
  return sink.finish();
}
