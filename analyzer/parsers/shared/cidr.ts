/**
 * IPv4/IPv6 address and prefix arithmetic, exact for both families (an address is a bigint:
 * 32 bits for IPv4, 128 for IPv6). Pure and allocation-light: the rule engine registers these
 * as SQL functions that run once per row, and parsers use them to normalise what tools print:
 *
 *   10.244.1.5/24   -> network 10.244.1.0/24, address 10.244.1.5
 *   fe80::1%eth0    -> fe80::1 (the zone is not part of the address)
 *   ::ffff:10.0.0.1 -> stays IPv6; unmapIpv4() turns it into 10.0.0.1 when wanted
 *
 * Text that is not an address yields null, never an exception.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

export interface Cidr {
  readonly family: IpFamily;
  /** The address as written (host bits may be set: 10.244.1.5/24). */
  readonly address: bigint;
  /** The address with the host bits cleared. */
  readonly network: bigint;
  readonly prefix: number;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const ALL_ONES: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/** Bits of one family's address. */
export function familyBits(family: IpFamily): number {
  return BITS[family];
}

// ---- parsing ------------------------------------------------------------------------------

/** Dotted quad to a uint32 number, or -1. Strict: four decimal parts 0-255 without leading zeros. */
function ipv4ToNumber(text: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero ("010" would be octal to inet_aton)
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** IPv6 text (RFC 4291 forms, embedded IPv4 tail allowed) to a bigint, or null. */
function ipv6ToBigint(text: string, start: number, end: number): bigint | null {
  const groups: number[] = [];
  let gap = -1; // index in groups where '::' stands
  let i = start;
  if (end - start < 2) return null;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return null;
    gap = 0;
    i += 2;
    if (i === end) return 0n;
  }
  while (i < end) {
    // one group, or an IPv4 tail
    let j = i;
    let group = 0;
    while (j < end && j - i < 5) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      group = group * 16 + h;
      j++;
    }
    const next = j < end ? text.charCodeAt(j) : -1;
    if (next === 46) {
      // dotted IPv4 tail takes the last two groups
      const v4 = ipv4ToNumber(text, i, end);
      if (v4 < 0 || groups.length > 6) return null;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
      i = end;
      break;
    }
    if (j === i || j - i > 4) return null;
    groups.push(group);
    if (groups.length > 8) return null;
    if (j === end) {
      i = end;
      break;
    }
    if (next !== 58) return null;
    if (j + 1 < end && text.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return null; // a second '::'
      gap = groups.length;
      i = j + 2;
    } else {
      if (j + 1 === end) return null; // trailing single ':'
      i = j + 1;
    }
  }
  if (gap >= 0) {
    if (groups.length > 7) return null;
    const zeros = new Array<number>(8 - groups.length).fill(0);
    groups.splice(gap, 0, ...zeros);
  } else if (groups.length !== 8) {
    return null;
  }
  // two 64-bit halves built with numbers first: far fewer bigint operations
  const hi = BigInt(groups[0]! * 65536 + groups[1]!) * 4294967296n + BigInt(groups[2]! * 65536 + groups[3]!);
  const lo = BigInt(groups[4]! * 65536 + groups[5]!) * 4294967296n + BigInt(groups[6]! * 65536 + groups[7]!);
  return (hi << 64n) | lo;
}

/** Parses an address between start and end, ignoring a zone or device suffix (`fe80::1%eth0`, ss's `10.0.0.1%cni0`). */
function parseIpRange(text: string, start: number, end: number): IpAddress | null {
  let colon = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) colon = true;
    else if (c === 37) {
      end = i;
      break;
    }
  }
  if (!colon) {
    const v = ipv4ToNumber(text, start, end);
    return v < 0 ? null : { family: 4, value: BigInt(v) };
  }
  const v6 = ipv6ToBigint(text, start, end);
  return v6 === null ? null : { family: 6, value: v6 };
}

/** Parses `10.0.0.1`, `fd00::1`, `fe80::1%eth0`, `::ffff:10.0.0.1`; null when it is not an address. */
export function parseIp(text: string): IpAddress | null {
  return parseIpRange(text, 0, text.length);
}

/** 4, 6, or null when the text is not an address. */
export function ipFamily(text: string): IpFamily | null {
  return parseIp(text)?.family ?? null;
}

/** Parses `10.244.1.0/24`, `10.244.1.5/24` (host bits kept in `address`), or a bare address (a /32 or /128). */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const ip = parseIpRange(text, 0, slash < 0 ? text.length : slash);
  if (ip === null) return null;
  const bits = BITS[ip.family];
  let prefix = bits;
  if (slash >= 0) {
    const digits = text.length - slash - 1;
    if (digits === 0 || digits > 3) return null;
    prefix = 0;
    for (let i = slash + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      prefix = prefix * 10 + (c - 48);
    }
    if (prefix > bits) return null;
  }
  return { family: ip.family, address: ip.value, network: ip.value & prefixMask(ip.family, prefix), prefix };
}

/** Mask with the top `prefix` bits set. */
export function prefixMask(family: IpFamily, prefix: number): bigint {
  const bits = BITS[family];
  if (prefix <= 0) return 0n;
  if (prefix >= bits) return ALL_ONES[family];
  return ALL_ONES[family] ^ ((1n << BigInt(bits - prefix)) - 1n);
}

// ---- formatting -----------------------------------------------------------------------------

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as '::', ::ffff:a.b.c.d for mapped IPv4). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return `${Math.floor(v / 16777216) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
  }
  const hi = ip.value >> 64n;
  const lo = ip.value & 0xffffffffffffffffn;
  const hiHi = Number(hi >> 32n);
  const hiLo = Number(hi & 0xffffffffn);
  const loHi = Number(lo >> 32n);
  const loLo = Number(lo & 0xffffffffn);
  const g = [hiHi >>> 16, hiHi & 0xffff, hiLo >>> 16, hiLo & 0xffff, loHi >>> 16, loHi & 0xffff, loLo >>> 16, loLo & 0xffff];
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIp({ family: 4, value: BigInt(loLo) })}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

/** `network/prefix` in canonical text. */
export function formatCidr(c: Pick<Cidr, 'family' | 'network' | 'prefix'>): string {
  return `${formatIp({ family: c.family, value: c.network })}/${c.prefix}`;
}

/** Canonical address text, or null: `FD00::0001` -> `fd00::1`, `fe80::1%eth0` -> `fe80::1`. */
export function normalizeIp(text: string): string | null {
  const ip = parseIp(text);
  return ip === null ? null : formatIp(ip);
}

/** Canonical network text, or null: `10.244.1.5/24` -> `10.244.1.0/24`, `10.96.0.1` -> `10.96.0.1/32`. */
export function normalizeCidr(text: string): string | null {
  const c = parseCidr(text);
  return c === null ? null : formatCidr(c);
}

// ---- relations --------------------------------------------------------------------------------

/** IPv4 prefix text as plain numbers (network, mask), for the common case without bigint; null when not IPv4. */
function v4Prefix(text: string): [network: number, mask: number, prefix: number] | null {
  const slash = text.indexOf('/');
  let end = slash < 0 ? text.length : slash;
  const pct = text.indexOf('%');
  if (pct >= 0 && pct < end) end = pct;
  const addr = ipv4ToNumber(text, 0, end);
  if (addr < 0) return null;
  let prefix = 32;
  if (slash >= 0) {
    const digits = text.length - slash - 1;
    if (digits === 0 || digits > 3) return null;
    prefix = 0;
    for (let i = slash + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      prefix = prefix * 10 + (c - 48);
    }
    if (prefix > 32) return null;
  }
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [(addr & mask) >>> 0, mask, prefix];
}

function bothIpv4(a: string | Cidr, b: string | Cidr): [ReturnType<typeof v4Prefix>, ReturnType<typeof v4Prefix>] | null {
  if (typeof a !== 'string' || typeof b !== 'string' || a.includes(':') || b.includes(':')) return null;
  return [v4Prefix(a), v4Prefix(b)];
}

function asCidr(x: string | Cidr): Cidr | null {
  return typeof x === 'string' ? parseCidr(x) : x;
}

/** Whether `inner` (an address or a prefix) lies wholly inside `outer`. False across families or on bad input. */
export function cidrContains(outer: string | Cidr, inner: string | Cidr): boolean {
  const v4 = bothIpv4(outer, inner);
  if (v4 !== null) {
    const [o, i] = v4;
    return o !== null && i !== null && i[2] >= o[2] && ((i[0] & o[1]) >>> 0) === o[0];
  }
  const o = asCidr(outer);
  const i = asCidr(inner);
  if (o === null || i === null || o.family !== i.family || i.prefix < o.prefix) return false;
  return (i.network & prefixMask(o.family, o.prefix)) === o.network;
}

/** Whether two prefixes share at least one address. False across families or on bad input. */
export function cidrOverlaps(a: string | Cidr, b: string | Cidr): boolean {
  const v4 = bothIpv4(a, b);
  if (v4 !== null) {
    const [x, y] = v4;
    if (x === null || y === null) return false;
    const mask = x[2] < y[2] ? x[1] : y[1];
    return ((x[0] & mask) >>> 0) === ((y[0] & mask) >>> 0);
  }
  const x = asCidr(a);
  const y = asCidr(b);
  if (x === null || y === null || x.family !== y.family) return false;
  const shorter = Math.min(x.prefix, y.prefix);
  const mask = prefixMask(x.family, shorter);
  return (x.network & mask) === (y.network & mask);
}

/** First address of the prefix, as text (`10.244.1.5/24` -> `10.244.1.0`). */
export function networkAddress(cidr: string | Cidr): string | null {
  const c = asCidr(cidr);
  return c === null ? null : formatIp({ family: c.family, value: c.network });
}

/** Last address of the prefix, as text (`10.244.1.0/24` -> `10.244.1.255`; for IPv6 the all-ones host part). */
export function broadcastAddress(cidr: string | Cidr): string | null {
  const c = asCidr(cidr);
  if (c === null) return null;
  return formatIp({ family: c.family, value: c.network | (ALL_ONES[c.family] ^ prefixMask(c.family, c.prefix)) });
}

/** Number of addresses in the prefix (2^(bits-prefix)); bigint because an IPv6 /64 holds 2^64. */
export function addressCount(cidr: string | Cidr): bigint | null {
  const c = asCidr(cidr);
  return c === null ? null : 1n << BigInt(BITS[c.family] - c.prefix);
}

/** Orders texts by their parsed values (per `compare`); unparsable text sorts last, by text. */
function compareParsed<T>(a: string, b: string, parse: (text: string) => T | null, compare: (x: T, y: T) => number): number {
  const x = parse(a);
  const y = parse(b);
  if (x === null || y === null) {
    if (x !== null) return -1;
    if (y !== null) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return compare(x, y);
}

/** Orders addresses: IPv4 before IPv6, then numerically. Unparsable text sorts last, by text. */
export function compareIp(a: string, b: string): number {
  return compareParsed(a, b, parseIp, (x, y) => x.family - y.family || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
}

/** Orders prefixes: family, then network, then shorter prefix first. Unparsable text sorts last, by text. */
export function compareCidr(a: string, b: string): number {
  return compareParsed(a, b, parseCidr, (x, y) => x.family - y.family || (x.network !== y.network ? (x.network < y.network ? -1 : 1) : x.prefix - y.prefix));
}

/** `::ffff:10.0.0.1` -> `10.0.0.1`; any other address is returned canonical; null when not an address. */
export function unmapIpv4(text: string): string | null {
  const ip = parseIp(text);
  if (ip === null) return null;
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) return formatIp({ family: 4, value: ip.value & 0xffffffffn });
  return formatIp(ip);
}
