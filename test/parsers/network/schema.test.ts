import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SOURCES } from '../../../collector/registry/sources.js';
import { PARSERS } from '../../../analyzer/parsers/network/index.js';
import { TABLES } from '../../../analyzer/schema/network.js';
import { fixture, parse } from './helpers.js';

const SOURCE_OF_FIXTURE: Record<string, string> = {
  'ip-link': 'ip-link',
  'host-ip-link': 'ip-link',
  'ip-link-veth-dummy': 'ip-link',
  'ip-addr': 'ip-addr',
  'ip-route-ipv4': 'ip-route',
  'ip-route-ipv6': 'ip-route',
  'ip-rule': 'ip-rule',
  'ip-neigh': 'ip-neigh',
  'bridge-fdb': 'bridge-fdb',
  'bridge-link': 'bridge-link',
  'ss-summary': 'ss-summary',
  'ss-listen': 'ss-listen',
  'ss-listen-no-p': 'ss-listen',
  'ss-tcp': 'ss-tcp',
  'proc-net-netstat': 'proc-net-netstat',
  'proc-net-snmp': 'proc-net-snmp',
  'pod-netns': 'pod-netns',
  resolv: 'resolv-conf',
  'resolv-pod': 'resolv-conf',
  hosts: 'hosts',
};

function everyFixture(): { file: string; source: string }[] {
  const root = fileURLToPath(new URL('../../fixtures/network/', import.meta.url));
  const out: { file: string; source: string }[] = [];
  for (const dir of ['captured', 'centos7', 'edited', 'files']) {
    for (const name of readdirSync(root + dir)) {
      const source = SOURCE_OF_FIXTURE[name.replace(/\.(json|txt|conf)$/, '')];
      if (source === undefined) throw new Error(`fixture ${dir}/${name} has no source`);
      out.push({ file: `${dir}/${name}`, source });
    }
  }
  return out;
}

describe('network tables', () => {
  it('document every table and column', () => {
    for (const t of TABLES) {
      expect(t.description.length, t.name).toBeGreaterThan(20);
      const names = new Set<string>();
      for (const c of t.columns) {
        expect(c.description.length, `${t.name}.${c.name}`).toBeGreaterThan(3);
        expect(names.has(c.name), `${t.name}.${c.name} twice`).toBe(false);
        expect(c.name, 'node_id is added by the database layer').not.toBe('node_id');
        names.add(c.name);
      }
      for (const index of t.indexes ?? []) for (const c of index) expect(names.has(c), `${t.name} index ${c}`).toBe(true);
    }
  });

  it('can be created and queried without quoting any column', () => {
    const db = new Database(':memory:');
    for (const t of TABLES) {
      db.exec(`CREATE TABLE ${t.name} (${t.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`);
      db.prepare(`SELECT ${t.columns.map((c) => c.name).join(', ')} FROM ${t.name} WHERE ${t.columns[0]!.name} IS NULL ORDER BY ${t.columns.map((c) => c.name).join(', ')}`).all();
    }
    db.close();
  });

  it('hold exactly the columns every parser emits, for every fixture', () => {
    const columns = new Map(TABLES.map((t) => [t.name, t.columns.map((c) => c.name)]));
    let tablesSeen = new Set<string>();
    for (const { file, source } of everyFixture()) {
      const member = file.includes('ipv6') ? 'ip-route/ipv6.txt' : file.includes('ipv4') ? 'ip-route/ipv4.txt' : `${source}/x.txt`;
      const rows = parse(source, fixture(file), member);
      for (const [table, list] of Object.entries(rows)) {
        if (table === 'parse_errors') {
          for (const e of list) expect(Object.keys(e).sort(), file).toEqual(['line', 'message']);
          continue;
        }
        tablesSeen.add(table);
        const declared = columns.get(table);
        expect(declared, `${file}: table ${table} is not declared`).toBeDefined();
        for (const row of list) expect(Object.keys(row).sort(), `${file}: ${table}`).toEqual([...declared!].sort());
      }
    }
    expect([...tablesSeen].sort()).toEqual(TABLES.map((t) => t.name).sort());
  });

  it('have a parser for every network source of the registry and no other', () => {
    const registered = new Set(SOURCES.map((s) => s.name));
    for (const name of Object.keys(PARSERS)) expect(registered.has(name), name).toBe(true);
    const network = SOURCES.filter((s) => s.category === 'network').map((s) => s.name);
    for (const name of network) expect(PARSERS[name], name).toBeDefined();
  });
});
