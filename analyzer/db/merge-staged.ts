import type { Db } from './database.js';
import { nextNodeId, replacedNodeIds } from './node-identity.js';
import { deleteNodes } from './node-rows.js';
import { quoteIdent, type SchemaPlan } from './schema-plan.js';

/**
 * Copies the one node of a worker's staging file into the output database under a fresh node_id,
 * replacing an earlier copy of the same input, in one transaction (all of the node or none).
 * The staging file has the same tables (same plan) without indexes.
 */
export function mergeStagedNode(db: Db, plan: SchemaPlan, stagingFile: string): number {
  db.prepare("ATTACH DATABASE ? AS staged").run(stagingFile);
  try {
    return db.transaction(() => {
      const staged = db.prepare('SELECT node_id, input, input_sha256, status FROM staged.nodes').all() as {
        node_id: number;
        input: string;
        input_sha256: string | null;
        status: string;
      }[];
      const node = staged[0];
      if (!node || staged.length !== 1) throw new Error(`staging file holds ${staged.length} nodes, expected 1`);
      const nodeId = nextNodeId(db);
      for (const table of plan.tables) {
        const columns = table.columns.map(quoteIdent).join(', ');
        db.prepare(`INSERT INTO main.${quoteIdent(table.name)} (node_id, ${columns}) SELECT ?, ${columns} FROM staged.${quoteIdent(table.name)}`).run(nodeId);
      }
      const key = { sha256: node.input_sha256, input: node.input, unreadable: node.status === 'unreadable' };
      deleteNodes(db, plan, replacedNodeIds(db, key, nodeId));
      return nodeId;
    }).immediate();
  } finally {
    db.exec('DETACH DATABASE staged');
  }
}
