import type { Db } from './database.js';
import { replacedNodeIds } from './node-identity.js';
import { deleteNodes } from './node-rows.js';
import { quoteIdent, type SchemaPlan } from './schema-plan.js';

interface StagedNode {
  node_id: number;
  input: string;
  input_sha256: string | null;
  status: string;
}

/**
 * Copies the nodes of a worker's staging segment into the output database in one transaction
 * (all of them or none). Their node_ids were assigned by the main thread and are kept. An input
 * analyzed before is replaced; when the same input occurs twice in one batch, the later one (the
 * higher node_id) wins, as it does in a sequential run. The staging file has the same tables
 * without indexes; `tablesWithRows` (reported by the worker) spares copying the empty ones.
 */
export function mergeStagedSegment(db: Db, plan: SchemaPlan, stagingFile: string, tablesWithRows?: readonly string[]): void {
  const copied = tablesWithRows ? new Set(tablesWithRows) : null;
  db.prepare('ATTACH DATABASE ? AS staged').run(stagingFile);
  try {
    db.transaction(() => {
      const staged = db.prepare('SELECT node_id, input, input_sha256, status FROM staged.nodes').all() as StagedNode[];
      const skipped: number[] = [];
      for (const node of staged) {
        const key = { sha256: node.input_sha256, input: node.input, unreadable: node.status === 'unreadable' };
        const others = replacedNodeIds(db, key, node.node_id);
        if (others.some((id) => id > node.node_id)) skipped.push(node.node_id);
        else deleteNodes(db, plan, others);
      }
      const where = skipped.length > 0 ? ` WHERE node_id NOT IN (${skipped.join(', ')})` : '';
      for (const table of plan.tables) {
        if (copied && !copied.has(table.name)) continue;
        const columns = ['node_id', ...table.columns].map(quoteIdent).join(', ');
        db.prepare(`INSERT INTO main.${quoteIdent(table.name)} (${columns}) SELECT ${columns} FROM staged.${quoteIdent(table.name)}${where}`).run();
      }
    }).immediate();
  } finally {
    db.exec('DETACH DATABASE staged');
  }
}
