/**
 * cni/config-invalid: the runtime cannot set up pod networks from /etc/cni/net.d.
 *
 * The runtime (dockershim, containerd, CRI-O) reads the files ending .conf, .conflist or .json
 * in name order and uses the first one that loads; containerd fails outright on a broken one.
 * Three ways it goes wrong:
 *   - the directory is empty (no candidate file) on a node whose kubelet uses CNI: every pod
 *     sandbox fails with "cni config uninitialized" / "network plugin is not ready";
 *   - a candidate file does not load (broken JSON, a conflist without plugins, a plugin without
 *     a type);
 *   - the first file by name is not the network the node runs: a leftover 00-calico.conflist or
 *     10-containerd-net.conflist sorts before 10-flannel.conflist and pods get the wrong network.
 */
import type { Database } from 'better-sqlite3';
import { podNetworks } from '../../analyzer/rules/lib/pod-network.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'cni/config-invalid',
  title: 'The CNI configuration in /etc/cni/net.d is missing, broken or not the intended network',
  severity: 'high',
  category: 'cni',
  description:
    'The container runtime takes the first file of /etc/cni/net.d (by name) that loads and sets up every pod with it. When the ' +
    'directory holds no .conf/.conflist/.json file, pods stay in ContainerCreating ("network plugin is not ready: cni config ' +
    'uninitialized") and the node is NotReady. A file that does not parse is skipped by dockershim and libcni but stops containerd. ' +
    'A leftover config of another network plugin (00-calico.conflist, 10-containerd-net.conflist, 87-podman-bridge.conflist) that sorts ' +
    'before the real one gives new pods addresses of the wrong network, unreachable from other nodes.',
  remediation:
    'Keep exactly one valid config of the network the cluster runs:\n' +
    '  ls -l /etc/cni/net.d/; for f in /etc/cni/net.d/*.conf*; do python3 -m json.tool "$f" >/dev/null || echo "broken: $f"; done\n' +
    'Move stale configs out (mv /etc/cni/net.d/00-calico.conflist /root/), fix or restore the broken one, and let the network ' +
    "DaemonSet rewrite its file (flannel's install-cni init container writes 10-flannel.conflist: kubectl -n kube-flannel delete pod " +
    '--field-selector spec.nodeName=<node>). Recreate pods created with the wrong network.',
  references: ['https://www.cni.dev/docs/spec/#section-1-network-configuration-format', 'https://github.com/containernetworking/cni/blob/main/libcni/conf.go'],
  sources: [],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface ConfigRow {
  node_id: number;
  path: string;
  file_name: string;
  is_candidate: number;
  valid: number;
  error: string | null;
  name: string | null;
  plugin_types: string | null;
}

/** Network plugins a node may be running, the plugin type their CNI config uses, and how to see them. */
interface Family {
  name: string;
  pluginType: string;
  signs(db: Database): Map<number, string>;
}

function firstPerNode(rows: { node_id: number; sign: string }[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of rows) if (!out.has(r.node_id)) out.set(r.node_id, r.sign);
  return out;
}

function runningImage(db: Database, like: string): { node_id: number; sign: string }[] {
  return db
    .prepare(`SELECT node_id, 'container ' || name || ' (' || image || ')' AS sign FROM containers WHERE running = 1 AND image LIKE ? AND COALESCE(k8s_type, '') <> 'podsandbox' ORDER BY node_id, name`)
    .all(like) as { node_id: number; sign: string }[];
}

function linkSigns(db: Database, where: string): { node_id: number; sign: string }[] {
  return db.prepare(`SELECT node_id, 'device ' || name AS sign FROM links WHERE ${where} ORDER BY node_id, name`).all() as { node_id: number; sign: string }[];
}

const FAMILIES: Family[] = [
  {
    name: 'flannel',
    pluginType: 'flannel',
    signs: (db) => {
      // what podNetworks() sees, minus the CNI config itself (that is what is being judged)
      const out = new Map<number, string>();
      for (const net of podNetworks(db).values()) {
        const sign = net.flannelSigns.find((s) => !s.startsWith('/etc/cni/'));
        if (sign) out.set(net.nodeId, sign);
      }
      return out;
    },
  },
  {
    name: 'calico',
    pluginType: 'calico',
    signs: (db) => firstPerNode([...runningImage(db, '%calico/node%'), ...linkSigns(db, "name LIKE 'cali%' OR name = 'vxlan.calico'")]),
  },
  {
    name: 'cilium',
    pluginType: 'cilium-cni',
    signs: (db) => firstPerNode([...runningImage(db, '%cilium/cilium%'), ...linkSigns(db, "name IN ('cilium_host', 'cilium_net')")]),
  },
  {
    name: 'weave',
    pluginType: 'weave-net',
    signs: (db) => firstPerNode([...runningImage(db, '%weave-kube%'), ...linkSigns(db, "name = 'weave'")]),
  },
];

/** Nodes whose kubelet sets pods up with CNI, with the flag or fact that says so. */
function cniNodes(db: Database): Map<number, string> {
  const out = new Map<number, string>();
  const flags = db
    .prepare(`SELECT node_id, flag, value FROM component_flags WHERE component = 'kubelet' AND flag IN ('network-plugin', 'container-runtime', 'container-runtime-endpoint') ORDER BY node_id, origin = 'process' DESC`)
    .all() as { node_id: number; flag: string; value: string }[];
  const kubelets = (db.prepare(`SELECT DISTINCT node_id FROM kube_components WHERE component = 'kubelet'`).all() as { node_id: number }[]).map((r) => r.node_id);
  for (const node of kubelets) {
    const mine = flags.filter((f) => f.node_id === node);
    const plugin = mine.find((f) => f.flag === 'network-plugin');
    if (plugin) {
      if (plugin.value === 'cni') out.set(node, 'kubelet --network-plugin=cni');
      continue; // kubenet or none: no CNI config needed
    }
    const runtime = mine.find((f) => f.flag === 'container-runtime');
    const endpoint = mine.find((f) => f.flag === 'container-runtime-endpoint');
    // without --network-plugin, a dockershim kubelet (before 1.24) uses no CNI; a CRI kubelet always does
    if (runtime?.value === 'remote' || (endpoint && !/dockershim/.test(endpoint.value))) out.set(node, `kubelet --${endpoint ? `container-runtime-endpoint=${endpoint.value}` : 'container-runtime=remote'}`);
  }
  return out;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const status = new Map(
    (db.prepare(`SELECT node_id, status, reason FROM source_status WHERE source = 'cni-config'`).all() as { node_id: number; status: string; reason: string | null }[]).map(
      (r) => [r.node_id, r] as const,
    ),
  );
  const configs = db
    .prepare('SELECT node_id, path, file_name, is_candidate, valid, error, name, plugin_types FROM cni_configs ORDER BY node_id, file_name')
    .all() as ConfigRow[];
  const expectsCni = cniNodes(db);
  const familySigns = FAMILIES.map((f) => ({ family: f, signs: f.signs(db) }));
  const notReady = new Map(
    (db.prepare(`SELECT node_id, MAX(text) AS text FROM log_lines WHERE text LIKE '%cni config uninitialized%' OR text LIKE '%no networks found in /etc/cni/net.d%' GROUP BY node_id`).all() as {
      node_id: number;
      text: string;
    }[]).map((r) => [r.node_id, r.text] as const),
  );
  const findings: RuleFinding[] = [];

  for (const node of ctx.nodeIds) {
    const st = status.get(node);
    const files = configs.filter((c) => c.node_id === node);
    const candidates = files.filter((c) => c.is_candidate);
    const collectedEmpty = st?.status === 'skipped' && st.reason === 'no matching files';
    if (!(st?.status === 'ok' || collectedEmpty)) continue; // not collected: say nothing

    if (candidates.length === 0) {
      const why = expectsCni.get(node) ?? familySigns.map((f) => f.signs.get(node)).find((s) => s);
      if (!why) continue;
      const others = files.map((f) => f.path);
      findings.push({
        node_id: node,
        resource: '/etc/cni/net.d',
        message: `/etc/cni/net.d holds no CNI network configuration${others.length ? ` (only ${others.join(', ')}, which the runtime ignores)` : ''}, but this node sets up pods with CNI (${why}): new pods cannot get a network`,
        evidence: [
          collectedEmpty ? '/etc/cni/net.d/*: no matching files' : `files: ${others.join(', ')}`,
          why,
          ...(notReady.has(node) ? [notReady.get(node)!] : []),
        ].join('\n'),
      });
      continue;
    }

    const active = candidates.find((c) => c.valid);
    for (const c of candidates) {
      if (c.valid) continue;
      const beforeActive = !active || c.file_name < active.file_name;
      findings.push({
        node_id: node,
        resource: c.path,
        message: `${c.path} does not load (${c.error ?? 'invalid'})${
          beforeActive
            ? active
              ? `; it sorts before the active ${active.file_name}: containerd stops on it, dockershim skips it`
              : ': no valid CNI configuration is left, so pods cannot get a network'
            : `; the runtime uses ${active!.file_name} now, but the broken file is one rename away from breaking pod networking`
        }`,
        evidence: [`${c.path}: ${c.error ?? 'does not load'}`, ...candidates.map((x) => `${x.file_name}: ${x.valid ? `valid, plugins ${x.plugin_types ?? ''}` : 'invalid'}`)].join('\n'),
        ...(beforeActive ? {} : { severity: 'low' as const }),
      });
    }

    if (!active) continue;
    const types = (active.plugin_types ?? '').split(',');
    if (types.some((t) => t.startsWith('multus'))) continue; // a meta plugin delegating to the real ones
    const running = familySigns.filter((f) => f.signs.has(node));
    if (running.length !== 1) continue; // none or several: nothing certain to compare with
    const intended = running[0]!;
    if (types.includes(intended.family.pluginType)) continue;
    const better = candidates.find((c) => c.valid && (c.plugin_types ?? '').split(',').includes(intended.family.pluginType));
    findings.push({
      node_id: node,
      resource: active.path,
      message: `The runtime uses ${active.path} (first valid file by name, plugins ${active.plugin_types ?? '?'}), but this node runs ${intended.family.name} (${intended.signs.get(node)})${
        better ? `; ${better.file_name} is ignored` : ''
      }: new pods get the wrong network`,
      evidence: [
        ...candidates.map((c) => `${c.file_name}: ${c.valid ? `network ${c.name ?? '?'}, plugins ${c.plugin_types ?? ''}` : `invalid (${c.error ?? ''})`}`),
        `${intended.family.name}: ${intended.signs.get(node)}`,
      ].join('\n'),
    });
  }
  return findings;
}
