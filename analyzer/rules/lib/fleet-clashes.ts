/**
 * Pairs of nodes that claim the same thing (a pod subnet, an address, a host name) inside one
 * cluster, for the fleet/ rules that must report each such claim once per node.
 */
import type { Database } from 'better-sqlite3';
import { clusterMembership, nodeNames } from './cluster-membership.js';

/** One thing a node claims, with the snapshot lines that show it. */
export interface Claim {
  nodeId: number;
  /** What is claimed, canonical (e.g. '10.244.1.0/24', '192.168.10.21', 'worker-1'). */
  key: string;
  lines: string[];
}

/** A node's claim and the other nodes' claims it collides with. */
export interface Clash {
  claim: Claim;
  others: { claim: Claim; node: string }[];
  /** The shared cluster CA fingerprint when known, for evidence. */
  clusterCa: string | null;
}

/** Merges claims with the same node and key, keeping their lines in order and without repeats. */
export function mergeClaims(claims: readonly Claim[]): Claim[] {
  const merged = new Map<string, Claim>();
  for (const c of claims) {
    const id = `${c.nodeId}\0${c.key}`;
    const seen = merged.get(id);
    if (!seen) merged.set(id, { nodeId: c.nodeId, key: c.key, lines: [...c.lines] });
    else for (const l of c.lines) if (!seen.lines.includes(l)) seen.lines.push(l);
  }
  return [...merged.values()];
}

/**
 * Every claim of a node in `nodeIds` that collides (per `collide`) with another node's claim in the
 * same cluster. `collide` defaults to equal keys; equal keys are matched by lookup, anything else
 * pairwise.
 */
export function findClashes(db: Database, claims: readonly Claim[], nodeIds: readonly number[], collide?: (a: string, b: string) => boolean): Clash[] {
  const wanted = new Set(nodeIds);
  const cluster = clusterMembership(db);
  const names = nodeNames(db);
  const all = mergeClaims(claims);
  const byKey = new Map<string, Claim[]>();
  if (!collide) {
    for (const c of all) {
      let list = byKey.get(c.key);
      if (!list) byKey.set(c.key, (list = []));
      list.push(c);
    }
  }
  const out: Clash[] = [];
  for (const claim of all) {
    if (!wanted.has(claim.nodeId)) continue;
    const candidates = collide ? all.filter((o) => collide(claim.key, o.key)) : (byKey.get(claim.key) ?? []);
    const others = candidates
      .filter((o) => o.nodeId !== claim.nodeId && cluster.sameCluster(claim.nodeId, o.nodeId))
      .map((o) => ({ claim: o, node: names.get(o.nodeId) ?? String(o.nodeId) }))
      .sort((a, b) => a.node.localeCompare(b.node) || a.claim.key.localeCompare(b.claim.key));
    if (others.length) out.push({ claim, others, clusterCa: cluster.clusterCa(claim.nodeId) });
  }
  return out.sort((a, b) => a.claim.nodeId - b.claim.nodeId || a.claim.key.localeCompare(b.claim.key));
}

/** Evidence: this node's lines, then each other node's, then the cluster they share. */
export function clashEvidence(clash: Clash): string {
  const parts = [`this node:`, ...clash.claim.lines.map((l) => `  ${l}`)];
  for (const o of clash.others) parts.push(`${o.node}:`, ...o.claim.lines.map((l) => `  ${l}`));
  if (clash.clusterCa) parts.push(`cluster CA (sha256): ${clash.clusterCa}`);
  return parts.join('\n');
}
