/**
 * One address as `ip addr` text prints it (after the device header), shared with `ip -o addr`:
 *
 *   inet 192.168.80.251/24 scope global secondary eth0:vip
 *   inet 10.0.0.1 peer 10.0.0.2/32 scope global tun0
 *   inet6 fd00:80::240/64 scope global nodad
 *      valid_lft 3596sec preferred_lft 1796sec
 */
import { parseIp } from '../shared/cidr.js';
import { intOrNull } from './common/flags.js';
import type { AddrRecord } from './addr-record.js';

const VALUED = new Set(['peer', 'brd', 'scope', 'metric', 'proto', 'label']);

function splitPrefix(text: string): [string, number | null] {
  const slash = text.indexOf('/');
  return slash < 0 ? [text, null] : [text.slice(0, slash), intOrNull(text.slice(slash + 1))];
}

/** Builds an address from the words of an `inet`/`inet6` line, or returns null when they are not one. */
export function addrFromWords(w: readonly string[], start: number, ifname: string, ifindex: number | null): AddrRecord | null {
  const familyWord = w[start];
  if (familyWord !== 'inet' && familyWord !== 'inet6') return null;
  const addressWord = w[start + 1];
  if (addressWord === undefined) return null;
  const [address, prefixlen] = splitPrefix(addressWord);
  if (parseIp(address) === null) return null;
  const a: AddrRecord = {
    ifname,
    ifindex,
    family: familyWord,
    address,
    prefixlen,
    peer: null,
    scope: null,
    label: null,
    broadcast: null,
    flags: [],
    validLft: null,
    preferredLft: null,
  };
  // `ip -o addr` joins the lifetime line with a backslash, glued to the last word or alone:
  // "scope host lo\       valid_lft forever ..." / "scope global nodad \       valid_lft ..."
  const own: string[] = [];
  for (let i = start + 2; i < w.length; i++) {
    const word = w[i]!;
    if (word === 'valid_lft') {
      applyLifetimeWords(a, w, i);
      break;
    }
    if (word.endsWith('\\')) {
      if (word.length > 1) own.push(word.slice(0, -1));
      applyLifetimeWords(a, w, i + 1);
      break;
    }
    own.push(word);
  }
  const end = own.length;
  for (let i = 0; i < end; i++) {
    const word = own[i]!;
    if (VALUED.has(word) && i + 1 < end) {
      const value = own[++i]!;
      if (word === 'peer') {
        const [peer, peerLen] = splitPrefix(value);
        a.peer = peer;
        if (peerLen !== null) a.prefixlen = peerLen;
      } else if (word === 'brd') a.broadcast = value;
      else if (word === 'scope') a.scope = value;
      else if (word === 'label') a.label = value;
      continue;
    }
    // the IPv4 label closes the line: "eth0" or "eth0:vip"
    if (familyWord === 'inet' && i === end - 1 && (word === ifname || word.startsWith(`${ifname}:`))) {
      a.label = word;
      continue;
    }
    a.flags.push(word);
  }
  return a;
}

function lifetimeSeconds(word: string | undefined): number | null {
  if (word === undefined || word === 'forever') return null;
  return intOrNull(word.endsWith('sec') ? word.slice(0, -3) : word);
}

/** Reads `valid_lft X preferred_lft Y` from position `from` on. */
export function applyLifetimeWords(a: AddrRecord, w: readonly string[], from: number): void {
  for (let i = from; i < w.length; i++) {
    if (w[i] === 'valid_lft') a.validLft = lifetimeSeconds(w[++i]);
    else if (w[i] === 'preferred_lft') a.preferredLft = lifetimeSeconds(w[++i]);
  }
}
