/**
 * `docker logs --timestamps` of the system containers, each behind the header the collector
 * echoes (stdout and stderr merged):
 *
 *   ==> k8s_kube-flannel_kube-flannel-ds-5whpv_kube-system_6f1c6d2e-8b1f-4c53-9a51-3c2a9f0e7b11_5 <==
 *   2026-02-11T02:04:51.457012345Z E0211 02:04:51.456912       1 main.go:251] Failed to create SubnetManager: ... dial tcp 10.96.0.1:443: i/o timeout
 *   ==> k8s_etcd_etcd-master-1_kube-system_0d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f_0 <==
 *   2026-11-21T15:49:01.123456789Z {"level":"warn","ts":"2026-11-21T15:49:01.123Z","caller":"etcdserver/util.go:166","msg":"apply request took too long"}
 *
 * origin is the container name (k8s_<container>_<pod>_<namespace>_<pod uid>_<attempt>).
 */
import { FACT, type Rows, type TextParser } from '../../types.js';
import { logMemberRows } from './log-member.js';
import { readDockerTimestamp } from './transport.js';

/** kube-proxy names its mode at start: `"Using iptables Proxier"` (klog) or `Using ipvs Proxier.` */
const PROXIER = /Using (iptables|ipvs|nftables|kernelspace|userspace) Proxier/;

/**
 * On kubeadm nodes kube-proxy's configuration lives in a ConfigMap, not on the node: its own
 * start-up line is then the only record of its mode. The last one logged wins.
 */
function kubeProxyMode(rows: Rows, source: string): void {
  let mode: string | null = null;
  for (const row of rows.log_lines ?? []) {
    if (typeof row.origin === 'string' && row.origin.startsWith('k8s_kube-proxy_') && typeof row.text === 'string') {
      mode = PROXIER.exec(row.text)?.[1] ?? mode;
    }
  }
  if (mode) (rows.node_facts ??= []).push({ source, key: FACT.kubeProxyMode, value: mode });
}

export const containerLogsParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    // containers log in UTC unless given a zone: klog stamps inside are read as UTC
    const rows = logMemberRows(text, ctx, { origin: null, reader: readDockerTimestamp, payloadZone: 0 });
    kubeProxyMode(rows, ctx.source);
    return rows;
  },
};
