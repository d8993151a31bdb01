/**
 * Which proxy mode kube-proxy is configured for and which one it actually runs, per node.
 *
 * The kubeadm kube-proxy reads its configuration from a ConfigMap mounted in its container, so a
 * node snapshot often holds no KubeProxyConfiguration at all; its log line `"Using ipvs Proxier"`
 * and the IPVS state (virtual services, the kube-ipvs0 dummy device) then tell the mode.
 * "Configured" is what the operator asked for (flag, config file); "running" is what the log
 * says kube-proxy started with (it falls back to iptables when IPVS modules are missing).
 */
import type { Database } from 'better-sqlite3';

export interface KubeProxyMode {
  /** Mode from --proxy-mode or a KubeProxyConfiguration (empty mode means iptables); null when not found. */
  configured: string | null;
  /** Mode from kube-proxy's last "Using ... Proxier" log line; null when not logged. */
  running: string | null;
  /** 1 when the node has IPVS virtual services or a kube-ipvs0 device (kube-proxy IPVS mode leaves both). */
  ipvsState: boolean;
  /** Lines that show the mode, to quote as evidence. */
  evidence: string[];
}

// Every kube-proxy log origin: its journal, its container (dockershim k8s_kube-proxy_... or CRI
// kube-proxy... names) and klog files. Ranges rather than LIKE so the (source, origin) index
// serves them: a large node holds millions of container log lines.
const KUBE_PROXY_LOG = `(l.source = 'log-kube-proxy'
  OR (l.source = 'log-containers' AND ((l.origin >= 'k8s_kube-proxy_' AND l.origin < 'k8s_kube-proxy~') OR (l.origin >= 'kube-proxy' AND l.origin < 'kube-proxy~')))
  OR (l.source = 'log-kubernetes-files' AND l.origin LIKE '%kube-proxy%'))`;

const USING_PROXIER = /Using (ipvs|iptables|userspace|nftables|kernelspace) Prox/i;
const IPVS_FALLBACK = /Can't use (?:the )?ipvs proxier/i;

function empty(): KubeProxyMode {
  return { configured: null, running: null, ipvsState: false, evidence: [] };
}

export function kubeProxyModes(db: Database, nodeIds: readonly number[]): Map<number, KubeProxyMode> {
  const out = new Map<number, KubeProxyMode>(nodeIds.map((id) => [id, empty()] as const));
  const at = (id: number) => out.get(id);

  const flags = db
    .prepare(`SELECT node_id, origin, path, value FROM component_flags WHERE component = 'kube-proxy' AND flag = 'proxy-mode' ORDER BY origin = 'process' DESC`)
    .all() as { node_id: number; origin: string; path: string | null; value: string }[];
  for (const f of flags) {
    const m = at(f.node_id);
    if (!m || m.configured !== null) continue;
    m.configured = f.value.trim() || 'iptables';
    m.evidence.push(`kube-proxy --proxy-mode=${f.value} (${f.origin}${f.path ? ` ${f.path}` : ''})`);
  }

  const configs = db
    .prepare(`SELECT node_id, path, value_text FROM kube_configs WHERE kind = 'KubeProxyConfiguration' AND key = 'mode'`)
    .all() as { node_id: number; path: string; value_text: string | null }[];
  for (const c of configs) {
    const m = at(c.node_id);
    if (!m || m.configured !== null) continue;
    m.configured = (c.value_text ?? '').trim() || 'iptables';
    m.evidence.push(`mode: "${c.value_text ?? ''}" in ${c.path}`);
  }

  const logs = db
    .prepare(
      `SELECT l.node_id, l.origin, l.text FROM log_lines l
        WHERE ${KUBE_PROXY_LOG} AND (l.text LIKE '%Proxier%' OR l.text LIKE '%proxier%')
        ORDER BY l.node_id, COALESCE(l.timestamp, ''), l.line_no`,
    )
    .all() as { node_id: number; origin: string; text: string }[];
  for (const l of logs) {
    const m = at(l.node_id);
    if (!m) continue;
    const using = USING_PROXIER.exec(l.text);
    if (using) {
      m.running = using[1]!.toLowerCase();
      m.evidence.push(`${l.origin}: ${l.text.trim()}`);
    } else if (IPVS_FALLBACK.test(l.text)) {
      m.configured ??= 'ipvs';
      m.evidence.push(`${l.origin}: ${l.text.trim()}`);
    }
  }

  const ipvs = db
    .prepare(
      `SELECT node_id, 'IPVS virtual services: ' || COUNT(*) AS line FROM ipvs_services GROUP BY node_id
       UNION ALL
       SELECT node_id, 'device ' || name || ' (' || kind || ')' FROM links WHERE name = 'kube-ipvs0'`,
    )
    .all() as { node_id: number; line: string }[];
  for (const r of ipvs) {
    const m = at(r.node_id);
    if (!m) continue;
    m.ipvsState = true;
    m.evidence.push(r.line);
  }

  const facts = db.prepare(`SELECT node_id, value FROM node_facts WHERE key = 'kube.proxy.mode'`).all() as { node_id: number; value: string }[];
  for (const f of facts) {
    const m = at(f.node_id);
    if (m && m.configured === null && f.value) m.configured = f.value;
  }
  return out;
}

/** True when kube-proxy is, or is meant to be, in IPVS mode on the node. */
export function wantsIpvs(m: KubeProxyMode | undefined): boolean {
  return !!m && (m.configured === 'ipvs' || m.running === 'ipvs' || (m.configured === null && m.running === null && m.ipvsState));
}
