import { describe, expect, it } from 'vitest';
import { PARSERS } from '../../../analyzer/parsers/netfilter/index.js';
import { TABLES } from '../../../analyzer/schema/netfilter.js';
import { CORE_TABLES } from '../../../analyzer/schema/core.js';
import type { Rows } from '../../../analyzer/parsers/types.js';
import { fixture, parseStream, parseText } from './helpers.js';

const SAMPLES: [source: string, file: string][] = [
  ['iptables-save', 'iptables-save-v1.8.9-nft-kube-proxy.txt'],
  ['ip6tables-save', 'ip6tables-save-v1.8.9-nft-kube-proxy.txt'],
  ['iptables-legacy-save', 'iptables-legacy-save-v1.8.9-docker.txt'],
  ['iptables-nft-save', 'iptables-nft-save-v1.8.9-kube-proxy.txt'],
  ['iptables-save', 'iptables-save-headerless-hand-edited.txt'],
  ['iptables-version', 'iptables-version-v1.8.9-nft.txt'],
  ['ipset', 'ipset-save-v7.17.txt'],
  ['ipvsadm', 'ipvsadm-Ln-exact-v1.31-kube-proxy.txt'],
  ['ipvsadm-stats', 'ipvsadm-Ln-stats-exact-v1.31-kube-proxy.txt'],
  ['ipvsadm-timeout', 'ipvsadm-Ln-timeout-default.txt'],
  ['conntrack-stats', 'conntrack-S-v1.4.7-kernel6.18.txt'],
  ['proc-conntrack-stat', 'proc-net-stat-nf_conntrack-kernel6.18.txt'],
  ['conntrack-xml', 'conntrack-L-xml-v1.4.7-nat-established.xml'],
];

const declared = new Map([...TABLES, ...CORE_TABLES].map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
declared.set('parse_errors', new Set(['line', 'message']));

describe('netfilter rows match the declared tables', () => {
  it('documents every table and column', () => {
    for (const table of TABLES) {
      expect(table.description.length, table.name).toBeGreaterThan(20);
      for (const column of table.columns) expect(column.description.length, `${table.name}.${column.name}`).toBeGreaterThan(5);
      expect(new Set(table.columns.map((c) => c.name)).size, table.name).toBe(table.columns.length);
      for (const index of table.indexes ?? []) for (const c of index) expect(declared.get(table.name)?.has(c), `${table.name} index ${c}`).toBe(true);
    }
  });

  it('registers a parser for every netfilter source', () => {
    expect(Object.keys(PARSERS).sort()).toEqual([...new Set(SAMPLES.map(([s]) => s))].sort());
  });

  for (const [source, file] of SAMPLES) {
    it(`${source} (${file}) fills only declared tables and columns, with every column present`, async () => {
      const parser = PARSERS[source]!;
      const rows: Rows = parser.kind === 'text' ? parseText(parser, fixture(file), source) : await parseStream(parser, fixture(file), source);
      expect(Object.keys(rows).length).toBeGreaterThan(0);
      for (const [table, list] of Object.entries(rows)) {
        const columns = declared.get(table);
        expect(columns, `table ${table}`).toBeDefined();
        for (const row of list) {
          if (table !== 'parse_errors') expect(new Set(Object.keys(row)), table).toEqual(columns);
          else for (const key of Object.keys(row)) expect(columns?.has(key)).toBe(true);
        }
      }
    });
  }
});
