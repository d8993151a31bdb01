/**
 * docker/privileged-container: a workload container runs privileged. Node infrastructure that
 * needs it (kube-proxy, CNI agents, CSI node plugins, GPU device plugins...) is left out, see
 * analyzer/rules/lib/system-containers.ts.
 */
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { commandLine, containerLabel, containerLabels, currentContainers, loadContainers, podLabelsOf, shellQuote } from '../../analyzer/rules/lib/docker-containers.js';
import { extraPattern, systemContainer } from '../../analyzer/rules/lib/system-containers.js';

export const meta = {
  id: 'docker/privileged-container',
  title: 'A workload container runs privileged',
  severity: 'medium',
  category: 'docker',
  description:
    "The container runs with --privileged (HostConfig.Privileged; Kubernetes securityContext.privileged): every capability, every host " +
    'device, no seccomp or AppArmor confinement, writable /sys. A process that escapes the application is root on the node (mount ' +
    'the host disk from /dev, load kernel modules). Node agents such as kube-proxy, CNI, CSI and GPU device plugins need it and ' +
    'are not reported; an application container almost never does.',
  remediation:
    'Drop privileged and grant only what the application needs:\n' +
    '  docker run --cap-add NET_ADMIN --device /dev/fuse ...          # instead of --privileged\n' +
    '  securityContext: { privileged: false, capabilities: { add: ["NET_ADMIN"] } }\n' +
    'Enforce it with the Pod Security "baseline" level on application namespaces:\n' +
    '  kubectl label ns <namespace> pod-security.kubernetes.io/enforce=baseline\n' +
    'If this container is node infrastructure, set the rule parameter system_pattern to a regular expression naming it.',
  references: [
    'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  ],
  sources: ['docker-inspect|crictl-inspect'],
  parameters: {
    system_pattern: {
      default: '',
      description: 'extra regular expression naming node-infrastructure containers (tested on namespace, container name and image), e.g. ^my-agent$',
    },
  },
} satisfies Omit<RuleMeta, 'file'>;

export function run(ctx: RuleContext): RuleFinding[] {
  const extra = extraPattern(ctx.params.system_pattern);
  const labels = containerLabels(ctx.db);
  const out: RuleFinding[] = [];
  for (const c of currentContainers(loadContainers(ctx.db, ctx.nodeIds))) {
    if (c.privileged !== 1) continue;
    if (systemContainer(c, podLabelsOf(labels, c), extra).system) continue;
    const label = containerLabel(c);
    const live = c.running === 1 || c.status === 'running';
    out.push({
      node_id: c.node_id,
      resource: label.resource,
      message: `${label.phrase} (image ${c.image ?? '?'}) runs privileged${live ? '' : ` (${c.status ?? 'not running'} now)`}: all capabilities and host devices, no seccomp or AppArmor`,
      evidence: [
        `HostConfig.Privileged: true`,
        `Image: ${c.image ?? '?'}`,
        ...(c.pod_namespace ? [`Pod: ${c.pod_namespace}/${c.pod_name}`] : []),
        `Command: ${commandLine(c).map(shellQuote).join(' ')}`,
      ].join('\n'),
    });
  }
  return out;
}
