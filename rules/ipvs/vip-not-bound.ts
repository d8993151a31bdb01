/**
 * ipvs/vip-not-bound: an IPVS virtual service whose address is not local to the node. IPVS
 * intercepts packets in the INPUT path, so the kernel must first decide they are for this host:
 * kube-proxy binds every ClusterIP, external IP and load-balancer IP to the dummy kube-ipvs0
 * device; NodePort virtual services use the node's own addresses, which are local anyway.
 */
import { addrText, loadAddrs, loadRoutes } from '../../analyzer/rules/lib/ip-text.js';
import { ipvsServiceLine, ipvsServiceName, loadIpvsServices } from '../../analyzer/rules/lib/ipvs.js';
import { cidrContains, normalizeIp } from '../../analyzer/parsers/shared/cidr.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'ipvs/vip-not-bound',
  title: 'An IPVS virtual service address is on no local interface',
  severity: 'high',
  category: 'ipvs',
  description:
    'IPVS only sees packets the kernel routes to the local host. kube-proxy in IPVS mode therefore adds every ClusterIP, external IP and ' +
    'load-balancer IP to the dummy device kube-ipvs0 (which puts a `local` route in table local). A virtual service whose address is on no ' +
    'interface is unreachable from this node and from pods on it: packets to it follow the default route out of the node and time out. ' +
    'It happens when kube-ipvs0 was deleted or recreated (a network restart, a CNI reinstall), or when its addresses were removed by hand ' +
    'while kube-proxy was not running to put them back.',
  remediation:
    'Restart kube-proxy on the node: on start it recreates kube-ipvs0 and binds every service address to it.\n' +
    '  kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=<node>\n' +
    'Check afterwards: ip addr show kube-ipvs0; ip route show table local | grep kube-ipvs0. ' +
    'To bind one address by hand meanwhile: ip addr add <address>/32 dev kube-ipvs0',
  references: [
    'https://github.com/kubernetes/kubernetes/blob/master/pkg/proxy/ipvs/README.md',
    'https://kubernetes.io/docs/reference/networking/virtual-ips/#proxy-mode-ipvs',
  ],
  sources: ['ipvsadm', 'ip-addr'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  const addrs = loadAddrs(ctx.db, "family IN ('inet', 'inet6')");
  let localRoutes: ReturnType<typeof loadRoutes>;
  try {
    localRoutes = loadRoutes(ctx.db, "rt_table = 'local' AND type = 'local'");
  } catch {
    localRoutes = new Map();
  }
  const findings: RuleFinding[] = [];
  for (const svc of loadIpvsServices(ctx.db, ctx.nodeIds)) {
    if (svc.address === null) continue; // a firewall-mark service has no address to bind
    const address = normalizeIp(svc.address) ?? svc.address;
    const nodeAddrs = addrs.get(svc.nodeId) ?? [];
    if (nodeAddrs.some((a) => (normalizeIp(a.address) ?? a.address) === address)) continue;
    // a local route covering the address (ip route add local 10.96.0.0/12 dev lo) makes it local too
    if ((localRoutes.get(svc.nodeId) ?? []).some((r) => cidrContains(r.dst_cidr, address))) continue;
    const onIpvs0 = nodeAddrs.filter((a) => a.ifname === 'kube-ipvs0');
    findings.push({
      node_id: svc.nodeId,
      resource: ipvsServiceName(svc),
      message:
        `IPVS virtual service ${ipvsServiceName(svc)} has address ${svc.address}, which is on no interface of the node` +
        `${onIpvs0.length ? ` (kube-ipvs0 holds ${onIpvs0.length} other address(es))` : nodeAddrs.length ? ' (there is no kube-ipvs0 address at all)' : ''}: ` +
        'the kernel does not deliver its packets locally, so IPVS never sees them and connections from this node time out.',
      evidence: [
        `# ipvsadm -Ln --exact${svc.line !== null ? `, line ${svc.line}` : ''}`,
        ipvsServiceLine(svc),
        `# ip addr: no interface has ${svc.address}; kube-ipvs0 holds:`,
        ...(onIpvs0.length ? onIpvs0.slice(0, 20).map((a) => `    ${addrText(a)}`) : ['    (nothing)']),
        ...(onIpvs0.length > 20 ? [`    ... ${onIpvs0.length - 20} more`] : []),
        `# ip route show table local: no local route covers ${svc.address}`,
      ].join('\n'),
    });
  }
  return findings;
}
