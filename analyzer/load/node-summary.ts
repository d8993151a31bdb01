import type { Db } from '../db/database.js';
import type { ErrorKind, ErrorRecord } from './error-record.js';

export type NodeStatus = 'ok' | 'partial' | 'unreadable';

/** One analyzed node, for the CLI summary, the report and the rule engine's list of nodes. */
export interface NodeSummary {
  nodeId: number;
  /** Hostname, else the input's base name. */
  name: string;
  input: string;
  status: NodeStatus;
  hostname: string | null;
  collectedAt: string | null;
  /** Sources whose source_status is ok (collected and readable). */
  sourcesCollected: number;
  /** Sources with at least one member a parser loaded. */
  sourcesParsed: number;
  members: number;
  /** Rows the parsers produced (all parser tables). */
  rows: number;
  errors: number;
}

export function nodeSummaries(db: Db, nodeIds: readonly number[]): NodeSummary[] {
  const node = db.prepare('SELECT node_id, name, input, status, hostname, collected_at FROM nodes WHERE node_id = ?');
  const collected = db.prepare("SELECT COUNT(*) AS n FROM source_status WHERE node_id = ? AND status = 'ok'");
  const files = db.prepare(
    "SELECT COUNT(DISTINCT CASE WHEN parsed = 1 THEN source END) AS parsed, COUNT(bytes) AS members, COALESCE(SUM(rows), 0) AS rows FROM files WHERE node_id = ?",
  );
  const errors = db.prepare('SELECT COUNT(*) AS n FROM errors WHERE node_id = ?');
  const out: NodeSummary[] = [];
  for (const id of nodeIds) {
    const n = node.get(id) as { node_id: number; name: string; input: string; status: NodeStatus; hostname: string | null; collected_at: string | null } | undefined;
    if (!n) continue; // replaced later in the same batch (the same input given twice)
    const f = files.get(id) as { parsed: number; members: number; rows: number };
    out.push({
      nodeId: n.node_id,
      name: n.name,
      input: n.input,
      status: n.status,
      hostname: n.hostname,
      collectedAt: n.collected_at,
      sourcesCollected: (collected.get(id) as { n: number }).n,
      sourcesParsed: f.parsed,
      members: f.members,
      rows: f.rows,
      errors: (errors.get(id) as { n: number }).n,
    });
  }
  return out;
}

export function nodeErrors(db: Db, nodeIds: readonly number[]): ErrorRecord[] {
  const stmt = db.prepare('SELECT input, node, member, kind, message, line FROM errors WHERE node_id = ? ORDER BY rowid');
  const out: ErrorRecord[] = [];
  for (const id of nodeIds) {
    for (const row of stmt.all(id) as { input: string; node: string; member: string | null; kind: ErrorKind; message: string; line: number | null }[]) {
      out.push({ input: row.input, node: row.node, member: row.member, kind: row.kind, message: row.message, line: row.line });
    }
  }
  return out;
}
