import { it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { runRules } from '../../analyzer/rules/engine.js';
import { fixtureCases, materialiseCase } from '../../analyzer/rules/fixtures.js';
import { loadAllRules } from '../../analyzer/rules/load-rules.js';
import { BUILTIN_RULES_DIR } from '../../analyzer/rules/rule-files.js';

it('prints findings of the cases in DEBUG_CASES', async () => {
  const wanted = (process.env.DEBUG_CASES ?? '').split(',').filter(Boolean);
  const rules = await loadAllRules();
  for (const rule of rules.filter((r) => wanted.some((w) => r.meta.id.includes(w)))) {
    for (const c of fixtureCases(BUILTIN_RULES_DIR(), rule.meta.id)) {
      const { folders, cleanup } = materialiseCase(c, BUILTIN_RULES_DIR());
      const loaded = await analyzeInputs(folders);
      const out = runRules(loaded.db, [rule]);
      console.log(`== ${rule.meta.id} ${c.name}: ${out.results.map((r) => r.status + (r.reason ? ` (${r.reason})` : '')).join(', ')}`);
      for (const f of out.findings) console.log(`  [${f.severity}] ${f.resource}\n  ${f.message}\n    ${f.evidence.replaceAll('\n', '\n    ')}`);
      loaded.db.close();
      cleanup();
    }
  }
}, 300_000);
