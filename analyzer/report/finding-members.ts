/**
 * Which snapshot members a finding was read from, for SARIF locations and the report's "source"
 * line. A finding does not record it, so it is worked out from what is known:
 *  - the rule's sources (metadata) narrow the node's members (files table) to those sources;
 *  - a resource naming a file on the node (/etc/kubernetes/pki/apiserver.crt) or a member picks
 *    that member;
 *  - an iptables resource (`nat/KUBE-SERVICES#3`, `ip6:filter/FORWARD#1`) picks the dump the rule
 *    came from and its line (iptables_rules.line).
 * Otherwise every member of the rule's usable sources is listed, in the rule's source order.
 */
import type { Database } from 'better-sqlite3';
import { byNode, hasColumns, hasTable } from './db-read.js';
import type { MemberRef, RuleInfo } from './view-types.js';

interface FileRow {
  node_id: number;
  member: string;
  source: string;
  path: string | null;
}

interface FindingKey {
  rule: string;
  node: string;
  nodeId: number;
  resource: string;
  evidence: string;
}

const IPTABLES_RESOURCE = /^(?:([a-z0-9-]+):)?(raw|mangle|nat|filter|security)\/([^#\s/]+)(?:#(\d+))?$/;
const IPTABLES_SOURCES = ['iptables-save', 'ip6tables-save', 'iptables-legacy-save', 'iptables-nft-save'];
const MAX_MEMBERS = 8;

export class MemberLocator {
  private readonly files: Map<number, FileRow[]>;
  private readonly iptablesLine: ((nodeId: number, table: string, chain: string, position: number | null) => { source: string; line: number | null }[]) | null;

  constructor(db: Database) {
    this.files = hasTable(db, 'files')
      ? byNode(
          db
            .prepare(
              `SELECT node_id, member, source, path FROM files
                WHERE member IS NOT NULL AND role IN ('output', 'file') ORDER BY node_id, member`,
            )
            .all() as FileRow[],
        )
      : new Map();
    if (hasColumns(db, 'iptables_rules', ['source', 'table_name', 'chain', 'position', 'line']) && hasColumns(db, 'iptables_chains', ['source', 'table_name', 'chain', 'line'])) {
      const rule = db.prepare('SELECT source, line FROM iptables_rules WHERE node_id = ? AND table_name = ? AND chain = ? AND position = ?');
      // a whole chain (`filter/FORWARD`) points at its declaration line
      const chainDecl = db.prepare('SELECT source, line FROM iptables_chains WHERE node_id = ? AND table_name = ? AND chain = ?');
      this.iptablesLine = (nodeId, table, chain, position) =>
        (position === null ? chainDecl.all(nodeId, table, chain) : rule.all(nodeId, table, chain, position)) as { source: string; line: number | null }[];
    } else {
      this.iptablesLine = null;
    }
  }

  locate(finding: FindingKey, rule: RuleInfo | undefined): MemberRef[] {
    const rows = this.files.get(finding.nodeId) ?? [];
    if (rows.length === 0) return [];
    const ref = (row: FileRow, line: number | null = null): MemberRef => ({ node: finding.node, member: row.member, line });
    const resource = finding.resource.trim();

    // the resource is a member, or a file collected from the node
    const exact = rows.filter((r) => r.member === resource || (r.path !== null && r.path === resource));
    if (exact.length) return exact.slice(0, MAX_MEMBERS).map((r) => ref(r));

    const wanted = (rule?.sources ?? []).flatMap((entry) => entry.split('|'));
    const ofSources = wanted.length ? rows.filter((r) => wanted.includes(r.source)) : [];

    const ipt = this.iptablesLine ? IPTABLES_RESOURCE.exec(resource) : null;
    if (ipt && this.iptablesLine) {
      const [, label = '', table, chain, position] = ipt;
      const family = label.startsWith('ip6') ? 'ip6tables-save' : null;
      const hits = this.iptablesLine(finding.nodeId, table as string, chain as string, position === undefined ? null : Number(position)).filter(
        (h) => IPTABLES_SOURCES.includes(h.source) && (family ? h.source === family : h.source !== 'ip6tables-save'),
      );
      // with a backend label ('nft', 'legacy') the rule set is that backend's own dump
      const preferred = label.endsWith('nft') ? 'iptables-nft-save' : label.endsWith('legacy') ? 'iptables-legacy-save' : null;
      hits.sort((a, b) => Number(b.source === preferred) - Number(a.source === preferred) || IPTABLES_SOURCES.indexOf(a.source) - IPTABLES_SOURCES.indexOf(b.source));
      // the same rules dumped by two tools are one rule set: name the dump rules read (the first)
      const located = hits.flatMap((h) => rows.filter((r) => r.source === h.source).slice(0, 1).map((r) => ref(r, h.line)));
      if (located.length) return located.slice(0, 1);
    }

    // a path named in the resource or the evidence (certificates, configs, manifests)
    const mentioned = ofSources.filter((r) => r.path !== null && r.path.length > 1 && (resource.includes(r.path) || finding.evidence.includes(r.path)));
    if (mentioned.length) return mentioned.slice(0, MAX_MEMBERS).map((r) => ref(r));

    const ordered = [...ofSources].sort((a, b) => wanted.indexOf(a.source) - wanted.indexOf(b.source));
    return ordered.slice(0, MAX_MEMBERS).map((r) => ref(r));
  }
}

/** `worker-1/iptables-save/iptables-save.txt` */
export function memberPath(ref: MemberRef): string {
  return `${ref.node}/${ref.member}`;
}
