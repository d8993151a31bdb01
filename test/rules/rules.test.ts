/**
 * RuleTester: every built-in rule against its fixtures, and every catalog id of the categories
 * nodesnap implements has a rule with a `fires` and a `quiet` fixture.
 * NODESNAP_RULES_ONLY=kernel/ narrows the run while writing rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../collector/registry/version.js';
import { loadAllRules } from '../../analyzer/rules/load-rules.js';
import { BUILTIN_RULES_DIR } from '../../analyzer/rules/rule-files.js';
import { fixtureCases } from '../../analyzer/rules/fixtures.js';
import { testRuleCase } from '../../analyzer/rules/rule-tester.js';

/** Catalog categories with rules so far; a category joins this list when its rules land. */
export const IMPLEMENTED_CATEGORIES = (process.env.NODESNAP_RULE_CATEGORIES ?? 'kernel,iptables,ipvs,route,cni,docker,fleet,snapshot,cert,k8s,pcap').split(',');

const only = process.env.NODESNAP_RULES_ONLY ?? '';
const catalog = (JSON.parse(readFileSync(join(projectRoot(), 'rules', 'catalog.json'), 'utf8')) as { rules: { id: string }[] }).rules;
const rules = await loadAllRules();

describe('rule catalog coverage', () => {
  for (const category of IMPLEMENTED_CATEGORIES) {
    const ids = catalog.filter((r) => r.id.startsWith(`${category}/`) && r.id.startsWith(only)).map((r) => r.id);
    it.each(ids)('%s has a rule with fires and quiet fixtures', (id) => {
      expect(rules.map((r) => r.meta.id)).toContain(id);
      const kinds = new Set(fixtureCases(BUILTIN_RULES_DIR(), id).map((c) => c.kind));
      expect([...kinds]).toEqual(expect.arrayContaining(['fires', 'quiet']));
    });
  }

  it('has no rule outside the catalog', () => {
    const known = new Set(catalog.map((r) => r.id));
    expect(rules.map((r) => r.meta.id).filter((id) => !known.has(id))).toEqual([]);
  });
});

describe('rules against their fixtures', () => {
  const cases = rules.filter((r) => r.meta.id.startsWith(only)).flatMap((rule) => fixtureCases(BUILTIN_RULES_DIR(), rule.meta.id).map((c) => ({ rule, c })));
  it.each(cases.map(({ rule, c }) => [`${rule.meta.id} ${c.name}`, rule, c] as const))('%s', async (_name, rule, c) => {
    const outcome = await testRuleCase(rule, c, BUILTIN_RULES_DIR());
    expect(outcome.problem).toBeNull();
  });
});
