/**
 * docker/daemon-tcp-no-tls: dockerd serves its API on a TCP socket (daemon.json "hosts", or -H /
 * --host on its command line, unit ExecStart or /etc/sysconfig/docker OPTIONS) and client
 * certificates are not verified (no tlsverify). One finding per node and TCP address.
 */
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { jsonStrings } from '../../analyzer/rules/lib/docker-containers.js';
import { isLoopback, tcpEndpoint } from '../../analyzer/rules/lib/docker-hosts.js';

export const meta = {
  id: 'docker/daemon-tcp-no-tls',
  title: 'The Docker API listens on TCP without TLS client verification',
  severity: 'critical',
  category: 'docker',
  description:
    'dockerd is told to listen on tcp:// (a "hosts" entry in /etc/docker/daemon.json, or -H/--host in its command line, systemd unit ' +
    'or /etc/sysconfig/docker OPTIONS) and tlsverify is not set. Anyone who can reach the port controls the daemon without a ' +
    'password: `docker -H tcp://<node>:2375 run --privileged -v /:/host ...` is root on the node. Open 2375 ports are scanned for ' +
    'and turned into crypto miners within hours. With --tls but no --tlsverify the traffic is encrypted but any client is accepted.',
  remediation:
    'Remove the tcp:// host and reach the daemon over the local socket or SSH (DOCKER_HOST=ssh://user@node), e.g. in daemon.json:\n' +
    '  "hosts": ["unix:///var/run/docker.sock"]\n' +
    'If remote access is needed, require client certificates:\n' +
    '  "tlsverify": true, "tlscacert": "/etc/docker/ca.pem", "tlscert": "/etc/docker/server.pem", "tlskey": "/etc/docker/server-key.pem",\n' +
    '  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"]\n' +
    'Do not set hosts in daemon.json and -H in the unit at the same time (dockerd refuses to start); then:\n' +
    '  systemctl daemon-reload && systemctl restart docker\n' +
    '  ss -ltnp | grep dockerd',
  references: [
    'https://docs.docker.com/engine/security/protect-access/',
    'https://docs.docker.com/engine/daemon/remote-access/',
    'https://docs.docker.com/reference/cli/dockerd/#daemon-socket-option',
  ],
  sources: ['docker-daemon-config|systemd-units|ps'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface Endpoint {
  /** tcp://host:port as configured. */
  url: string;
  host: string;
  port: number;
  /** Where it was configured: "/etc/docker/daemon.json hosts", "dockerd command line (pid 1090)". */
  origins: string[];
}


export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const wanted = new Set(ctx.nodeIds);
  const perNode = new Map<number, { endpoints: Map<string, Endpoint>; tlsverify: string[]; tls: string[] }>();
  const nodeState = (id: number) => {
    let s = perNode.get(id);
    if (!s) perNode.set(id, (s = { endpoints: new Map(), tlsverify: [], tls: [] }));
    return s;
  };

  const config = db
    .prepare("SELECT node_id, path, key, value, value_text FROM daemon_config WHERE key IN ('hosts', 'tlsverify', 'tls', 'host')")
    .all() as { node_id: number; path: string; key: string; value: string; value_text: string | null }[];
  const flags = db
    .prepare("SELECT node_id, origin, pid, path, flag, value FROM component_flags WHERE component = 'dockerd' AND flag IN ('H', 'host', 'tlsverify', 'tls')")
    .all() as { node_id: number; origin: string; pid: number | null; path: string | null; flag: string; value: string }[];

  const where = (f: (typeof flags)[number]) => (f.origin === 'process' ? `dockerd command line (pid ${f.pid})` : `${f.path ?? f.origin}`);
  for (const c of config) {
    if (!wanted.has(c.node_id)) continue;
    if (c.key === 'tlsverify' && c.value_text === 'true') nodeState(c.node_id).tlsverify.push(`${c.path}: "tlsverify": true`);
    if (c.key === 'tls' && c.value_text === 'true') nodeState(c.node_id).tls.push(`${c.path}: "tls": true`);
  }
  for (const f of flags) {
    if (!wanted.has(f.node_id)) continue;
    if (f.flag === 'tlsverify' && f.value !== 'false') nodeState(f.node_id).tlsverify.push(`${where(f)}: --tlsverify${f.value === 'true' ? '' : `=${f.value}`}`);
    if (f.flag === 'tls' && f.value !== 'false') nodeState(f.node_id).tls.push(`${where(f)}: --tls`);
  }
  const addEndpoint = (nodeId: number, value: string, origin: string) => {
    const s = nodeState(nodeId);
    const e = tcpEndpoint(value, s.tls.length > 0 || s.tlsverify.length > 0);
    if (!e) return;
    const seen = s.endpoints.get(e.url);
    if (seen) seen.origins.push(origin);
    else s.endpoints.set(e.url, { ...e, origins: [origin] });
  };
  for (const c of config) {
    if (!wanted.has(c.node_id) || (c.key !== 'hosts' && c.key !== 'host')) continue;
    const values = c.value_text !== null ? [c.value_text] : jsonStrings(c.value);
    for (const v of values) addEndpoint(c.node_id, v, `${c.path}: "hosts" has "${v}"`);
  }
  for (const f of flags) {
    if (!wanted.has(f.node_id) || (f.flag !== 'H' && f.flag !== 'host')) continue;
    addEndpoint(f.node_id, f.value, `${where(f)}: -H ${f.value}`);
  }

  // dockerd seen listening on TCP confirms it, and reveals hosts set somewhere not collected
  const listeners = db
    .prepare("SELECT node_id, local_address, port, process, pid FROM listeners WHERE process LIKE 'dockerd%' OR port IN (2375, 2376)")
    .all() as { node_id: number; local_address: string; port: number; process: string | null; pid: number | null }[];

  const out: RuleFinding[] = [];
  for (const nodeId of ctx.nodeIds) {
    const s = perNode.get(nodeId);
    if (s && s.tlsverify.length > 0) continue;
    const endpoints = [...(s?.endpoints.values() ?? [])];
    const nodeListeners = listeners.filter((l) => l.node_id === nodeId);
    for (const l of nodeListeners) {
      if (!l.process?.startsWith('dockerd') || endpoints.some((e) => e.port === l.port)) continue;
      endpoints.push({ url: `tcp://${l.local_address}:${l.port}`, host: l.local_address, port: l.port, origins: [] });
    }
    for (const e of endpoints) {
      const listening = nodeListeners.filter((l) => l.port === e.port && (l.process === null || l.process.startsWith('dockerd')));
      const local = isLoopback(e.host);
      const tlsNote = s && s.tls.length > 0 ? ' (TLS is on but client certificates are not verified: any client is accepted)' : '';
      out.push({
        node_id: nodeId,
        resource: `dockerd ${e.url}`,
        message:
          `dockerd serves its API on ${e.url} without tlsverify${tlsNote}${listening.length ? ', and is listening now' : ''}: ` +
          (local ? 'any local user or host-network container can take over the node' : 'anyone who reaches the port is root on the node'),
        ...(local ? { severity: 'high' as const } : {}),
        evidence: [
          ...e.origins,
          ...(e.origins.length === 0 ? ['(no configuration collected names this address; seen only in ss)'] : []),
          ...listening.map((l) => `ss -ltnp: LISTEN ${l.local_address.includes(":") ? `[${l.local_address}]` : l.local_address}:${l.port}${l.process ? ` users:(("${l.process}",pid=${l.pid}))` : ''}`),
          ...(s?.tls ?? []),
          'tlsverify: not set',
        ].join('\n'),
      });
    }
  }
  return out;
}
