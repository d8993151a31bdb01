/**
 * k8s/log-x509-errors: a component's recent log is full of certificate failures (incident 004):
 *   E1120 07:45:03.000000 1187 kubelet_node_status.go:460] "Error updating node status, will retry" err="... x509: certificate has expired
 *     or is not yet valid: current time 2026-11-20T16:10:03+08:00 is after 2026-11-16T02:05:00Z"
 *   I1120 07:55:03.000000 1 log.go:184] http: TLS handshake error from 192.168.10.21:36528: remote error: tls: bad certificate
 * One finding per log, which says which certificate it is when the node has it: the time after
 * "is after"/"is before" is the failing certificate's notAfter/notBefore, matched against the
 * node's certificates (cert/expired, cert/not-yet-valid). When no certificate on disk has that
 * date, the process presents one it loaded earlier: certificates renewed after their process
 * started are named (cert/renewed-not-reloaded), and a kube-apiserver running for more than a
 * year has an expired in-memory loopback certificate (kubernetes#86552), cured only by a restart.
 */
import type { Database } from 'better-sqlite3';
import { staleCertUses, type StaleCertUse } from '../../analyzer/rules/lib/cert-users.js';
import {
  certLocation,
  collectionTimes,
  DAY_MS,
  epoch,
  loadCertificates,
  shortTime,
  supersededRotations,
  type CertRow,
} from '../../analyzer/rules/lib/certs.js';
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
  id: 'k8s/log-x509-errors',
  title: 'Components log certificate errors (expired, not yet valid, rejected)',
  severity: 'high',
  category: 'k8s',
  description:
    'Recent component logs with "x509: certificate has expired or is not yet valid" or "remote error: tls: bad certificate" mean TLS ' +
    'connections are failing right now: the kubelet cannot update its node (NotReady), controllers cannot list, webhooks and ' +
    'aggregated APIs break. The date in the message ("current time ... is after 2026-11-16T02:05:00Z") is the failing certificate\'s ' +
    'notAfter; the finding names the certificate of this node with that date. When no file on disk has it, a process still presents a ' +
    'certificate loaded before a renewal (restart it), or — for a kube-apiserver up for more than a year — its in-memory loopback ' +
    'certificate, valid one year and never renewed, has expired (incident 004: only some requests failed, all files were valid, a restart fixed it).',
  remediation:
    'Find the certificate the date belongs to and renew it, then restart what uses it:\n' +
    '  kubeadm certs check-expiration\n' +
    '  for f in /etc/kubernetes/pki/*.crt /etc/kubernetes/pki/etcd/*.crt; do echo "$f $(openssl x509 -noout -enddate -in $f)"; done\n' +
    '  openssl s_client -connect <host>:6443 </dev/null 2>/dev/null | openssl x509 -noout -dates   # what the server presents now\n' +
    'If the files are valid but the server presents an old certificate, or kube-apiserver has run for more than a year, restart it ' +
    '(static pod: move /etc/kubernetes/manifests/kube-apiserver.yaml out and back). Check the node clock when the error says "is before".',
  references: [
    'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/',
    'https://github.com/kubernetes/kubernetes/issues/86552',
  ],
  sources: [COMPONENT_LOG_SOURCES],
  parameters: {
    window_hours: { default: 24, description: 'only log lines from this many hours before collection count' },
  },
} satisfies Omit<RuleMeta, 'file'>;

const NEEDLES = ['x509: certificate has expired or is not yet valid', 'tls: bad certificate', 'tls: expired certificate'];
const VALIDITY = /current time (\S+?) is (after|before) (\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d))/g;
const YEAR_MS = 365 * DAY_MS;

const URL_TARGET = /https:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d+))?\//;

interface Reference {
  relation: 'after' | 'before';
  time: string;
  /** host:port the failing request went to, when the line says (Get "https://192.168.10.11:6443/..."). */
  target: string | null;
}

function references(lines: readonly LogLine[]): Reference[] {
  const seen = new Map<string, Reference>();
  for (const l of lines) {
    const url = URL_TARGET.exec(l.text);
    const target = url ? `${url[1]}:${url[2] ?? '443'}` : null;
    for (const m of l.text.matchAll(VALIDITY)) {
      const key = `${m[2]} ${m[3]}`;
      if (!seen.has(key)) seen.set(key, { relation: m[2] as 'after' | 'before', time: m[3]!, target });
    }
  }
  return [...seen.values()];
}

function localAddresses(db: Database, node: number): Set<string> {
  const rows = db.prepare('SELECT address FROM addrs WHERE node_id = ?').all(node) as { address: string }[];
  return new Set(['localhost', '127.0.0.1', '::1', ...rows.map((r) => r.address)]);
}

/** A sentence for the message and the snapshot facts behind it for the evidence. */
interface Note {
  text: string;
  facts: string[];
}

const SERVING = /^(--tls-cert-file|tlsCertFile)/;

function certFact(c: CertRow): string {
  return `${certLocation(c)}: notBefore=${shortTime(c.not_before)} notAfter=${shortTime(c.not_after)}`;
}

function staleFact(u: StaleCertUse): string {
  return `${u.component} pid ${u.pid} started ${shortTime(u.started)} (ps); ${u.component} ${u.via}; ${certLocation(u.cert)} ${u.shownBy}`;
}

/** "kube-apiserver still serves the /etc/kubernetes/pki/apiserver.crt it loaded before its renewal on ..., and 4 more ... (cert/renewed-not-reloaded)". */
function staleNote(stale: readonly StaleCertUse[]): Note {
  const ordered = [...stale.filter((u) => SERVING.test(u.via)), ...stale.filter((u) => !SERVING.test(u.via))];
  const first = ordered[0]!;
  const more = ordered.length > 1 ? `, and ${ordered.length - 1} more renewed certificate(s) are not reloaded` : '';
  return {
    text:
      `${first.component} still ${SERVING.test(first.via) ? 'serves' : 'uses'} the ${certLocation(first.cert)} it loaded before its renewal ` +
      `on ${first.renewedAt}${more} (cert/renewed-not-reloaded)`,
    facts: [staleFact(first)],
  };
}

/** What a failing date points to on this node. */
function explain(ref: Reference, certs: readonly CertRow[], stale: readonly StaleCertUse[], now: number, local: ReadonlySet<string>): Note {
  const t = epoch(ref.time);
  const field = ref.relation === 'after' ? 'not_after' : 'not_before';
  const matches = t === null ? [] : certs.filter((c) => Math.abs((epoch(c[field]) ?? NaN) - t) < 1000);
  if (matches.length) {
    const rule = ref.relation === 'after' ? 'cert/expired' : 'cert/not-yet-valid';
    const paths = [...new Set(matches.map(certLocation))].join(', ');
    const state = ref.relation === 'before' ? 'not yet valid' : t !== null && t < now ? 'expired' : 'expiring';
    return {
      text: `the certificate ${ref.relation === 'after' ? 'expiring' : 'starting'} at ${shortTime(ref.time)} is ${paths} (${state}: ${rule})`,
      facts: matches.map(certFact),
    };
  }
  const dated = `no certificate on this node's disk has ${ref.relation === 'after' ? 'notAfter' : 'notBefore'} ${shortTime(ref.time)}`;
  const host = ref.target?.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') ?? null;
  const remote = host !== null && !local.has(host);
  if (ref.relation === 'after' && stale.length && !remote) {
    const note = staleNote(stale);
    return { text: `${dated}: ${note.text}`, facts: note.facts };
  }
  if (remote) {
    return {
      text: `${dated}: it is the certificate ${ref.target} presents — renew it on that server, or restart the server if its file is already renewed`,
      facts: [],
    };
  }
  return { text: `${dated}: the certificate is a peer's, or one a process loaded before its file was renewed`, facts: [] };
}

function apiserverUptime(db: Database, node: number): { pid: number; start: string } | null {
  const p = db.prepare(`SELECT pid, start_time FROM processes WHERE node_id = ? AND comm = 'kube-apiserver' AND start_time IS NOT NULL ORDER BY start_time LIMIT 1`).get(node) as
    | { pid: number; start_time: string }
    | undefined;
  return p ? { pid: p.pid, start: p.start_time } : null;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const now = collectionTimes(ctx.db);
  const windowMs = Number(ctx.params.window_hours) * 3_600_000;
  const lines = recentLines(componentLogLines(ctx.db, ctx.nodeIds, NEEDLES), now, windowMs);
  const groups = byOrigin(lines).filter((g) => {
    const first = g[0]!;
    const last = lastTime(g);
    const at = now.get(first.node_id);
    return !(last && at !== undefined && restartedSince(ctx.db, first.node_id, first.source, first.origin, last, at, 10 * 60_000));
  });
  if (!groups.length) return [];
  const nodes = [...new Set(groups.map((g) => g[0]!.node_id))];
  const allCerts = loadCertificates(ctx.db, nodes);
  const superseded = supersededRotations(allCerts);
  const certs = allCerts.filter((c) => !superseded.has(c));
  const stale = staleCertUses(ctx.db, nodes, 300);

  return groups.map((g) => {
    const first = g[0]!;
    const node = first.node_id;
    const at = now.get(node) ?? Date.now();
    const component = logComponent(first.source, first.origin);
    const nodeCerts = certs.filter((c) => c.node_id === node);
    const nodeStale = stale.filter((u) => u.node_id === node);
    const local = localAddresses(ctx.db, node);
    const notes = references(g).map((r) => explain(r, nodeCerts, nodeStale, at, local));
    const expired = nodeCerts.filter((c) => (epoch(c.not_after) ?? Infinity) < at);
    if (expired.length && !notes.some((n) => n.text.includes('cert/expired'))) {
      notes.push({ text: `expired on this node: ${[...new Set(expired.map(certLocation))].join(', ')} (cert/expired)`, facts: expired.map(certFact) });
    }
    // a peer rejecting this component's certificate: the one it loaded before a renewal is the suspect
    const served = nodeStale.find((u) => u.component === component && SERVING.test(u.via));
    const rejectedHere = g.some((l) => !l.text.includes('x509:'));
    if (rejectedHere && served) {
      notes.push({
        text:
          `peers reject the certificate ${component} serves: it still holds the ${certLocation(served.cert)} it loaded before the file ` +
          `was renewed on ${served.renewedAt} (cert/renewed-not-reloaded)`,
        facts: [staleFact(served)],
      });
    } else if (!notes.length && nodeStale.length) notes.push(staleNote(nodeStale));
    const api = component === 'kube-apiserver' ? apiserverUptime(ctx.db, node) : null;
    if (api && at - Date.parse(api.start) > YEAR_MS) {
      const days = Math.floor((at - Date.parse(api.start)) / DAY_MS);
      notes.push({
        text:
          `kube-apiserver (pid ${api.pid}) has run for ${days} days since ${shortTime(api.start)}: its in-memory loopback client certificate ` +
          'is valid for one year and never renewed, so its requests to itself fail until it is restarted',
        facts: [`kube-apiserver pid ${api.pid} started ${shortTime(api.start)} (ps)`],
      });
    }
    const expiredCount = g.filter((l) => l.text.includes('x509:')).length;
    const rejected = g.length - expiredCount;
    const counts = [
      expiredCount ? `${expiredCount} "x509: certificate has expired or is not yet valid" error(s)` : '',
      rejected ? `${rejected} TLS handshake(s) where the peer rejected the certificate ("tls: bad certificate")` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    const last = lastTime(g);
    return {
      node_id: node,
      resource: first.origin,
      message:
        `${component} logged ${counts} in the last ${Math.round(windowMs / 3_600_000)} h` +
        `${last ? `, the last at ${last.replace(/\.000Z$/, 'Z')}` : ''}${notes.map((n) => `; ${n.text}`).join('')}`,
      evidence: [...g.slice(-5).map(quoteLine), ...new Set(notes.flatMap((n) => n.facts))].join('\n'),
    };
  });
}
