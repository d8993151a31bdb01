import type { Row } from '../types.js';
import { normalizeCidr } from '../shared/cidr.js';
import { bit, listOrNull } from './common/flags.js';

/** One address of a device (the columns of the addrs table). */
export interface AddrRecord {
  ifname: string;
  ifindex: number | null;
  family: string;
  address: string;
  prefixlen: number | null;
  peer: string | null;
  scope: string | null;
  label: string | null;
  broadcast: string | null;
  flags: string[];
  validLft: number | null;
  preferredLft: number | null;
}

/** The kernel's "forever" lifetime. */
export const INFINITY_LIFETIME = 4294967295;

/** The connected network: the peer prefix for a point-to-point address, else the address's own. */
export function addrCidr(a: Pick<AddrRecord, 'address' | 'prefixlen' | 'peer'>): string | null {
  const base = a.peer ?? a.address;
  return normalizeCidr(base.includes('/') || a.prefixlen === null ? base : `${base}/${a.prefixlen}`);
}

export function addrRow(a: AddrRecord): Row {
  return {
    ifname: a.ifname,
    ifindex: a.ifindex,
    family: a.family,
    address: a.address,
    prefixlen: a.prefixlen,
    cidr: addrCidr(a),
    peer: a.peer,
    scope: a.scope,
    label: a.label,
    broadcast: a.broadcast,
    dynamic: bit(a.flags.includes('dynamic')),
    secondary: bit(a.flags.includes('secondary') || a.flags.includes('temporary')),
    flags: listOrNull(a.flags),
    valid_lft: a.validLft,
    preferred_lft: a.preferredLft,
  };
}
