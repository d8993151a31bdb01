/**
 * cert/apiserver-san-missing: the kube-apiserver serving certificate (its --tls-cert-file, else
 * /etc/kubernetes/pki/apiserver.crt) does not name every address clients use to reach it:
 *   - the kubernetes Service VIP, the first address of --service-cluster-ip-range (10.96.0.1):
 *     every pod, flannel and kube-proxy-routed client connects to it (incident 003);
 *   - the node IP it advertises (--advertise-address, else the kubelet's --node-ip, else the
 *     address of the default-route interface);
 *   - the node's host name, and the endpoints the node's kubeconfigs name.
 * Clients then fail with "x509: certificate is valid for ..., not 10.96.0.1".
 * A missing host name alone, when no kubeconfig on the node connects by name, is medium.
 */
import type { Database } from 'better-sqlite3';
import { normalizeIp } from '../../analyzer/parsers/shared/cidr.js';
import { certEvidence, certLocation, loadCertificates, type CertRow } from '../../analyzer/rules/lib/certs.js';
import { effectiveFlag, flagText, type EffectiveFlag } from '../../analyzer/rules/lib/component-flags.js';
import { kubernetesServiceVip } from '../../analyzer/rules/lib/service-vip.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cert/apiserver-san-missing',
  title: 'The API server certificate does not cover an address clients use',
  severity: 'high',
  category: 'cert',
  description:
    'Clients check that the API server certificate names the address they dialled. Pods, flannel and every in-cluster client reach the ' +
    'API server through the kubernetes Service VIP (the first address of --service-cluster-ip-range, 10.96.0.1 by default), nodes ' +
    'through the advertised node IP or the control-plane endpoint, people through the host name. A serving certificate made by hand ' +
    '(or by kubeadm before the service range or the node IP changed) that lacks one of them breaks exactly those clients with ' +
    '"x509: certificate is valid for ..., not 10.96.0.1" while the rest of the cluster works.',
  remediation:
    'Reissue the certificate with every name, then restart kube-apiserver. With kubeadm:\n' +
    '  mv /etc/kubernetes/pki/apiserver.{crt,key} /tmp/\n' +
    '  kubeadm init phase certs apiserver --apiserver-advertise-address <node ip> --apiserver-cert-extra-sans <extra names> --service-cidr <service range>\n' +
    '  (or set apiServer.certSANs in the ClusterConfiguration and pass --config)\n' +
    'Check the result: openssl x509 -noout -ext subjectAltName -in /etc/kubernetes/pki/apiserver.crt',
  references: [
    'https://kubernetes.io/docs/setup/best-practices/certificates/#all-certificates',
    'https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-init-phase/#cmd-phase-certs',
  ],
  sources: ['certs', 'ps|kube-configs'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface Required {
  kind: 'ip' | 'dns';
  value: string;
  why: string;
  hostnameOnly?: boolean;
}

/** The flags this rule reads, per node, read once for the whole batch. */
interface Flags {
  tlsCertFile: Map<number, EffectiveFlag>;
  apiserverRange: Map<number, EffectiveFlag>;
  controllerRange: Map<number, EffectiveFlag>;
  advertise: Map<number, EffectiveFlag>;
  kubeletNodeIp: Map<number, EffectiveFlag>;
}

function readFlags(db: Database): Flags {
  return {
    tlsCertFile: effectiveFlag(db, 'kube-apiserver', 'tls-cert-file'),
    apiserverRange: effectiveFlag(db, 'kube-apiserver', 'service-cluster-ip-range'),
    controllerRange: effectiveFlag(db, 'kube-controller-manager', 'service-cluster-ip-range'),
    advertise: effectiveFlag(db, 'kube-apiserver', 'advertise-address'),
    kubeletNodeIp: effectiveFlag(db, 'kubelet', 'node-ip'),
  };
}

function serviceRange(db: Database, flags: Flags, node: number): { range: string; evidence: string } | null {
  const f = flags.apiserverRange.get(node) ?? flags.controllerRange.get(node);
  if (f) return { range: f.value.split(',')[0]!, evidence: flagText(f) };
  const cfg = db
    .prepare(`SELECT path, value_text FROM kube_configs WHERE node_id = ? AND key = 'networking.serviceSubnet' AND value_text IS NOT NULL LIMIT 1`)
    .get(node) as { path: string; value_text: string } | undefined;
  return cfg ? { range: cfg.value_text.split(',')[0]!, evidence: `networking.serviceSubnet: ${cfg.value_text} (${cfg.path})` } : null;
}

function nodeIp(db: Database, flags: Flags, node: number): { ip: string; evidence: string } | null {
  const advertised = flags.advertise.get(node);
  if (advertised) return { ip: advertised.value, evidence: flagText(advertised) };
  const kubelet = flags.kubeletNodeIp.get(node);
  if (kubelet) return { ip: kubelet.value.split(',')[0]!, evidence: flagText(kubelet) };
  const addr = db
    .prepare(
      `SELECT a.address, a.ifname FROM routes r JOIN addrs a ON a.node_id = r.node_id AND a.ifname = r.dev AND a.family = 'inet' AND a.scope = 'global'
        WHERE r.node_id = ? AND r.family = 'inet' AND r.dst = 'default' AND r.rt_table = 'main' ORDER BY a.secondary, a.address LIMIT 1`,
    )
    .get(node) as { address: string; ifname: string } | undefined;
  return addr ? { ip: addr.address, evidence: `${addr.address} on ${addr.ifname}, the default-route interface (no --advertise-address)` } : null;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

/** Hosts the node's kubeconfigs connect to (non-loopback), each with the kubeconfigs naming it. */
function kubeconfigHosts(db: Database, node: number): { host: string; evidence: string }[] {
  const rows = db.prepare('SELECT DISTINCT path, server FROM kubeconfigs WHERE node_id = ? AND server IS NOT NULL ORDER BY path').all(node) as { path: string; server: string }[];
  const byHost = new Map<string, { server: string; paths: string[] }>();
  for (const r of rows) {
    let host: string;
    try {
      host = new URL(r.server).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    } catch {
      continue;
    }
    if (!host || isLoopback(host)) continue;
    const seen = byHost.get(host);
    if (seen) seen.paths.push(r.path);
    else byHost.set(host, { server: r.server, paths: [r.path] });
  }
  return [...byHost.entries()].map(([host, k]) => ({
    host,
    evidence: `server: ${k.server} in ${k.paths.length > 2 ? `${k.paths[0]} and ${k.paths.length - 1} other kubeconfigs` : k.paths.join(' and ')}`,
  }));
}

function dnsCovered(names: readonly string[], wanted: string): boolean {
  const w = wanted.toLowerCase();
  const firstLabel = (n: string) => n.split('.')[0]!;
  return names.some((n) => {
    if (n === w) return true;
    // a short host name and its FQDN name the same machine
    if ((!n.includes('.') || !w.includes('.')) && firstLabel(n) === firstLabel(w)) return true;
    // a wildcard covers exactly one label
    return n.startsWith('*.') && w.endsWith(n.slice(1)) && w.split('.').length === n.split('.').length;
  });
}

function servingCert(flags: Flags, certs: readonly CertRow[], node: number): { cert: CertRow; how: string } | null {
  const flag = flags.tlsCertFile.get(node);
  const path = flag?.value ?? '/etc/kubernetes/pki/apiserver.crt';
  const cert = certs.find((c) => c.node_id === node && c.path === path && c.source_field === 'file' && c.bundle_index === 0);
  if (!cert) return null;
  return { cert, how: flag ? flagText(flag) : `${path} (kubeadm's default; no --tls-cert-file found)` };
}

function requiredNames(db: Database, flags: Flags, node: number): Required[] {
  const out: Required[] = [];
  const range = serviceRange(db, flags, node);
  const vip = range ? kubernetesServiceVip(range.range) : null;
  if (range && vip) out.push({ kind: 'ip', value: vip, why: `the kubernetes Service VIP, first address of ${range.evidence}` });
  const ip = nodeIp(db, flags, node);
  const normalized = ip ? normalizeIp(ip.ip) : null;
  if (ip && normalized) out.push({ kind: 'ip', value: normalized, why: `the node IP: ${ip.evidence}` });
  const host = (db.prepare('SELECT hostname FROM nodes WHERE node_id = ?').get(node) as { hostname: string | null } | undefined)?.hostname;
  if (host && host !== 'localhost') out.push({ kind: 'dns', value: host.toLowerCase(), why: 'the host name', hostnameOnly: true });
  for (const k of kubeconfigHosts(db, node)) {
    const asIp = normalizeIp(k.host);
    out.push(asIp ? { kind: 'ip', value: asIp, why: k.evidence } : { kind: 'dns', value: k.host, why: k.evidence });
  }
  return out;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const certs = loadCertificates(ctx.db, ctx.nodeIds);
  const flags = readFlags(ctx.db);
  const sansOf = ctx.db.prepare('SELECT type, value FROM cert_sans WHERE node_id = ? AND member = ? AND bundle_index = ?');
  const out: RuleFinding[] = [];
  for (const node of ctx.nodeIds) {
    const serving = servingCert(flags, certs, node);
    if (!serving) continue;
    const sans = sansOf.all(node, serving.cert.member, serving.cert.bundle_index) as { type: string; value: string }[];
    const ips = new Set(sans.filter((s) => s.type === 'IP Address').map((s) => normalizeIp(s.value) ?? s.value));
    const dns = sans.filter((s) => s.type === 'DNS').map((s) => s.value.toLowerCase());
    const missing = new Map<string, Required[]>();
    for (const r of requiredNames(ctx.db, flags, node)) {
      const covered = r.kind === 'ip' ? ips.has(r.value) : dnsCovered(dns, r.value);
      if (covered) continue;
      const list = missing.get(r.value);
      if (list) list.push(r);
      else missing.set(r.value, [r]);
    }
    if (missing.size === 0) continue;
    const onlyHostname = [...missing.values()].every((list) => list.every((r) => r.hostnameOnly));
    const c = serving.cert;
    const names = [...missing.entries()].map(([value, list]) => `${value} (${list.map((r) => r.why).join('; ')})`);
    out.push({
      node_id: node,
      resource: certLocation(c),
      message:
        `The kube-apiserver serving certificate ${certLocation(c)} does not cover ${names.join(', ')}: ` +
        `clients connecting that way fail with "x509: certificate is valid for ..., not ${[...missing.keys()][0]}"`,
      evidence: `${serving.how}\n${certEvidence(c)}\n  X509v3 Subject Alternative Name: ${c.sans ?? '(none)'}`,
      ...(onlyHostname ? { severity: 'medium' as const } : {}),
    });
  }
  return out;
}
