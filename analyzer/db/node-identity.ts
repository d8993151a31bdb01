import type { Db } from './database.js';

/** The first node_id above every existing one. A batch numbers its inputs from here, in input order. */
export function nextNodeId(db: Db): number {
  return (db.prepare('SELECT COALESCE(MAX(node_id), 0) + 1 AS id FROM nodes').get() as { id: number }).id;
}

export interface NodeKey {
  sha256: string | null;
  input: string;
  unreadable: boolean;
}

/**
 * Nodes a newly loaded input replaces: the same bytes analyzed before (its input_sha256); for an
 * input that could not be read, an earlier unreadable node of the same path.
 */
export function replacedNodeIds(db: Db, key: NodeKey, exceptId: number): number[] {
  const rows =
    !key.unreadable && key.sha256
      ? db.prepare('SELECT node_id FROM nodes WHERE input_sha256 = ? AND node_id <> ?').all(key.sha256, exceptId)
      : db.prepare("SELECT node_id FROM nodes WHERE input = ? AND status = 'unreadable' AND node_id <> ?").all(key.input, exceptId);
  return (rows as { node_id: number }[]).map((r) => r.node_id);
}

export function nodeIdTaken(db: Db, nodeId: number): boolean {
  return db.prepare('SELECT 1 FROM nodes WHERE node_id = ?').get(nodeId) !== undefined;
}
