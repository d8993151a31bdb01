/**
 * What flanneld's own log says about a node, from its journal (log-flanneld) or its container
 * (kube-flannel pods). flanneld logs (klog):
 *   I1011 08:15:03.000000  1 main.go:533] Using interface with name eth0 and address 192.168.10.22
 *   I1011 08:15:03.000000  1 main.go:392] Found network config - Backend type: vxlan
 *   E1120 06:15:03.000000  1 vxlan_network.go:179] failed to add vxlanRoute (10.244.3.0/24 -> 10.244.3.0): network is down
 *   I0211 02:36:09.965579  1 route_network.go:86] Subnet added: 10.244.2.0/24 via 192.168.3.117
 *   I0211 02:40:09.000000  1 route_network.go:93] Subnet removed: 10.244.2.0/24
 *   E0211 02:36:10.000000  1 route_network.go:152] Error adding route to {Ifindex: 2 Dst: 10.244.1.0/24 Src: <nil> Gw: 192.168.20.12 Flags: [] Table: 0 Realm: 0}: network is unreachable
 *   E0211 02:36:10.000000  1 hostgw_network.go:98] Error adding route to 10.244.1.0/24 via 192.168.20.12: network is unreachable   (older flannel)
 *   E0211 02:04:51.456912  1 main.go:251] Failed to create SubnetManager: error retrieving pod spec ...: dial tcp 10.96.0.1:443: i/o timeout
 */
import type { Database } from 'better-sqlite3';

export interface FlannelLogLine {
  origin: string;
  line_no: number;
  level: string | null;
  text: string;
}

/** A pod subnet route flannel wanted on this node, from the log. */
export interface FlannelRouteEvent {
  subnet: string;
  gateway: string;
  /** 'added': flannel learnt the subnet; 'failed': it could not install the route; 'removed': the lease went away. */
  kind: 'added' | 'failed' | 'removed';
  line: FlannelLogLine;
}

export interface FlannelLog {
  backend: { type: string; line: FlannelLogLine } | null;
  publicIp: { address: string; iface: string; line: FlannelLogLine } | null;
  routes: FlannelRouteEvent[];
  /** The last error or fatal line, the likeliest reason flannel is not doing its job. */
  lastError: FlannelLogLine | null;
}

/** Log origins of flanneld: its systemd unit or any container of a flannel pod. */
export const FLANNEL_LOG_ORIGIN = `(source = 'log-flanneld' OR origin LIKE '%flannel%')`;

const BACKEND = /Backend type: ([A-Za-z0-9-]+)/;
const PUBLIC_IP = /Using interface with name (\S+) and address (\S+)/;
const SUBNET_ADDED = /Subnet added: (\S+\/\d+) via (\S+)/;
const SUBNET_REMOVED = /Subnet removed: (\S+\/\d+)/;
const VXLAN_ROUTE_FAILED = /failed to add vxlanRoute \((\S+\/\d+) -> ([^)\s]+)\)/;
const ROUTE_FAILED_STRUCT = /Error adding route to \{[^}]*?Dst: (\S+\/\d+)[^}]*?Gw: (\S+)/;
const ROUTE_FAILED_PLAIN = /Error adding route to (\S+\/\d+) via ([\d.]+)/;

/** The route a flanneld log line is about, if any. */
export function flannelRouteEvent(line: FlannelLogLine): FlannelRouteEvent | null {
  let m = SUBNET_ADDED.exec(line.text);
  if (m) return { subnet: m[1]!, gateway: m[2]!, kind: 'added', line };
  m = SUBNET_REMOVED.exec(line.text);
  if (m) return { subnet: m[1]!, gateway: '', kind: 'removed', line };
  m = VXLAN_ROUTE_FAILED.exec(line.text) ?? ROUTE_FAILED_STRUCT.exec(line.text) ?? ROUTE_FAILED_PLAIN.exec(line.text);
  if (m) return { subnet: m[1]!, gateway: m[2]!, kind: 'failed', line };
  return null;
}

function emptyLog(): FlannelLog {
  return { backend: null, publicIp: null, routes: [], lastError: null };
}

/** Per node, what its flannel log says (later lines win: the last start is the current one). */
export function flannelLogs(db: Database): Map<number, FlannelLog> {
  const rows = db
    .prepare(`SELECT node_id, origin, line_no, level, text FROM log_lines WHERE ${FLANNEL_LOG_ORIGIN} ORDER BY node_id, timestamp, origin, line_no`)
    .all() as (FlannelLogLine & { node_id: number })[];
  const out = new Map<number, FlannelLog>();
  for (const r of rows) {
    let log = out.get(r.node_id);
    if (!log) out.set(r.node_id, (log = emptyLog()));
    const line: FlannelLogLine = { origin: r.origin, line_no: r.line_no, level: r.level, text: r.text };
    const backend = BACKEND.exec(r.text);
    if (backend) log.backend = { type: backend[1]!.toLowerCase(), line };
    const ip = PUBLIC_IP.exec(r.text);
    if (ip) log.publicIp = { iface: ip[1]!, address: ip[2]!, line };
    const event = flannelRouteEvent(line);
    if (event) log.routes.push(event);
    if (r.level === 'error' || r.level === 'fatal') log.lastError = line;
  }
  return out;
}

/** The line as quoted in evidence: the log it came from and the text. */
export function quoteLogLine(line: FlannelLogLine): string {
  return `${line.origin}:${line.line_no}: ${line.text}`;
}
