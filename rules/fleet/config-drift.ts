/**
 * fleet/config-drift: a node whose kernel, runtime, Kubernetes component version or mode, or a
 * watched sysctl differs from what a clear majority of the batch runs.
 *
 * "Majority" is a value shared by at least `majority` (default 0.66) of the nodes that report the
 * field, and at least `min_nodes` (default 3) nodes must report it. So two nodes never drift from
 * each other (there is no majority to tell which one is right), and a fleet split evenly between
 * two values (a rolling upgrade half done, two OS generations) is not reported node by node:
 * only outliers from a clear standard are. A node that does not report a field is not compared.
 */
import { clusterMembership, nodeNames } from '../../analyzer/rules/lib/cluster-membership.js';
import { kubeProxyModes } from '../../analyzer/rules/lib/kube-proxy-mode.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

const WATCHED_SYSCTLS = [
  'net.ipv4.ip_forward',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.ip_local_port_range',
  'net.core.somaxconn',
  'net.netfilter.nf_conntrack_tcp_be_liberal',
  'net.ipv4.vs.conntrack',
  'net.ipv4.neigh.default.gc_thresh3',
  'kernel.pid_max',
  'fs.inotify.max_user_watches',
  'fs.inotify.max_user_instances',
  'vm.panic_on_oom',
  'vm.overcommit_memory',
].join(',');

export const meta = {
  id: 'fleet/config-drift',
  title: 'A node differs from the rest of the fleet',
  severity: 'medium',
  category: 'fleet',
  description:
    'Nodes of one cluster are meant to be interchangeable: a node whose kernel, Docker/containerd version, kubelet or kube-proxy version, kube-proxy mode (iptables vs ipvs) or a networking sysctl differs from the rest behaves differently under the same workload, and is where "only some pods fail" incidents live (a missed sysctl file, a node left out of an upgrade, a kube-proxy started with another config). ' +
    'The fleet standard for a field is the value at least `majority` of the nodes reporting it share (two thirds by default), among at least `min_nodes` nodes; with two nodes, or an even split, there is no standard and nothing is reported. ' +
    'Each cluster of a batch (nodes grouped by the CA their kubelet trusts) has its own standard. ' +
    'Values that follow the machine size (nf_conntrack_max, fs.file-max, threads-max) are not compared.',
  remediation:
    'Bring the node in line with the others, or record why it differs:\n' +
    '  sysctl: set it on the node and persist it where the others do, e.g.\n' +
    "    sysctl -w net.ipv4.tcp_max_syn_backlog=2048 && echo 'net.ipv4.tcp_max_syn_backlog = 2048' > /etc/sysctl.d/90-fleet.conf\n" +
    '  kernel or runtime: upgrade (or roll back) the node with the same package versions as the rest:\n' +
    '    apt-get install docker-ce=<version> containerd.io=<version>   # or yum install ...\n' +
    '  kubelet / kube-proxy: upgrade the node with `kubeadm upgrade node` and the same kubelet package; a kube-proxy mode that differs means it runs with another configuration:\n' +
    '    kubectl -n kube-system get cm kube-proxy -o yaml | grep mode\n' +
    'Accepted differences can be suppressed per node and field (resource).',
  references: ['https://kubernetes.io/releases/version-skew-policy/', 'https://kubernetes.io/docs/reference/networking/virtual-ips/#proxy-modes'],
  sources: ['uname|docker-version|docker-info|sysctl|ps|kube-configs|docker-inspect'],
  parameters: {
    majority: { default: 0.66, description: 'fraction of the nodes reporting a field that must share a value for it to be the fleet standard' },
    min_nodes: { default: 3, description: 'fewest nodes that must report a field before it is compared' },
    watched_sysctls: { default: WATCHED_SYSCTLS, description: 'comma-separated sysctl keys compared across nodes' },
  },
} satisfies Omit<RuleMeta, 'file'>;

/** One field's value on one node, with the line that shows it. */
interface Observation {
  nodeId: number;
  value: string;
  evidence: string;
}

type Fields = Map<string, Observation[]>;

function observe(fields: Fields, field: string, nodeId: number, value: string | null | undefined, evidence: string): void {
  const v = value?.trim().replace(/\s+/g, ' ');
  if (!v) return;
  let list = fields.get(field);
  if (!list) fields.set(field, (list = []));
  if (!list.some((o) => o.nodeId === nodeId)) list.push({ nodeId, value: v, evidence });
}

interface NodeRow {
  node_id: number;
  name: string;
  kernel: string | null;
  docker_version: string | null;
  containerd_version: string | null;
  kubelet_version: string | null;
  kube_proxy_version: string | null;
}

function collectFields(ctx: RuleContext, wanted: Set<number>): Fields {
  const { db } = ctx;
  const fields: Fields = new Map();
  const nodes = (db.prepare('SELECT node_id, kernel, docker_version, containerd_version, kubelet_version, kube_proxy_version FROM nodes').all() as NodeRow[]).filter((n) =>
    wanted.has(n.node_id),
  );
  for (const n of nodes) {
    observe(fields, 'kernel', n.node_id, n.kernel, `uname -r: ${n.kernel}`);
    observe(fields, 'docker version', n.node_id, n.docker_version, `docker version: Server ${n.docker_version}`);
    observe(fields, 'containerd version', n.node_id, n.containerd_version, `containerd ${n.containerd_version}`);
    observe(fields, 'kubelet version', n.node_id, n.kubelet_version, `kubelet ${n.kubelet_version}`);
    observe(fields, 'kube-proxy version', n.node_id, n.kube_proxy_version, `kube-proxy ${n.kube_proxy_version}`);
  }

  const facts = db
    .prepare(`SELECT node_id, key, value FROM node_facts WHERE key IN ('runtime.docker.cgroup_driver', 'runtime.docker.storage_driver') ORDER BY node_id, key`)
    .all() as { node_id: number; key: string; value: string }[];
  for (const f of facts) {
    if (!wanted.has(f.node_id)) continue;
    const field = f.key === 'runtime.docker.cgroup_driver' ? 'docker cgroup driver' : 'docker storage driver';
    observe(fields, field, f.node_id, f.value, `docker info: ${field.replace('docker ', '')} ${f.value}`);
  }

  // kube-proxy as a pod (kubeadm): its image tag is its version when no parser reported one
  const images = db
    .prepare(
      `SELECT node_id, image FROM containers
        WHERE k8s_container_name = 'kube-proxy' AND COALESCE(k8s_type, 'container') = 'container'
        ORDER BY node_id, running DESC, started_at DESC`,
    )
    .all() as { node_id: number; image: string | null }[];
  for (const c of images) {
    const tag = c.image ? /:([^:/@]+)(?:@.*)?$/.exec(c.image)?.[1] : undefined;
    if (wanted.has(c.node_id) && tag) observe(fields, 'kube-proxy version', c.node_id, tag, `kube-proxy container image ${c.image}`);
  }

  for (const [nodeId, mode] of kubeProxyModes(db, [...wanted])) {
    const value = mode.running ?? mode.configured;
    if (value) observe(fields, 'kube-proxy mode', nodeId, value, mode.evidence.join('\n'));
  }

  const keys = String(ctx.params.watched_sysctls ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length) {
    const rows = db
      .prepare(`SELECT node_id, key, value FROM sysctls WHERE key IN (${keys.map(() => '?').join(',')}) ORDER BY node_id, key`)
      .all(...keys) as { node_id: number; key: string; value: string }[];
    for (const r of rows) {
      if (!wanted.has(r.node_id)) continue;
      const v = r.value.trim().replace(/\s+/g, ' ');
      observe(fields, `sysctl ${r.key}`, r.node_id, v, `${r.key} = ${v}`);
    }
  }
  return fields;
}

/** "a, b, c and 4 more" */
function nameList(names: string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const majority = Number(ctx.params.majority);
  const minNodes = Number(ctx.params.min_nodes);
  const names = nodeNames(ctx.db);
  const nameOf = (id: number) => names.get(id) ?? String(id);
  const fields = collectFields(ctx, new Set(ctx.nodeIds));
  // each cluster has its own standard; a node whose cluster is unknown is only judged when the batch is one cluster
  const groups = clusterMembership(ctx.db).groups(ctx.nodeIds);
  const inGroups = new Map<number, number>();
  for (const g of groups) for (const id of g) inGroups.set(id, (inGroups.get(id) ?? 0) + 1);
  const findings: RuleFinding[] = [];

  for (const group of groups) {
    const members = new Set(group);
    for (const [field, all] of fields) {
      const observations = all.filter((o) => members.has(o.nodeId));
      if (observations.length < minNodes) continue;
      const byValue = new Map<string, Observation[]>();
      for (const o of observations) {
        let list = byValue.get(o.value);
        if (!list) byValue.set(o.value, (list = []));
        list.push(o);
      }
      const ranked = [...byValue.entries()].sort((a, b) => b[1].length - a[1].length);
      const [standard, holders] = ranked[0]!;
      if (holders.length / observations.length < majority) continue;
      const spread = ranked.map(([value, list]) => `${value}: ${list.length} node(s) (${nameList(list.map((o) => nameOf(o.nodeId)).sort())})`).join('\n');
      for (const [value, list] of ranked.slice(1)) {
        for (const o of list) {
          if ((inGroups.get(o.nodeId) ?? 0) > 1) continue;
          findings.push({
            node_id: o.nodeId,
            resource: field,
            message: `${field} is ${value} on ${nameOf(o.nodeId)}, while ${holders.length} of ${observations.length} nodes${groups.length > 1 ? ' of its cluster' : ''} have ${standard}`,
            evidence: `${nameOf(o.nodeId)}: ${o.evidence}\n${groups.length > 1 ? 'its cluster' : 'fleet'} (${observations.length} nodes reporting ${field}):\n${spread}`,
          });
        }
      }
    }
  }
  return findings.sort((a, b) => a.node_id - b.node_id || a.resource.localeCompare(b.resource));
}
