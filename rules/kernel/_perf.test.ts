import { it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { runRules } from '../../analyzer/rules/engine.js';
import { loadAllRules } from '../../analyzer/rules/load-rules.js';
import { generateBenchInputs } from '../../test/bench/generate.js';

it('times kernel rules on a large node plus a 200-node batch', async () => {
  const inputs = await generateBenchInputs('/tmp/kernel-perf', { rules: 50_000, flows: 100_000, containers: 500, processes: 20_000, batch: 200 });
  const loaded = await analyzeInputs([inputs.largeTarball, ...inputs.batchTarballs], { jobs: 2 });
  const rules = (await loadAllRules()).filter((r) => r.meta.category === 'kernel');
  for (const rule of rules) {
    const t = performance.now();
    const out = runRules(loaded.db, [rule]);
    console.log(`${(performance.now() - t).toFixed(0).padStart(6)} ms ${rule.meta.id} findings=${out.findings.length} errors=${out.results.filter((r) => r.status === 'error').length}`);
  }
  loaded.db.close();
}, 900_000);
