/**
 * cni/duplicate-pod-ip: two live pod sandboxes hold the same IP, on one node or on two nodes of
 * the same cluster. host-local IPAM only knows its own files: wiping /var/lib/cni/networks while
 * pods run (incident 001) makes it hand out addresses still in use; two nodes with the same or
 * stale pod subnet do the same across the cluster. Traffic then reaches either pod at random.
 *
 * A sandbox's IP comes from its network namespace (pod-netns: the address really configured) or
 * from the IPAM reservation naming it. Host-network sandboxes share the node's addresses by
 * design and are left out, as are addresses the host itself holds.
 */
import type { Database } from 'better-sqlite3';
import { cidrOverlaps } from '../../analyzer/parsers/shared/cidr.js';
import { clusterMembership, nodeNames } from '../../analyzer/rules/lib/cluster-membership.js';
import { podNetworks, sameNetwork } from '../../analyzer/rules/lib/pod-network.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cni/duplicate-pod-ip',
  title: 'Two running pods have the same IP address',
  severity: 'high',
  category: 'cni',
  description:
    'Every pod must have its own IP. host-local IPAM remembers which addresses are taken only through its files in ' +
    '/var/lib/cni/networks/<network>/: when that directory is deleted or restored while pods run and the kubelet restarts, new pods get ' +
    'addresses that running pods still use; two nodes whose pod subnets overlap (or a node that kept pods from an old subnet) do the same ' +
    'across the cluster. Connections then land on either pod, ARP flips between them, and the symptoms look random: intermittent ' +
    'timeouts, wrong responses, Service endpoints that flap. The rule compares the addresses configured in each pod sandbox and the IPAM ' +
    'reservations, on each node and across the nodes of the same cluster in the batch.',
  remediation:
    'Delete the newer of the two pods so it gets a fresh address (kubectl delete pod -n <ns> <pod>), then find out why IPAM handed the ' +
    'address out twice: compare /var/lib/cni/networks/<network>/ with the running sandboxes (docker ps --filter name=k8s_POD_), and never ' +
    'clear that directory while pods run. Across nodes, check the nodes\' podCIDRs (kubectl get nodes -o custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR) ' +
    'and each node\'s /run/flannel/subnet.env for overlaps.',
  references: ['https://www.cni.dev/plugins/current/ipam/host-local/', 'https://github.com/containernetworking/plugins/issues/1061'],
  sources: ['pod-netns|cni-ipam', 'docker-inspect|crictl-pods'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface Holder {
  node_id: number;
  ip: string;
  sandbox: string;
  pod: string;
  how: string[];
}

/** Running sandboxes that have their own network namespace, with the pod they belong to. */
function liveSandboxes(db: Database): Map<string, string> {
  const out = new Map<string, string>();
  const docker = db
    .prepare(`SELECT node_id, id, pod_namespace, pod_name, name FROM containers WHERE k8s_type = 'podsandbox' AND running = 1 AND COALESCE(network_mode, '') <> 'host'`)
    .all() as { node_id: number; id: string; pod_namespace: string | null; pod_name: string | null; name: string }[];
  for (const s of docker) out.set(`${s.node_id}/${s.id}`, s.pod_name ? `${s.pod_namespace ?? '?'}/${s.pod_name}` : s.name);
  const cri = db.prepare(`SELECT node_id, id, namespace, name FROM cri_pods WHERE state = 'ready'`).all() as { node_id: number; id: string; namespace: string; name: string }[];
  for (const s of cri) if (!out.has(`${s.node_id}/${s.id}`)) out.set(`${s.node_id}/${s.id}`, `${s.namespace}/${s.name}`);
  return out;
}

function holders(db: Database): Holder[] {
  const live = liveSandboxes(db);
  const hostAddrs = new Set((db.prepare(`SELECT node_id || '/' || address AS k FROM addrs`).all() as { k: string }[]).map((r) => r.k));
  const byKey = new Map<string, Holder>();
  const add = (node: number, ip: string, sandbox: string, how: string) => {
    const pod = live.get(`${node}/${sandbox}`);
    if (!pod || hostAddrs.has(`${node}/${ip}`)) return;
    const key = `${node}/${sandbox}/${ip}`;
    let h = byKey.get(key);
    if (!h) byKey.set(key, (h = { node_id: node, ip, sandbox, pod, how: [] }));
    h.how.push(how);
  };
  const netns = db
    .prepare(`SELECT node_id, sandbox_id, ifname, address, prefixlen FROM pod_netns WHERE family = 'inet' AND address IS NOT NULL AND COALESCE(scope, 'global') = 'global' AND ifname <> 'lo'`)
    .all() as { node_id: number; sandbox_id: string; ifname: string; address: string; prefixlen: number }[];
  for (const r of netns) add(r.node_id, r.address, r.sandbox_id, `${r.ifname} inet ${r.address}/${r.prefixlen} inside the pod (pod-netns)`);
  const ipam = db.prepare(`SELECT node_id, ip, container_id, path FROM ipam_reservations WHERE container_id IS NOT NULL`).all() as {
    node_id: number;
    ip: string;
    container_id: string;
    path: string;
  }[];
  for (const r of ipam) add(r.node_id, r.ip, r.container_id, `${r.path} -> ${r.container_id.slice(0, 12)}`);
  return [...byKey.values()];
}

function describe(h: Holder, names: Map<number, string>, node: number): string {
  const where = h.node_id === node ? '' : ` on ${names.get(h.node_id) ?? h.node_id}`;
  return `pod ${h.pod} (sandbox ${h.sandbox.slice(0, 12)})${where}: ${h.how.join('; ')}`;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const names = nodeNames(db);
  const cluster = clusterMembership(db);
  const nets = podNetworks(db);
  const byIp = new Map<string, Holder[]>();
  for (const h of holders(db)) {
    let list = byIp.get(h.ip);
    if (!list) byIp.set(h.ip, (list = []));
    list.push(h);
  }
  /** Whether a pod IP on two nodes is a conflict: same cluster and pod network, and not two clusters that merely reuse 10.244.0.0/16. */
  const comparable = (a: number, b: number): boolean => {
    const na = nets.get(a);
    const nb = nets.get(b);
    if (na && nb && !sameNetwork(na, nb)) return false;
    if (cluster.provenSameCluster(a, b)) return true;
    if (!cluster.sameCluster(a, b)) return false;
    // identity unknown: trust the pod network only when both nodes have distinct subnets of it
    return !!(na?.subnet && nb?.subnet && !cidrOverlaps(na.subnet, nb.subnet));
  };

  const evaluated = new Set(ctx.nodeIds);
  const findings: RuleFinding[] = [];
  for (const [ip, list] of byIp) {
    if (list.length < 2) continue;
    for (const node of new Set(list.map((h) => h.node_id))) {
      if (!evaluated.has(node)) continue;
      const mine = list.filter((h) => h.node_id === node);
      const others = list.filter((h) => h.node_id !== node && comparable(node, h.node_id));
      const sandboxes = new Set([...mine, ...others].map((h) => `${h.node_id}/${h.sandbox}`));
      if (sandboxes.size < 2) continue;
      const involved = [...mine, ...others];
      const elsewhere = [...new Set(others.map((h) => names.get(h.node_id) ?? String(h.node_id)))];
      const pods = [...new Set(involved.map((h) => (h.node_id === node ? h.pod : `${h.pod} on ${names.get(h.node_id) ?? h.node_id}`)))];
      findings.push({
        node_id: node,
        resource: ip,
        message: `${ip} is held by ${sandboxes.size} running pod sandboxes${elsewhere.length ? ` (also on ${elsewhere.join(', ')})` : ' on this node'}: ${pods.join(', ')}`,
        evidence: involved.map((h) => describe(h, names, node)).join('\n'),
      });
    }
  }
  return findings;
}
