/**
 * The first two lines of a device in `ip link`, `ip addr` and (the first line only) `bridge link`
 * text output, from iproute 3.10 (CentOS 7) to 6.x:
 *
 *   8: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
 *       link/ether b6:95:2a:cd:01:c3 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535
 *   11: vxlan-pod@if11: <BROADCAST,MULTICAST> mtu 1400 qdisc noop state DOWN mode DEFAULT group default qlen 1000
 *       link/ether c6:3c:98:d5:61:0d brd ff:ff:ff:ff:ff:ff link-netns nsnap-net-pod1 promiscuity 0 ...
 *   6: veth1b8ba9b state UP : <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master docker0 state forwarding priority 32 cost 2
 */
import { flagsOf, intOrNull } from './flags.js';
import { words } from './lines.js';

export interface LinkHeader {
  ifindex: number;
  name: string;
  /** What followed '@': 'if11' style peers give peerIfindex, names give peerName, 'NONE' neither. */
  peerIfindex: number | null;
  peerName: string | null;
  flags: string[];
  /** Key/value words after the flags (mtu, qdisc, master, state, mode, group, qlen, ...). The first of a repeated key wins. */
  attrs: Map<string, string>;
  /** `bridge link` of iproute 3.x prints the operstate before the colon: `veth1 state UP : <...>`. */
  operstateBeforeFlags: string | null;
}

/** Parses a device header line, or returns null when the line is not one. */
export function parseLinkHeader(line: string): LinkHeader | null {
  const colon = line.indexOf(': ');
  if (colon <= 0) return null;
  const ifindex = intOrNull(line.slice(0, colon));
  if (ifindex === null) return null;
  const rest = words(line.slice(colon + 2));
  if (rest.length === 0) return null;
  let nameWord = rest[0]!;
  if (nameWord.endsWith(':')) nameWord = nameWord.slice(0, -1);
  let operstateBeforeFlags: string | null = null;
  let oldPeer: string | null = null;
  let i = 1;
  // iproute 3.x bridge link: "veth1 state UP : <...>" or "veth1 state UP @if6: <...>"
  for (; i < rest.length && !rest[i]!.startsWith('<'); i++) {
    const word = rest[i]!;
    if (word === 'state' && i + 1 < rest.length) operstateBeforeFlags = rest[++i]!;
    else if (word.startsWith('@')) oldPeer = word.slice(1).replace(/:$/, '');
    else if (word !== ':') return null;
  }
  const flagsWord = rest[i];
  if (flagsWord === undefined) return null;
  i++;
  const at = nameWord.indexOf('@');
  const name = at < 0 ? nameWord : nameWord.slice(0, at);
  const peer = at < 0 ? oldPeer : nameWord.slice(at + 1);
  let peerIfindex: number | null = null;
  let peerName: string | null = null;
  if (peer !== null && peer !== 'NONE' && peer !== '(null)') {
    const n = peer.startsWith('if') ? intOrNull(peer.slice(2)) : null;
    if (n !== null) peerIfindex = n;
    else peerName = peer;
  }
  const attrs = new Map<string, string>();
  for (; i + 1 < rest.length; i += 2) {
    const key = rest[i]!;
    if (!attrs.has(key)) attrs.set(key, rest[i + 1]!);
  }
  return { ifindex, name, peerIfindex, peerName, flags: flagsOf(flagsWord), attrs, operstateBeforeFlags };
}

export interface LinkLayer {
  linkType: string;
  address: string | null;
  netnsid: number | null;
  netns: string | null;
  promiscuity: number | null;
}

/** Parses `link/ether MAC brd MAC [link-netnsid N] [promiscuity N] ...`, or null when the line is not one. */
export function parseLinkLayer(line: string): LinkLayer | null {
  const w = words(line);
  const first = w[0];
  if (first === undefined || !first.startsWith('link/')) return null;
  const second = w[1];
  // link/none and link/void have no address; MACs and tunnel endpoints contain ':' or '.'
  const address = second !== undefined && (second.includes(':') || second.includes('.')) ? second : null;
  const out: LinkLayer = { linkType: first.slice(5), address, netnsid: null, netns: null, promiscuity: null };
  for (let i = address === null ? 1 : 2; i < w.length; i++) {
    const key = w[i];
    if (key === 'link-netnsid') out.netnsid = intOrNull(w[++i]);
    else if (key === 'link-netns') out.netns = w[++i] ?? null;
    else if (key === 'promiscuity') out.promiscuity = intOrNull(w[++i]);
  }
  return out;
}
