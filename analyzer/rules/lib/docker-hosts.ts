/**
 * dockerd listen addresses (-H / --host flags, daemon.json "hosts"): which of them are TCP, and
 * on what address and port. dockerd reads tcp://h:p, tcp://:p (all addresses), a bare tcp://
 * (2375, or 2376 with TLS) and a scheme-less h:p as TCP; unix://, fd:// and npipe:// are not.
 */

export interface TcpEndpoint {
  /** Normalised tcp://host:port (IPv6 hosts in brackets). */
  url: string;
  host: string;
  port: number;
}

/** A -H value or hosts entry that is TCP: tcp://h:p, tcp://:p, tcp://, or a bare h:p (dockerd reads it as tcp). */
export function tcpEndpoint(value: string, tls: boolean): TcpEndpoint | null {
  const v = value.trim();
  let rest: string;
  if (/^tcp:\/\//i.test(v)) rest = v.slice(6);
  else if (/^(unix|fd|npipe|ssh):\/\//i.test(v) || v.startsWith('/')) return null;
  else if (/^[^/]*:\d+$/.test(v) || /^\d+\.\d+\.\d+\.\d+$/.test(v)) rest = v;
  else return null;
  rest = rest.replace(/\/.*$/, '');
  const defaultPort = tls ? 2376 : 2375;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(rest);
  const host = (m?.[1] ?? '').replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = m?.[2] ? Number(m[2]) : defaultPort;
  return { url: `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`, host, port };
}

export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || host.startsWith('127.');
