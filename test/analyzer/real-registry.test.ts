import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../collector/registry/sources.js';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { registry } from '../../analyzer/load/default-registry.js';
import { PARSED_TABLES } from '../../analyzer/schema/tables.js';
import { ROOT } from './support/build-dist.js';
import { snapshotEntries, tempDir, writeTarball } from './support/snapshot-builder.js';

describe('the real parsers and tables, whatever exists of them', () => {
  it('the schema of every parser table is accepted and created', async () => {
    const dir = tempDir();
    const file = await writeTarball(
      join(dir, 'real.tar.gz'),
      snapshotEntries({
        hostname: 'real-1',
        members: [
          { member: 'uname/uname.txt', data: 'Linux real-1 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n' },
          { member: 'os-release/etc/os-release', data: 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nPRETTY_NAME="Ubuntu 22.04.3 LTS"\n' },
          { member: 'iptables-save/iptables-save.txt', data: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -s 10.244.0.0/16 -j ACCEPT\nCOMMIT\n' },
        ],
      }),
    );
    const { db, nodes } = await analyzeInputs([file], { registry });
    expect(nodes[0]?.status).not.toBe('unreadable');
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    for (const t of PARSED_TABLES) expect(tables.has(t.name), t.name).toBe(true);
    const sources = (db.prepare('SELECT source FROM source_status').all() as { source: string }[]).map((r) => r.source);
    expect(sources).toEqual(expect.arrayContaining([...SOURCE_NAMES]));
  });

  it.skipIf(!existsSync(join(ROOT, 'samples/nodes')))('loads every sample node without an input or archive error', async () => {
    const { db, nodes, errors } = await analyzeInputs([join(ROOT, 'samples/nodes')], { registry });
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) expect(n.status, n.name).not.toBe('unreadable');
    expect(errors.filter((e) => e.kind === 'input' || e.kind === 'archive')).toEqual([]);
    const perNode = db.prepare('SELECT COUNT(*) AS n FROM source_status WHERE node_id = ?');
    for (const n of nodes) expect((perNode.get(n.nodeId) as { n: number }).n).toBeGreaterThanOrEqual(SOURCE_NAMES.length);
  });
});
