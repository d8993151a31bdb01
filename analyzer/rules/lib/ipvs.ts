/**
 * IPVS virtual services with their real servers, read from ipvs_services / ipvs_dests, and
 * written back the way `ipvsadm -Ln` prints them so findings quote what an engineer sees:
 *
 *   TCP  10.96.92.170:443 rr
 *     -> 10.244.2.9:4443              Masq    0      0          3
 *
 * plus what kube-proxy's IPVS mode says about a service in its ip sets (KUBE-CLUSTER-IP, and the
 * *-LOCAL sets of externalTrafficPolicy=Local services, whose NodePort and external virtual
 * services legitimately have no real server on a node without a local endpoint).
 */
import type { Database } from 'better-sqlite3';

export interface IpvsDest {
  address: string;
  port: number | null;
  family: string;
  forward: string | null;
  weight: number | null;
  activeConns: number | null;
  inactiveConns: number | null;
}

export interface IpvsService {
  nodeId: number;
  protocol: string;
  address: string | null;
  port: number | null;
  fwmark: number | null;
  family: string;
  scheduler: string | null;
  flags: string | null;
  line: number | null;
  dests: IpvsDest[];
}

interface ServiceRow {
  node_id: number;
  protocol: string;
  address: string | null;
  port: number | null;
  fwmark: number | null;
  family: string;
  scheduler: string | null;
  flags: string | null;
  line: number | null;
}

interface DestRow {
  node_id: number;
  service_protocol: string;
  service_address: string | null;
  service_port: number | null;
  service_fwmark: number | null;
  address: string;
  port: number | null;
  family: string;
  forward: string | null;
  weight: number | null;
  active_conns: number | null;
  inactive_conns: number | null;
}

function key(nodeId: number, protocol: string, address: string | null, port: number | null, fwmark: number | null): string {
  return fwmark !== null ? `${nodeId}\tFWM\t${fwmark}` : `${nodeId}\t${protocol}\t${address}\t${port}`;
}

/** The virtual services of the nodes, in ipvsadm's order, each with its real servers. */
export function loadIpvsServices(db: Database, nodeIds: readonly number[]): IpvsService[] {
  const wanted = new Set(nodeIds);
  const services = new Map<string, IpvsService>();
  const rows = db.prepare('SELECT node_id, protocol, address, port, fwmark, family, scheduler, flags, line FROM ipvs_services ORDER BY node_id, line').all() as ServiceRow[];
  for (const r of rows) {
    if (!wanted.has(r.node_id)) continue;
    services.set(key(r.node_id, r.protocol, r.address, r.port, r.fwmark), {
      nodeId: r.node_id,
      protocol: r.protocol,
      address: r.address,
      port: r.port,
      fwmark: r.fwmark,
      family: r.family,
      scheduler: r.scheduler,
      flags: r.flags,
      line: r.line,
      dests: [],
    });
  }
  const dests = db
    .prepare(
      'SELECT node_id, service_protocol, service_address, service_port, service_fwmark, address, port, family, forward, weight, active_conns, inactive_conns FROM ipvs_dests ORDER BY node_id, line',
    )
    .all() as DestRow[];
  for (const d of dests) {
    const svc = services.get(key(d.node_id, d.service_protocol, d.service_address, d.service_port, d.service_fwmark));
    if (!svc) continue;
    svc.dests.push({ address: d.address, port: d.port, family: d.family, forward: d.forward, weight: d.weight, activeConns: d.active_conns, inactiveConns: d.inactive_conns });
  }
  return [...services.values()];
}

function hostPort(address: string, port: number | null, family: string): string {
  const host = family === 'ipv6' || address.includes(':') ? `[${address}]` : address;
  return port === null ? host : `${host}:${port}`;
}

/** `TCP 10.96.0.1:443`, `UDP [fd00::a]:53`, `FWM 100`: a virtual service's name, used as a finding's resource. */
export function ipvsServiceName(s: Pick<IpvsService, 'protocol' | 'address' | 'port' | 'fwmark' | 'family'>): string {
  if (s.fwmark !== null || s.address === null) return `FWM ${s.fwmark ?? '?'}`;
  return `${s.protocol} ${hostPort(s.address, s.port, s.family)}`;
}

/** The service line as `ipvsadm -Ln` prints it: `TCP  10.96.45.3:80 rr persistent 10800`. */
export function ipvsServiceLine(s: IpvsService): string {
  const name = ipvsServiceName(s);
  const [proto, rest] = [name.slice(0, name.indexOf(' ')), name.slice(name.indexOf(' ') + 1)];
  return [`${proto.padEnd(4)} ${rest}`, s.scheduler, s.flags].filter((p) => p !== null && p !== '').join(' ');
}

/** A real server line as `ipvsadm -Ln` prints it: `  -> 10.244.2.9:4443              Masq    0      0          3`. */
export function ipvsDestLine(d: IpvsDest): string {
  // ipvsadm's printf: "  -> %-28s %-7s %-6d %-10d %-10d"
  const cells = [(d.forward ?? '?').padEnd(7), String(d.weight ?? '?').padEnd(6), String(d.activeConns ?? '?').padEnd(10), String(d.inactiveConns ?? '?')];
  return `  -> ${hostPort(d.address, d.port, d.family).padEnd(28)} ${cells.join(' ')}`;
}

/** The service with its real servers, as ipvsadm prints them. */
export function ipvsServiceBlock(s: IpvsService): string {
  return [ipvsServiceLine(s), ...s.dests.map(ipvsDestLine)].join('\n');
}

/**
 * Members of kube-proxy's IPVS-mode ip sets per node, to tell what a virtual service is:
 * `KUBE-CLUSTER-IP` holds `10.96.0.1,tcp:443`; `KUBE-NODE-PORT-LOCAL-TCP` holds `30080`;
 * `KUBE-LOAD-BALANCER-LOCAL` / `KUBE-EXTERNAL-IP-LOCAL` hold `203.0.113.7,tcp:80`.
 */
export function kubeIpvsSets(db: Database, nodeIds: readonly number[]): Map<number, Map<string, Set<string>>> {
  const wanted = new Set(nodeIds);
  const out = new Map<number, Map<string, Set<string>>>();
  let rows: { node_id: number; name: string; member: string }[];
  try {
    rows = db.prepare(`SELECT node_id, name, member FROM ipset_members WHERE name LIKE 'KUBE-%'`).all() as typeof rows;
  } catch {
    return out;
  }
  for (const r of rows) {
    if (!wanted.has(r.node_id)) continue;
    let sets = out.get(r.node_id);
    if (!sets) out.set(r.node_id, (sets = new Map()));
    let members = sets.get(r.name);
    if (!members) sets.set(r.name, (members = new Set()));
    members.add(r.member);
  }
  return out;
}

/**
 * True for a virtual service kube-proxy created for an externalTrafficPolicy=Local NodePort,
 * load-balancer or external IP: it only lists endpoints on this node, so it may have none.
 */
export function isLocalTrafficPolicyService(s: IpvsService, sets: Map<string, Set<string>> | undefined): boolean {
  if (!sets || s.address === null || s.port === null) return false;
  const proto = s.protocol.toLowerCase();
  if (sets.get(`KUBE-NODE-PORT-LOCAL-${s.protocol.toUpperCase()}`)?.has(String(s.port))) return true;
  const member = `${s.address},${proto}:${s.port}`;
  return !!(sets.get('KUBE-LOAD-BALANCER-LOCAL')?.has(member) || sets.get('KUBE-EXTERNAL-IP-LOCAL')?.has(member));
}
