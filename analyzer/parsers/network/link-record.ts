import type { Row } from '../types.js';
import { bit } from './common/flags.js';

/** One device, as both `ip -d link` formats describe it (the columns of the links table). */
export interface LinkRecord {
  ifindex: number | null;
  name: string;
  kind: string;
  slaveKind: string;
  operstate: string | null;
  flags: string[];
  mtu: number | null;
  qdisc: string | null;
  txqlen: number | null;
  linkType: string | null;
  mac: string | null;
  master: string | null;
  promiscuity: number | null;
  linkIfindex: number | null;
  linkName: string | null;
  linkNetnsid: number | null;
  linkNetns: string | null;
  vxlanId: number | null;
  vxlanLocal: string | null;
  vxlanRemote: string | null;
  vxlanPort: number | null;
  vxlanDev: string | null;
  vxlanLearning: boolean | null;
  details: string | null;
}

export function newLink(name: string, ifindex: number | null): LinkRecord {
  return {
    ifindex,
    name,
    kind: '',
    slaveKind: '',
    operstate: null,
    flags: [],
    mtu: null,
    qdisc: null,
    txqlen: null,
    linkType: null,
    mac: null,
    master: null,
    promiscuity: null,
    linkIfindex: null,
    linkName: null,
    linkNetnsid: null,
    linkNetns: null,
    vxlanId: null,
    vxlanLocal: null,
    vxlanRemote: null,
    vxlanPort: null,
    vxlanDev: null,
    vxlanLearning: null,
    details: null,
  };
}

/**
 * Resolves peers named rather than numbered (a veth pair in one namespace prints `v1@v1p`, JSON
 * "link": "v1p") to their ifindex, once every device of the output is known.
 */
export function resolveLinkNames(links: LinkRecord[]): void {
  const byName = new Map<string, number>();
  for (const l of links) if (l.ifindex !== null) byName.set(l.name, l.ifindex);
  for (const l of links) {
    if (l.linkIfindex === null && l.linkName !== null && l.linkNetnsid === null && l.linkNetns === null) {
      l.linkIfindex = byName.get(l.linkName) ?? null;
    }
  }
}

export function linkRow(l: LinkRecord): Row {
  return {
    ifindex: l.ifindex,
    name: l.name,
    kind: l.kind,
    slave_kind: l.slaveKind,
    operstate: l.operstate,
    up: bit(l.flags.includes('UP')),
    lower_up: bit(l.flags.includes('LOWER_UP')),
    flags: l.flags.join(','),
    mtu: l.mtu,
    qdisc: l.qdisc,
    txqlen: l.txqlen,
    link_type: l.linkType,
    mac: l.mac,
    master: l.master,
    promiscuity: l.promiscuity,
    link_ifindex: l.linkIfindex,
    link_name: l.linkName,
    link_netnsid: l.linkNetnsid,
    link_netns: l.linkNetns,
    vxlan_id: l.vxlanId,
    vxlan_local: l.vxlanLocal,
    vxlan_remote: l.vxlanRemote,
    vxlan_port: l.vxlanPort,
    vxlan_dev: l.vxlanDev,
    vxlan_learning: l.vxlanLearning === null ? null : bit(l.vxlanLearning),
    details: l.details,
  };
}
