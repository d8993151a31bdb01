/**
 * ipvs/kube-ipvs0-stale-address: kube-ipvs0 holds an address (or table local holds a `local`
 * route on kube-ipvs0) that no IPVS virtual service uses, or kube-ipvs0 is UP. Such an address is
 * still local to the node: the kernel accepts packets to it itself, and with no virtual service to
 * take them they get a RST or hang — from this node and its pods (incident 003 §5.2: a stale
 * 10.96.0.1 on kube-ipvs0 cut flannel off from the apiserver). An UP kube-ipvs0 answers ARP for
 * every service address on the node's network.
 */
import { addrText, linkText, loadAddrs, loadLinks, loadRoutes, routeText, type AddrRow, type RouteRow } from '../../analyzer/rules/lib/ip-text.js';
import { loadIpvsServices } from '../../analyzer/rules/lib/ipvs.js';
import { normalizeIp } from '../../analyzer/parsers/shared/cidr.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'ipvs/kube-ipvs0-stale-address',
  title: 'kube-ipvs0 holds an address no IPVS virtual service uses, or is UP',
  severity: 'medium',
  category: 'ipvs',
  description:
    'kube-proxy in IPVS mode binds every service address to the dummy device kube-ipvs0 and removes it when the Service goes. An address left behind ' +
    '(kube-proxy crashed or was switched to iptables mode, the Service was deleted while kube-proxy was down, an address was added by hand) stays local: ' +
    'the node and its pods connect to it and get "connection refused" or a timeout instead of reaching the Service — even when iptables rules or ' +
    'another node would have handled it. A stale ClusterIP of the apiserver (10.96.0.1) cuts flannel and other in-cluster clients off. ' +
    'kube-ipvs0 must also stay DOWN: when UP it answers ARP for every ClusterIP on the node\'s network.',
  remediation:
    'Delete the stale address and its local route (kube-proxy puts back what it still needs):\n' +
    '  ip addr del <address>/32 dev kube-ipvs0\n' +
    '  ip route del table local local <address> dev kube-ipvs0 proto kernel scope host src <address>\n' +
    'and set the device down if it is up: ip link set kube-ipvs0 down. If kube-proxy no longer runs in IPVS mode, remove the device: ip link del kube-ipvs0',
  references: [
    'https://github.com/kubernetes/kubernetes/blob/master/pkg/proxy/ipvs/README.md',
    'https://github.com/kubernetes/kubernetes/issues/72236',
  ],
  sources: ['ip-addr', 'ipvsadm'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

const DEVICE = 'kube-ipvs0';

/** `10.96.0.1/32` -> `10.96.0.1`; null for a wider prefix (not one address). */
function hostOf(cidr: string): string | null {
  const slash = cidr.indexOf('/');
  if (slash < 0) return normalizeIp(cidr);
  const len = Number(cidr.slice(slash + 1));
  return (cidr.includes(':') ? len === 128 : len === 32) ? normalizeIp(cidr.slice(0, slash)) : null;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const addrs = loadAddrs(ctx.db, `ifname = '${DEVICE}'`);
  let routes: Map<number, RouteRow[]>;
  let links: ReturnType<typeof loadLinks>;
  try {
    routes = loadRoutes(ctx.db, `rt_table = 'local' AND type = 'local' AND dev = '${DEVICE}'`);
    links = loadLinks(ctx.db);
  } catch {
    routes = new Map();
    links = new Map();
  }
  const used = new Map<number, Set<string>>();
  const serviceCount = new Map<number, number>();
  for (const svc of loadIpvsServices(ctx.db, ctx.nodeIds)) {
    serviceCount.set(svc.nodeId, (serviceCount.get(svc.nodeId) ?? 0) + 1);
    if (svc.address === null) continue;
    let set = used.get(svc.nodeId);
    if (!set) used.set(svc.nodeId, (set = new Set()));
    set.add(normalizeIp(svc.address) ?? svc.address);
  }

  const findings: RuleFinding[] = [];
  for (const nodeId of ctx.nodeIds) {
    const stale = new Map<string, { addr: AddrRow[]; route: RouteRow[] }>();
    const entry = (ip: string) => {
      let e = stale.get(ip);
      if (!e) stale.set(ip, (e = { addr: [], route: [] }));
      return e;
    };
    for (const a of addrs.get(nodeId) ?? []) entry(normalizeIp(a.address) ?? a.address).addr.push(a);
    for (const r of routes.get(nodeId) ?? []) {
      const ip = hostOf(r.dst_cidr);
      if (ip !== null) entry(ip).route.push(r);
    }
    const inUse = used.get(nodeId) ?? new Set<string>();
    const services = serviceCount.get(nodeId) ?? 0;
    for (const [ip, e] of stale) {
      if (inUse.has(ip)) continue;
      const holds = [e.addr.length ? `kube-ipvs0 holds ${ip}` : null, e.route.length ? 'table local has a local route for it on kube-ipvs0' : null].filter(Boolean).join(' and ');
      findings.push({
        node_id: nodeId,
        resource: `${DEVICE} ${ip}`,
        message:
          `${holds}, but no IPVS virtual service uses ${ip} (ipvsadm lists ${services} virtual service(s)): ` +
          'the node still treats it as a local address, so connections from the node and its pods to it fail instead of reaching a Service.',
        evidence: [
          ...e.addr.map((a) => `# ip addr show ${DEVICE}\n    ${addrText(a)}`),
          ...e.route.map((r) => `# ip route show table local\n${routeText(r)}`),
          `# ipvsadm -Ln --exact: no virtual service on ${ip}`,
        ].join('\n'),
      });
    }
    const link = links.get(nodeId)?.get(DEVICE);
    if (link && link.up === 1) {
      findings.push({
        node_id: nodeId,
        resource: DEVICE,
        message: `${DEVICE} is UP: the dummy device that carries every service address must stay DOWN, or the node answers ARP for ClusterIPs on its network.`,
        evidence: `# ip link show ${DEVICE}\n${linkText(link)}`,
      });
    }
  }
  return findings;
}
