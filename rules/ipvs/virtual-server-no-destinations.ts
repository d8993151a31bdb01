/**
 * ipvs/virtual-server-no-destinations: an IPVS virtual service without any real server. IPVS
 * answers new connections to it with ICMP port unreachable (clients see "connection refused").
 * kube-proxy in IPVS mode keeps a virtual service for every Service port, so this is the IPVS
 * face of a Service without endpoints. Virtual services of externalTrafficPolicy=Local NodePorts
 * and external IPs (kube-proxy's *-LOCAL ip sets) list only this node's endpoints and are left out.
 */
import { ipvsServiceLine, ipvsServiceName, isLocalTrafficPolicyService, kubeIpvsSets, loadIpvsServices } from '../../analyzer/rules/lib/ipvs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'ipvs/virtual-server-no-destinations',
  title: 'An IPVS virtual service has no real servers',
  severity: 'medium',
  category: 'ipvs',
  description:
    'An IPVS virtual service with no real server cannot schedule a connection: IPVS drops the first packet and answers with ICMP port unreachable, ' +
    'so clients get "connection refused" (or a timeout behind a firewall). With kube-proxy in IPVS mode every Service port has a virtual service on its ' +
    'ClusterIP (and one per node address for a NodePort), filled with the ready endpoints: an empty one means the Service has no ready pod, its selector ' +
    'matches nothing, or kube-proxy on this node has not received the endpoints.',
  remediation:
    'Find the Service by its ClusterIP and port and check its endpoints:\n' +
    '  kubectl get svc -A -o wide | grep <address>\n' +
    '  kubectl -n <ns> get endpointslices -l kubernetes.io/service-name=<name> -o wide\n' +
    'Fix the selector or the pods\' readiness; if the endpoints exist but this node lacks them, check kube-proxy\'s log here and restart it. ' +
    'A virtual service nobody needs any more can be removed with: ipvsadm -D -t <address>:<port>',
  references: [
    'https://kubernetes.io/docs/reference/networking/virtual-ips/#proxy-mode-ipvs',
    'https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints',
  ],
  sources: ['ipvsadm'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  const sets = kubeIpvsSets(ctx.db, ctx.nodeIds);
  const findings: RuleFinding[] = [];
  for (const svc of loadIpvsServices(ctx.db, ctx.nodeIds)) {
    if (svc.dests.length > 0 || isLocalTrafficPolicyService(svc, sets.get(svc.nodeId))) continue;
    const clusterIp = svc.address !== null && sets.get(svc.nodeId)?.get('KUBE-CLUSTER-IP')?.has(`${svc.address},${svc.protocol.toLowerCase()}:${svc.port}`);
    findings.push({
      node_id: svc.nodeId,
      resource: ipvsServiceName(svc),
      message:
        `IPVS virtual service ${ipvsServiceName(svc)} has no real server: new connections to it are refused` +
        `${clusterIp ? ' (kube-proxy lists it in KUBE-CLUSTER-IP: a Service ClusterIP without ready endpoints)' : ''}.`,
      evidence: [
        `# ipvsadm -Ln --exact${svc.line !== null ? `, line ${svc.line}` : ''}`,
        ipvsServiceLine(svc),
        '# (no "->" real server line follows)',
        ...(clusterIp ? [`# ipset save: add KUBE-CLUSTER-IP ${svc.address},${svc.protocol.toLowerCase()}:${svc.port}`] : []),
      ].join('\n'),
    });
  }
  return findings;
}
