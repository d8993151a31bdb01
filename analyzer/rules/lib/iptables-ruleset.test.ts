import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../load/analyze-inputs.js';
import { materialiseCase } from '../fixtures.js';
import { chainResource, eachRuleset, listRulesets, loadRuleset, ruleLine, ruleResource, tableEvidence } from './iptables-ruleset.js';
import { netfilterFixture } from './test-helpers/iptables-from-text.js';

/** One node holding the same nf_tables rules twice (iptables-save and iptables-nft-save), docker's legacy rules and IPv6 rules. */
const MEMBERS: Record<string, string> = {
  'iptables-save/iptables-save.txt': netfilterFixture('iptables-save-v1.8.9-nft-kube-proxy.txt'),
  'iptables-nft-save/iptables-nft-save.txt': netfilterFixture('iptables-nft-save-v1.8.9-kube-proxy.txt'),
  'iptables-legacy-save/iptables-legacy-save.txt': netfilterFixture('iptables-legacy-save-v1.8.9-docker.txt'),
  'ip6tables-save/ip6tables-save.txt': netfilterFixture('ip6tables-save-v1.8.9-nft-kube-proxy.txt'),
};

let loaded: Awaited<ReturnType<typeof analyzeInputs>>;
let cleanups: (() => void)[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nodesnap-ruleset-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const caseDir = join(dir, 'x', 'y.fixtures', 'mixed');
  for (const [member, text] of Object.entries(MEMBERS)) {
    mkdirSync(dirname(join(caseDir, member)), { recursive: true });
    writeFileSync(join(caseDir, member), text);
  }
  const { folders, cleanup } = materialiseCase({ rule: 'x/y', name: 'mixed', kind: 'fires', dir: caseDir }, dir);
  cleanups.push(cleanup);
  loaded = await analyzeInputs(folders);
});

afterAll(() => {
  loaded?.db.close();
  for (const c of cleanups) c();
  cleanups = [];
});

describe('listRulesets', () => {
  it('keeps one rule set per family and backend, preferring the default tool, and labels the others', () => {
    const refs = listRulesets(loaded.db, [1]);
    expect(refs.map((r) => [r.family, r.backend, r.source, r.label])).toEqual([
      ['ipv4', 'nft', 'iptables-save', ''],
      ['ipv4', 'legacy', 'iptables-legacy-save', 'legacy'],
      ['ipv6', 'nft', 'ip6tables-save', 'ip6'],
    ]);
    expect(listRulesets(loaded.db, [1], ['ipv4'])).toHaveLength(2);
    expect(listRulesets(loaded.db, [2])).toEqual([]);
  });
});

describe('loadRuleset', () => {
  it('reads chains in order with their rules, limited to the tables asked for', () => {
    const [main] = listRulesets(loaded.db, [1]);
    const rs = loadRuleset(loaded.db, main!, { tables: ['nat'] });
    expect([...rs.tables.keys()]).toEqual(['nat']);
    const nat = rs.tables.get('nat')!;
    const pre = nat.chain('PREROUTING')!;
    expect(pre.builtin).toBe(true);
    expect(pre.policy).toBe('ACCEPT');
    expect(pre.rules.map((r) => r.position)).toEqual([1, 2, 3, 4]);
    expect(pre.rules[3]).toMatchObject({ target: 'DNAT', toDestination: '10.200.36.9:3309', dst: '10.200.36.6/32', dport: '3308', protocol: 'tcp' });
    expect(nat.chain('KUBE-SERVICES')!.builtin).toBe(false);
  });

  it('gives resources and evidence lines as findings quote them', () => {
    const all = [...eachRuleset(loaded.db, [1], { tables: ['nat'] })];
    const legacy = all.find((r) => r.label === 'legacy')!;
    const masq = legacy.tables.get('nat')!.chain('POSTROUTING')!.rules[0]!;
    expect(ruleResource(legacy, masq)).toBe('legacy:nat/POSTROUTING#1');
    expect(ruleLine(masq)).toBe('[0:0] -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
    expect(chainResource(all[0]!, 'nat', 'KUBE-SERVICES')).toBe('nat/KUBE-SERVICES');
    expect(tableEvidence(legacy, 'nat', ['a', 'b', 'c'], 2)).toBe('# iptables-legacy-save -c (legacy backend)\n*nat\na\nb\n... 1 more line(s)');
  });
});
