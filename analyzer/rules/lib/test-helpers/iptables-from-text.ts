/**
 * Test helper: iptables-save text -> the IptablesTable objects rules work on, through the real
 * parser (so the tests see exactly the fields the database would hold).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptablesSave } from '../../../parsers/netfilter/iptables-save.js';
import type { Row } from '../../../parsers/types.js';
import { buildTables, ruleFromRow, type ChainRow, type IptablesTable, type RuleRow } from '../iptables-ruleset.js';
import { projectRoot } from '../../../../collector/registry/version.js';

function numeric(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'bigint' ? Number(v) : v;
  return out;
}

export function tablesFromSave(text: string, source = 'iptables-save'): Map<string, IptablesTable> {
  const rows = parseIptablesSave(text, { source, member: `${source}/${source}.txt`, collectedAt: '', utcOffset: '' });
  const chains = (rows.iptables_chains ?? []).map(numeric) as unknown as ChainRow[];
  const rules = (rows.iptables_rules ?? []).map((r) => ruleFromRow(numeric(r) as unknown as RuleRow));
  return buildTables(chains, rules);
}

export function table(text: string, name: string): IptablesTable {
  const t = tablesFromSave(text).get(name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}

/** A member of a sample node or a netfilter fixture file, as text. */
export function sampleMember(node: string, member: string): string {
  return readFileSync(join(projectRoot(), 'samples', 'nodes', node, member), 'utf8');
}

export function netfilterFixture(file: string): string {
  return readFileSync(join(projectRoot(), 'test', 'fixtures', 'netfilter', file), 'utf8');
}
