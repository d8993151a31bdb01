/**
 * fleet/duplicate-hostname: two nodes of one cluster with the same host name (compared without
 * case, as DNS and Kubernetes node names are).
 */
import { clashEvidence, findClashes, type Claim } from '../../analyzer/rules/lib/fleet-clashes.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'fleet/duplicate-hostname',
  title: 'Two nodes have the same hostname',
  severity: 'high',
  category: 'fleet',
  description:
    "kubelet registers its node under the hostname (lower-cased) unless --hostname-override is set, so two machines with the same hostname claim one Node object: each overwrites the other's addresses and status, " +
    'pods scheduled there may start on either machine, and logs, metrics and alerts mix both. Cloned VM images and copy-pasted cloud-init are the usual cause. ' +
    'Names are compared without case, as DNS and Kubernetes compare them; nodes of different clusters (different cluster CAs) may share names. ' +
    'When the machine-id is the same too, the batch may simply hold two snapshots of one machine: the message says so.',
  remediation:
    'Give the clone its own name, then re-join it under that name:\n' +
    '  hostnamectl set-hostname <new-name>\n' +
    "  sed -i 's/<old-name>/<new-name>/g' /etc/hosts\n" +
    '  kubeadm reset -f && kubeadm join ...            # or restart kubelet with its new name\n' +
    '  kubectl delete node <old-name>                  # only if the Node object now belongs to neither\n' +
    'A clone usually shares more than its name: check fleet/duplicate-machine-id and fleet/duplicate-node-ip.',
  references: ['https://kubernetes.io/docs/concepts/architecture/nodes/#node-name-uniqueness'],
  sources: ['hostname'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

// the machine-id file is what systemd uses; the snapshot header repeats it when the file is missing
const IDENTITIES = `
  SELECT n.node_id,
         COALESCE(n.hostname, (SELECT value FROM node_facts f WHERE f.node_id = n.node_id AND f.key = 'hostname' LIMIT 1)) AS hostname,
         COALESCE((SELECT value FROM node_facts f WHERE f.node_id = n.node_id AND f.key = 'machine_id' LIMIT 1), n.machine_id) AS machine_id,
         n.collected_at, n.input
    FROM nodes n ORDER BY n.node_id`;

const PLACEHOLDERS = new Set(['', 'localhost', 'localhost.localdomain']);

export function run(ctx: RuleContext): RuleFinding[] {
  const rows = ctx.db.prepare(IDENTITIES).all() as { node_id: number; hostname: string | null; machine_id: string | null; collected_at: string | null; input: string }[];
  const machineIds = new Map(rows.map((r) => [r.node_id, r.machine_id?.trim().toLowerCase() || null] as const));
  const claims: Claim[] = rows
    .filter((r) => r.hostname && !PLACEHOLDERS.has(r.hostname.trim().toLowerCase()))
    .map((r) => ({
      nodeId: r.node_id,
      key: r.hostname!.trim().toLowerCase(),
      lines: [`hostname ${r.hostname}, machine-id ${r.machine_id ?? '?'}, collected ${r.collected_at ?? '?'} (${r.input})`],
    }));
  const shown = new Map(rows.map((r) => [r.node_id, r.hostname ?? ''] as const));
  // the other snapshots carry the same name, so they are told apart by their input
  const inputOf = new Map(rows.map((r) => [r.node_id, r.input] as const));
  return findClashes(ctx.db, claims, ctx.nodeIds).map((clash) => {
    const mine = machineIds.get(clash.claim.nodeId);
    const twin = clash.others.some((o) => mine && machineIds.get(o.claim.nodeId) === mine);
    const name = shown.get(clash.claim.nodeId) ?? clash.claim.key;
    return {
      node_id: clash.claim.nodeId,
      resource: `hostname ${name}`,
      message:
        `Hostname ${name} is also the hostname of ${clash.others.length} other snapshot(s) in this batch (${clash.others.map((o) => inputOf.get(o.claim.nodeId)).join(', ')})` +
        (twin
          ? ': one of them has the same machine-id as well, so it is either the same machine collected twice or an uncustomised clone'
          : ': different machines claim one Node object'),
      evidence: clashEvidence(clash),
    };
  });
}
