/**
 * ipvs/all-destinations-weight-zero: every real server of a virtual service has weight 0, so IPVS
 * schedules no new connection to any of them (existing ones go on). kube-proxy sets weight 0 on
 * endpoints that are terminating (graceful termination); all of them at 0 means the Service has
 * no endpoint that accepts new connections.
 */
import { ipvsServiceBlock, ipvsServiceName, loadIpvsServices } from '../../analyzer/rules/lib/ipvs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'ipvs/all-destinations-weight-zero',
  title: 'Every real server of an IPVS virtual service has weight 0',
  severity: 'medium',
  category: 'ipvs',
  description:
    'IPVS never schedules a new connection to a real server of weight 0; existing connections continue. kube-proxy in IPVS mode gives weight 0 to ' +
    'endpoints that are being deleted and removes them once their connections are gone. When all real servers of a virtual service are at 0, ' +
    'new connections to the Service fail although real servers are listed: every endpoint is terminating (a rollout that removed the old pods before ' +
    'new ones were ready), the endpoints are stuck in graceful termination behind long-lived connections, or someone drained them with ipvsadm -e -w 0.',
  remediation:
    'Check that the Service has ready, non-terminating endpoints:\n' +
    '  kubectl -n <ns> get endpointslices -l kubernetes.io/service-name=<name> -o yaml | grep -A3 conditions\n' +
    'If they exist, restart kube-proxy on the node so it rewrites the real servers; if the weights were set by hand, restore them:\n' +
    '  ipvsadm -e -t <vip>:<port> -r <real-server>:<port> -m -w 1',
  references: [
    'https://kubernetes.io/docs/reference/networking/virtual-ips/#proxy-mode-ipvs',
    'https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions',
  ],
  sources: ['ipvsadm'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const svc of loadIpvsServices(ctx.db, ctx.nodeIds)) {
    if (svc.dests.length === 0 || svc.dests.some((d) => d.weight === null || d.weight > 0)) continue;
    const active = svc.dests.reduce((n, d) => n + (d.activeConns ?? 0), 0);
    findings.push({
      node_id: svc.nodeId,
      resource: ipvsServiceName(svc),
      message:
        `All ${svc.dests.length} real server(s) of IPVS virtual service ${ipvsServiceName(svc)} have weight 0: no new connection can be scheduled ` +
        `(${active} active connection(s) continue).`,
      evidence: [`# ipvsadm -Ln --exact${svc.line !== null ? `, line ${svc.line}` : ''}`, ipvsServiceBlock(svc)].join('\n'),
    });
  }
  return findings;
}
