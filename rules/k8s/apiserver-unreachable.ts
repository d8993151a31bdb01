/**
 * k8s/apiserver-unreachable: the node's components cannot open connections to the Kubernetes
 * API — recent log lines such as
 *   E1120 08:12:33.000000 1 main.go:251] Failed to create SubnetManager: error retrieving pod spec for 'kube-flannel/kube-flannel-ds-ntwh4':
 *     Get "https://10.96.0.1:443/api/v1/namespaces/kube-flannel/pods/kube-flannel-ds-ntwh4": dial tcp 10.96.0.1:443: i/o timeout
 *   E1120 ... "Error updating node status" err="... Get \"https://192.168.10.11:6443/api/v1/nodes/...\": dial tcp 192.168.10.11:6443: i/o timeout"
 * (incident 003 §5.1, §5.2: no kube-proxy rules, so the Service VIP leads nowhere).
 *
 * A `dial tcp HOST:PORT` failure counts when HOST:PORT is the API: the kubernetes Service VIP
 * (KUBERNETES_SERVICE_HOST of the node's containers, the first address of a known service
 * range), a Service IP, an API endpoint of the node's kubeconfigs or the apiserver's
 * --advertise-address, a request to an /api or /apis path of that same host, or port 6443.
 * Registry pulls timing out on other :443 hosts are not this. Only path failures count
 * (i/o timeout, no route to host, network is unreachable): "connection refused" is a stopped
 * apiserver, which control-plane restarts produce on healthy clusters. flannel's "Failed to
 * create SubnetManager" counts when it names a connection failure.
 */
import type { Database } from 'better-sqlite3';
import { cidrContains, normalizeIp } from '../../analyzer/parsers/shared/cidr.js';
import { collectionTimes } from '../../analyzer/rules/lib/certs.js';
import { clusterMembership } from '../../analyzer/rules/lib/cluster-membership.js';
import { clusterRanges } from '../../analyzer/rules/lib/cluster-ranges.js';
import { effectiveFlag } from '../../analyzer/rules/lib/component-flags.js';
import { kubernetesServiceVip } from '../../analyzer/rules/lib/service-vip.js';
import {
  COMPONENT_LOG_SOURCES,
  byOrigin,
  componentLogLines,
  lastTime,
  logComponent,
  quoteLine,
  recentLines,
  restartedSince,
  type LogLine,
} from '../../analyzer/rules/lib/component-logs.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'k8s/apiserver-unreachable',
  title: 'Node components cannot reach the Kubernetes API server',
  severity: 'high',
  category: 'k8s',
  description:
    'The kubelet, kube-proxy, flannel and every in-cluster client talk to the API server, pods and DaemonSets through the kubernetes ' +
    'Service VIP (10.96.0.1:443 by default), host services through the control-plane address (:6443). When their recent logs show ' +
    '"dial tcp <VIP or apiserver>: i/o timeout" the packets go nowhere: for the VIP usually because kube-proxy is not running or has no ' +
    'rules on this node (a bad kube-proxy config, incident 003), for the node address a route, firewall or security-group problem. ' +
    'flannel then fails with "Failed to create SubnetManager" and writes no /run/flannel/subnet.env, so no pod on the node gets a network; ' +
    'the kubelet cannot update its node status and the node turns NotReady.',
  remediation:
    'Test the path from the node and see whether the VIP is translated:\n' +
    '  curl -k https://10.96.0.1:443/healthz ; curl -k https://<apiserver>:6443/healthz\n' +
    '  iptables-save -t nat | grep "default/kubernetes:https"     # ipvsadm -Ln -t 10.96.0.1:443 in IPVS mode\n' +
    '  systemctl status kube-proxy; journalctl -u kube-proxy -n 50   # or: kubectl -n kube-system logs ds/kube-proxy\n' +
    'Fix kube-proxy first when the VIP times out but the apiserver address works; fix routing/firewalls (port 6443/TCP) when the ' +
    'apiserver address itself times out. Then restart the failed component (flannel: kubectl -n kube-flannel delete pod <pod>).',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
    'https://github.com/flannel-io/flannel/blob/master/Documentation/troubleshooting.md',
    'https://kubernetes.io/docs/reference/networking/ports-and-protocols/',
  ],
  sources: [COMPONENT_LOG_SOURCES],
  parameters: {
    window_minutes: { default: 60, description: 'only log lines from this many minutes before collection count: the failure is current' },
  },
} satisfies Omit<RuleMeta, 'file'>;

const DIAL = /dial tcp (\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d+): (i\/o timeout|connect: no route to host|connect: network is unreachable)/g;
const SUBNET_MANAGER_NETWORK = /dial tcp|i\/o timeout|deadline exceeded|Client\.Timeout|no route to host|network is unreachable|connection refused/;

/** What the node knows of the API's addresses. */
interface ApiAddresses {
  /** host:port of the API server (kubeconfig servers, --advertise-address). */
  endpoints: Map<string, string>;
  /** Hosts that are the kubernetes Service VIP. */
  vips: Set<string>;
  serviceRanges: string[];
}

function hostOf(raw: string): string {
  const bare = raw.replace(/^\[|\]$/g, '');
  return normalizeIp(bare) ?? bare.toLowerCase();
}

function apiAddresses(db: Database, nodeIds: readonly number[]): Map<number, ApiAddresses> {
  const out = new Map<number, ApiAddresses>(nodeIds.map((n) => [n, { endpoints: new Map(), vips: new Set(), serviceRanges: [] }] as const));
  for (const r of db.prepare('SELECT DISTINCT node_id, server FROM kubeconfigs WHERE server IS NOT NULL').all() as { node_id: number; server: string }[]) {
    try {
      const url = new URL(r.server);
      out.get(r.node_id)?.endpoints.set(`${hostOf(url.hostname)}:${url.port || '443'}`, `the API server (${r.server} in a kubeconfig)`);
    } catch {
      // an unparsable server URL names nothing
    }
  }
  const ports = effectiveFlag(db, 'kube-apiserver', 'secure-port');
  for (const [node, f] of effectiveFlag(db, 'kube-apiserver', 'advertise-address')) {
    out.get(node)?.endpoints.set(`${hostOf(f.value)}:${ports.get(node)?.value ?? '6443'}`, `the API server (--advertise-address=${f.value})`);
  }
  for (const r of db.prepare(`SELECT DISTINCT node_id, value FROM container_env WHERE key = 'KUBERNETES_SERVICE_HOST' AND value IS NOT NULL`).all() as {
    node_id: number;
    value: string;
  }[]) {
    out.get(r.node_id)?.vips.add(hostOf(r.value));
  }
  for (const [node, ranges] of clusterRanges(db, clusterMembership(db))) {
    const a = out.get(node);
    if (!a) continue;
    for (const r of ranges) {
      if (r.kind !== 'service' || r.cidr.endsWith('/32') || r.cidr.endsWith('/128')) continue;
      a.serviceRanges.push(r.cidr);
      const first = kubernetesServiceVip(r.cidr);
      if (first) a.vips.add(first);
    }
  }
  return out;
}

/** What an endpoint is to the node, or null when it is not the Kubernetes API. */
function apiRole(a: ApiAddresses | undefined, host: string, port: string, line: string): string | null {
  if (!a) return null;
  if (a.vips.has(host)) return 'the kubernetes Service VIP';
  const known = a.endpoints.get(`${host}:${port}`);
  if (known) return known;
  if (a.serviceRanges.some((r) => cidrContains(r, host))) return 'a Service IP';
  if (line.includes(`//${host}:${port}/api`) || line.includes(`//[${host}]:${port}/api`)) return 'the Kubernetes API (the request is for /api)';
  if (port === '6443') return 'the API server port 6443';
  return null;
}

interface Failure {
  node_id: number;
  endpoint: string;
  role: string;
  error: string;
  lines: LogLine[];
}

export function run(ctx: RuleContext): RuleFinding[] {
  const now = collectionTimes(ctx.db);
  const windowMs = Number(ctx.params.window_minutes) * 60_000;
  const addresses = apiAddresses(ctx.db, ctx.nodeIds);
  const lines = componentLogLines(ctx.db, ctx.nodeIds, ['dial tcp', 'Failed to create SubnetManager']);
  const live = byOrigin(recentLines(lines, now, windowMs)).filter((g) => {
    const first = g[0]!;
    const last = lastTime(g);
    const at = now.get(first.node_id);
    return !(last && at !== undefined && restartedSince(ctx.db, first.node_id, first.source, first.origin, last, at, 10 * 60_000));
  });

  const failures = new Map<string, Failure>();
  const add = (l: LogLine, endpoint: string, role: string, error: string) => {
    const key = `${l.node_id} ${endpoint}`;
    let f = failures.get(key);
    if (!f) failures.set(key, (f = { node_id: l.node_id, endpoint, role, error, lines: [] }));
    f.lines.push(l);
  };
  for (const l of live.flat()) {
    let matched = false;
    for (const m of l.text.matchAll(DIAL)) {
      const host = hostOf(m[1]!);
      const role = apiRole(addresses.get(l.node_id), host, m[2]!, l.text);
      if (!role) continue;
      add(l, `${host.includes(':') ? `[${host}]` : host}:${m[2]}`, role, m[3]!);
      matched = true;
      break;
    }
    if (!matched && l.text.includes('Failed to create SubnetManager') && SUBNET_MANAGER_NETWORK.test(l.text)) {
      add(l, 'Kubernetes API', 'the API server flannel is configured with', 'a connection failure');
    }
  }

  return [...failures.values()].map((f) => {
    const components = [...new Set(f.lines.map((l) => logComponent(l.source, l.origin)))];
    const last = lastTime(f.lines);
    const subnet = f.lines.some((l) => l.text.includes('Failed to create SubnetManager'))
      ? '; flannel could not create its SubnetManager, so it has no subnet lease and pods on this node get no network'
      : '';
    const hint =
      f.role === 'the kubernetes Service VIP' || f.role === 'a Service IP'
        ? '; Service IPs only work through kube-proxy\'s rules on this node: check that kube-proxy runs and programs them'
        : '';
    return {
      node_id: f.node_id,
      resource: f.endpoint,
      message:
        `${components.join(', ')} cannot reach ${f.endpoint} (${f.role}): ${f.error}, ${f.lines.length} time(s) in the last ` +
        `${Math.round(windowMs / 60_000)} min${last ? `, the last at ${last.replace(/\.000Z$/, 'Z')}` : ''}${subnet}${hint}`,
      evidence: f.lines.slice(-5).map(quoteLine).join('\n'),
    };
  });
}
