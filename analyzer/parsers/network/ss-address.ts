/**
 * An `ss` address:port column, in the forms of every ss version:
 *
 *   0.0.0.0:8080   10.244.1.1%cni0:53   [fd00:80::240]:10250   [::ffff:127.0.0.1]:6443   *:6443   0.0.0.0:*
 *   [fe80::1]%eth0:22                                     (ss >= 4.x, device after the bracket)
 *   *:22   :::22   ::1:25   ::ffff:127.0.0.1:6443        (iproute 3.10 on CentOS 7: no brackets)
 *
 * A bare '*' address means "any": IPv4 any in old ss, which printed IPv4 any as '*' and IPv6 any
 * as '::'/'[::]'; a dual-stack IPv6 any in ss >= 4.17, which prints IPv4 any as 0.0.0.0.
 */

export interface SsEndpoint {
  family: 'inet' | 'inet6';
  /** Without brackets and device: '0.0.0.0' / '::' for any. */
  address: string;
  /** The %device suffix, or null. */
  iface: string | null;
  /** null for '*'. */
  port: number | null;
  wildcard: boolean;
}

/** Which family a bare '*' stands for in this output (see the file comment). */
export type StarFamily = 'inet' | 'inet6';

/** The port in line[start, end): a number, null for '*', undefined when it is neither. */
function portAt(line: string, start: number, end: number): number | null | undefined {
  if (end - start === 1 && line.charCodeAt(start) === 42) return null;
  if (end === start || end - start > 5) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n > 65535 ? undefined : n;
}

/** A reusable endpoint, so that a 100k-line output does not allocate two objects per line. */
export function newEndpoint(): SsEndpoint {
  return { family: 'inet', address: '', iface: null, port: null, wildcard: false };
}

/** Parses the address:port word line[start, end) into `out`; false when it is not one. */
export function readSsEndpoint(line: string, start: number, end: number, star: StarFamily, out: SsEndpoint): boolean {
  const colon = line.lastIndexOf(':', end - 1);
  if (colon <= start) return false;
  const port = portAt(line, colon + 1, end);
  if (port === undefined) return false;
  let host = line.slice(start, colon);
  let iface: string | null = null;
  if (host.charCodeAt(0) === 91) {
    const close = host.indexOf(']');
    if (close < 0) return false;
    const after = host.slice(close + 1);
    if (after.startsWith('%')) iface = after.slice(1);
    else if (after !== '') return false;
    host = host.slice(1, close);
  }
  const pct = host.indexOf('%');
  if (pct >= 0) {
    iface = host.slice(pct + 1);
    host = host.slice(0, pct);
  }
  out.iface = iface;
  out.port = port;
  if (host === '*') {
    out.family = star;
    out.address = star === 'inet' ? '0.0.0.0' : '::';
    out.wildcard = true;
    return true;
  }
  if (host.length === 0) return false;
  out.family = host.includes(':') ? 'inet6' : 'inet';
  out.address = host;
  out.wildcard = host === '0.0.0.0' || host === '::';
  return true;
}

/**
 * Decides what '*' means for a whole output: ss >= 4.17 prints IPv4 any as 0.0.0.0 and has a
 * "Process" column header since 5.x; older ss did neither.
 */
export function starFamilyOf(header: string, text: string): StarFamily {
  if (header.includes('Process') || text.includes('0.0.0.0:')) return 'inet6';
  return 'inet';
}

/**
 * Finds up to `starts.length` whitespace-separated words of `line`, writing their bounds into the
 * given arrays (reused across lines); returns how many were found.
 */
export function wordBounds(line: string, starts: Int32Array, ends: Int32Array): number {
  let n = 0;
  let i = 0;
  const len = line.length;
  while (n < starts.length) {
    while (i < len) {
      const c = line.charCodeAt(i);
      if (c !== 32 && c !== 9) break;
      i++;
    }
    if (i >= len) break;
    starts[n] = i;
    while (i < len) {
      const c = line.charCodeAt(i);
      if (c === 32 || c === 9) break;
      i++;
    }
    ends[n++] = i;
  }
  return n;
}
