/**
 * What SQL lacks for network rules, registered once on the connection so rules never copy CIDR
 * math into queries:
 *   cidr_contains(outer, inner)  1 when the address or prefix `inner` lies inside `outer`
 *   cidr_overlaps(a, b)          1 when two prefixes share an address
 *   cidr_network(text)           canonical prefix: '10.244.1.5/24' -> '10.244.1.0/24', '10.96.0.1' -> '10.96.0.1/32'
 *   cidr_size(cidr)              addresses in the prefix (capped at 2^62 for IPv6)
 *   ip_normalize(text)           canonical address text ('::ffff:10.0.0.1' stays IPv6; bad input -> NULL)
 *   text REGEXP pattern          JavaScript regular expression test
 */
import type { Database } from 'better-sqlite3';
import { addressCount, cidrContains, cidrOverlaps, normalizeCidr, normalizeIp } from '../parsers/shared/cidr.js';

const regexCache = new Map<string, RegExp>();

function cachedRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

const asText = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null);

export function registerSqlFunctions(db: Database): void {
  const deterministic = { deterministic: true };
  db.function('cidr_contains', deterministic, (outer: unknown, inner: unknown) => {
    const o = asText(outer);
    const i = asText(inner);
    return o !== null && i !== null && cidrContains(o, i) ? 1 : 0;
  });
  db.function('cidr_overlaps', deterministic, (a: unknown, b: unknown) => {
    const x = asText(a);
    const y = asText(b);
    return x !== null && y !== null && cidrOverlaps(x, y) ? 1 : 0;
  });
  db.function('cidr_network', deterministic, (text: unknown) => {
    const t = asText(text);
    return t === null ? null : normalizeCidr(t);
  });
  db.function('cidr_size', deterministic, (text: unknown) => {
    const t = asText(text);
    const n = t === null ? null : addressCount(t);
    if (n === null) return null;
    return n > 2n ** 62n ? 2 ** 62 : Number(n);
  });
  db.function('ip_normalize', deterministic, (text: unknown) => {
    const t = asText(text);
    return t === null ? null : normalizeIp(t);
  });
  // `x REGEXP y` calls regexp(y, x)
  db.function('regexp', deterministic, (pattern: unknown, text: unknown) => {
    const p = asText(pattern);
    const t = asText(text);
    return p !== null && t !== null && cachedRegex(p).test(t) ? 1 : 0;
  });
}
