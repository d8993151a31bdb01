/**
 * `ip -d -j link show` (iproute2 >= 4.14). One object per device:
 *
 *   [{"ifindex":8,"ifname":"flannel.1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1450,
 *     "qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,
 *     "link_type":"ether","address":"b6:95:2a:cd:01:c3","broadcast":"ff:ff:ff:ff:ff:ff","promiscuity":0,
 *     "allmulti":0,"min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"vxlan","info_data":{"id":1,
 *     "local":"192.168.80.240","link":"eth0","port_range":{"low":0,"high":0},"port":8472,"learning":false,
 *     "ttl":0,"df":"unset","ageing":300,"udp_csum":true,"udp_zero_csum6_tx":false,"udp_zero_csum6_rx":false}},
 *     "inet6_addr_gen_mode":"eui64","num_tx_queues":1,"num_rx_queues":1,"gso_max_size":65536,...},
 *    {"ifindex":11,"link_index":11,"ifname":"vxlan-pod",...,"link_netnsid":0,...}]
 *
 * A peer in another namespace comes as link_index + link_netnsid, a peer in this one as "link": name.
 */
import type { ParseContext, Rows } from '../types.js';
import { readJsonArray } from './common/json-array.js';
import { bool, int, isObject, obj, str, strList, type JsonObject } from './common/json-value.js';
import { RowSink } from './common/row-sink.js';
import { linkRow, newLink, resolveLinkNames, type LinkRecord } from './link-record.js';

function vxlanFrom(l: LinkRecord, data: JsonObject): void {
  l.vxlanId = int(data, 'id');
  l.vxlanLocal = str(data, 'local') ?? str(data, 'local6');
  l.vxlanRemote = str(data, 'remote') ?? str(data, 'group') ?? str(data, 'remote6') ?? str(data, 'group6');
  l.vxlanPort = int(data, 'port');
  l.vxlanDev = str(data, 'link');
  const learning = bool(data, 'learning');
  l.vxlanLearning = learning ?? true;
}

function linkFrom(o: JsonObject): LinkRecord | null {
  const name = str(o, 'ifname');
  if (name === null) return null;
  const l = newLink(name, int(o, 'ifindex'));
  l.flags = strList(o, 'flags');
  l.operstate = str(o, 'operstate');
  l.mtu = int(o, 'mtu');
  l.qdisc = str(o, 'qdisc');
  l.txqlen = int(o, 'txqlen');
  l.linkType = str(o, 'link_type');
  l.mac = str(o, 'address');
  l.master = str(o, 'master');
  l.promiscuity = int(o, 'promiscuity');
  l.linkIfindex = int(o, 'link_index');
  const linkName = o['link'];
  if (typeof linkName === 'string') {
    // a peer ip could not name (another namespace) is printed as "if<index>" by some versions
    const numbered = /^if(\d+)$/.exec(linkName);
    if (numbered !== null) l.linkIfindex ??= Number(numbered[1]);
    else l.linkName = linkName;
  }
  l.linkNetnsid = int(o, 'link_netnsid');
  const info = obj(o, 'linkinfo');
  if (info !== null) {
    l.kind = str(info, 'info_kind') ?? '';
    l.slaveKind = str(info, 'info_slave_kind') ?? '';
    const data = obj(info, 'info_data');
    if (l.kind === 'vxlan' && data !== null) vxlanFrom(l, data);
    l.details = JSON.stringify(info);
  }
  return l;
}

export function parseIpLinkJson(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const links: LinkRecord[] = [];
  readJsonArray(text, sink).forEach((item, i) => {
    const link = isObject(item) ? linkFrom(item) : null;
    if (link === null) sink.error(null, `JSON element ${i + 1} is not a device object with an ifname`);
    else links.push(link);
  });
  resolveLinkNames(links);
  for (const l of links) sink.add('links', linkRow(l));
  return sink.finish();
}
