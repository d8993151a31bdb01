/**
 * kernel/required-module-missing: a kernel module the node's configuration depends on is not
 * present: IPVS modules for kube-proxy in IPVS mode, overlay for docker's overlay2 storage
 * driver, br_netfilter for a bridge-based CNI.
 *
 * A module counts as present when the `modules` table has any row for it (loaded, in
 * /sys/module, in modules.builtin, or =y in the kernel config), or when something only the
 * module provides exists (its sysctls, an overlay mount): a built-in module without parameters
 * shows in none of the module lists unless modules.builtin or the kernel config was collected.
 */
import type { Database } from 'better-sqlite3';
import { kernelAtLeast, kernelVersions } from '../../analyzer/rules/lib/kernel-version.js';
import { kubeProxyModes, wantsIpvs } from '../../analyzer/rules/lib/kube-proxy-mode.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'kernel/required-module-missing',
  title: 'A kernel module the node depends on is not loaded',
  severity: 'high',
  category: 'kernel',
  description:
    'Some node components silently depend on kernel modules. kube-proxy in IPVS mode needs ip_vs, the ip_vs_<scheduler> module of its ' +
    'scheduler and nf_conntrack (nf_conntrack_ipv4 before Linux 4.19); without them it falls back to iptables mode or programs no Services. ' +
    "docker's overlay2 storage driver needs overlay, or dockerd does not start. A bridge CNI (bridge, flannel) needs br_netfilter, or traffic " +
    "between pods on the same bridge bypasses iptables and Service replies are not un-NATed. Modules loaded by hand are gone after a reboot " +
    'unless listed in /etc/modules-load.d/.',
  remediation:
    'Load the module now and at every boot:\n' +
    '  modprobe <module>\n' +
    '  echo <module> >> /etc/modules-load.d/k8s.conf\n' +
    'For IPVS mode: printf "ip_vs\\nip_vs_rr\\nip_vs_wrr\\nip_vs_sh\\nnf_conntrack\\n" > /etc/modules-load.d/ipvs.conf && systemctl restart systemd-modules-load, ' +
    'then restart kube-proxy (kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName=<node>).\n' +
    'If modprobe fails, the module is missing from the kernel package (e.g. linux-modules-extra on Ubuntu cloud kernels).',
  references: [
    'https://github.com/kubernetes/kubernetes/blob/master/pkg/proxy/ipvs/README.md#prerequisite',
    'https://docs.docker.com/engine/storage/drivers/overlayfs-driver/#prerequisites',
    'https://kubernetes.io/docs/setup/production-environment/container-runtimes/#forwarding-ipv4-and-letting-iptables-see-bridged-traffic',
  ],
  sources: ['proc-modules|sys-modules'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface Need {
  module: string;
  /** Why the node needs it, as evidence lines. */
  because: string[];
  /** What breaks, for the message. */
  impact: string;
}

interface Presence {
  modules: Map<string, string[]>;
  sysctlPrefixes: Set<string>;
  overlayMounted: boolean;
  builtinChecked: boolean;
}

function presence(db: Database, nodeId: number): Presence {
  const modules = new Map<string, string[]>();
  for (const r of db.prepare('SELECT name, how FROM modules WHERE node_id = ?').all(nodeId) as { name: string; how: string }[]) {
    modules.set(r.name, [...(modules.get(r.name) ?? []), r.how]);
  }
  const sysctlPrefixes = new Set<string>();
  const probe = db.prepare('SELECT 1 FROM sysctls WHERE node_id = ? AND key LIKE ? LIMIT 1');
  for (const prefix of ['net.ipv4.vs.', 'net.bridge.bridge-nf-call-', 'net.netfilter.nf_conntrack_']) {
    if (probe.get(nodeId, `${prefix}%`)) sysctlPrefixes.add(prefix);
  }
  const overlayMounted = !!db.prepare(`SELECT 1 FROM mounts WHERE node_id = ? AND fstype = 'overlay' LIMIT 1`).get(nodeId);
  const builtinChecked = !!db
    .prepare(`SELECT 1 FROM source_status WHERE node_id = ? AND source IN ('modules-builtin', 'kernel-config') AND status = 'ok' LIMIT 1`)
    .get(nodeId);
  return { modules, sysctlPrefixes, overlayMounted, builtinChecked };
}

/** Something only the module provides exists, so it is there even if no module list shows it. */
function providedAnyway(module: string, p: Presence): boolean {
  if (module === 'ip_vs') return p.sysctlPrefixes.has('net.ipv4.vs.');
  if (module === 'br_netfilter') return p.sysctlPrefixes.has('net.bridge.bridge-nf-call-');
  if (module === 'nf_conntrack') return p.sysctlPrefixes.has('net.netfilter.nf_conntrack_');
  if (module === 'overlay') return p.overlayMounted;
  return false;
}

function ipvsNeeds(db: Database, nodeId: number, mode: ReturnType<typeof kubeProxyModes>, newConntrack: boolean): Need[] {
  const m = mode.get(nodeId);
  if (!wantsIpvs(m)) return [];
  const scheduler =
    (db.prepare(`SELECT value FROM component_flags WHERE node_id = ? AND component = 'kube-proxy' AND flag = 'ipvs-scheduler' LIMIT 1`).get(nodeId) as { value: string } | undefined)?.value ||
    (db.prepare(`SELECT value_text FROM kube_configs WHERE node_id = ? AND kind = 'KubeProxyConfiguration' AND key = 'ipvs.scheduler' LIMIT 1`).get(nodeId) as { value_text: string | null } | undefined)
      ?.value_text ||
    'rr';
  const because = [...m!.evidence];
  const impact = 'kube-proxy cannot use IPVS mode: it falls back to iptables or programs no Services';
  return [
    { module: 'ip_vs', because, impact },
    { module: `ip_vs_${scheduler}`, because: [...because, `IPVS scheduler: ${scheduler}`], impact },
    { module: newConntrack ? 'nf_conntrack' : 'nf_conntrack_ipv4', because, impact },
  ];
}

function overlayNeeds(db: Database, nodeId: number): Need[] {
  const rows = db
    .prepare(
      `SELECT 'docker info: Storage Driver: ' || value AS line FROM node_facts
        WHERE node_id = ? AND key = 'runtime.docker.storage_driver' AND value IN ('overlay2', 'overlay')
       UNION ALL
       SELECT '"storage-driver": ' || value || ' in daemon.json' FROM daemon_config
        WHERE node_id = ? AND key = 'storage-driver' AND value_text IN ('overlay2', 'overlay')`,
    )
    .all(nodeId, nodeId) as { line: string }[];
  return rows.length ? [{ module: 'overlay', because: rows.map((r) => r.line), impact: 'dockerd cannot start with the overlay2 storage driver' }] : [];
}

function bridgeCniNeeds(db: Database, nodeId: number): Need[] {
  const rows = db
    .prepare(
      `SELECT p.type, p.path, COALESCE(p.bridge, json_extract(p.delegate, '$.bridge'), 'cni0') AS bridge FROM cni_plugins p
         JOIN cni_configs c ON c.node_id = p.node_id AND c.path = p.path
        WHERE p.node_id = ? AND c.is_candidate = 1 AND c.valid = 1
          AND (p.type = 'bridge' OR (p.type = 'flannel' AND COALESCE(json_extract(p.delegate, '$.type'), 'bridge') = 'bridge'))`,
    )
    .all(nodeId) as { type: string; path: string; bridge: string }[];
  if (!rows.length) return [];
  return [
    {
      module: 'br_netfilter',
      because: rows.map((r) => `CNI plugin ${r.type} (bridge ${r.bridge}) in ${r.path}`),
      impact: 'pod traffic on the CNI bridge bypasses iptables, so Service replies between pods on this node are not un-NATed',
    },
  ];
}

export function run(ctx: RuleContext): RuleFinding[] {
  const modes = kubeProxyModes(ctx.db, ctx.nodeIds);
  const versions = kernelVersions(ctx.db, ctx.nodeIds);
  const findings: RuleFinding[] = [];
  for (const nodeId of ctx.nodeIds) {
    const v = versions.get(nodeId);
    const needs = [...ipvsNeeds(ctx.db, nodeId, modes, !v || kernelAtLeast(v, 4, 19)), ...overlayNeeds(ctx.db, nodeId), ...bridgeCniNeeds(ctx.db, nodeId)];
    if (!needs.length) continue;
    const p = presence(ctx.db, nodeId);
    for (const need of needs) {
      if (p.modules.has(need.module) || providedAnyway(need.module, p)) continue;
      const checked = p.builtinChecked ? '/proc/modules, /sys/module, modules.builtin and the kernel config' : '/proc/modules and /sys/module (built-in modules were not collected)';
      findings.push({
        node_id: nodeId,
        resource: `module ${need.module}`,
        message: `Kernel module ${need.module} is not loaded: ${need.impact}`,
        evidence: [...need.because, `${need.module}: absent from ${checked}`].join('\n'),
      });
    }
  }
  return findings;
}
