/**
 * What the pcap/ rules say about their fixtures, beyond fires/quiet: the flow each finding
 * names, who sent a RST and after what, which interface lost a flow, and the counters quoted.
 * (The RuleTester in test/rules/rules.test.ts checks fires/quiet/skipped for every case.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { runRules, type Finding } from '../../analyzer/rules/engine.js';
import { fixtureCases, materialiseCase } from '../../analyzer/rules/fixtures.js';
import { loadAllRules } from '../../analyzer/rules/load-rules.js';
import { BUILTIN_RULES_DIR } from '../../analyzer/rules/rule-files.js';
import { endpointsIn } from '../../analyzer/report/pictures/packet-path.js';

const rules = (await loadAllRules()).filter((r) => r.meta.category === 'pcap');
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

/** Findings of `rule` on one of its fixture cases (or another rule's case: `case` as `slug/case`). */
async function findings(rule: string, caseName: string): Promise<Finding[]> {
  const [owner, name] = caseName.includes('/') ? (caseName.split('/') as [string, string]) : [rule, caseName];
  const c = fixtureCases(BUILTIN_RULES_DIR(), `pcap/${owner}`).find((x) => x.name === name);
  if (!c) throw new Error(`no fixture case pcap/${owner} ${name}`);
  const { folders, cleanup } = materialiseCase(c, BUILTIN_RULES_DIR());
  cleanups.push(cleanup);
  const loaded = await analyzeInputs(folders);
  try {
    const out = runRules(loaded.db, rules.filter((r) => r.meta.id === `pcap/${rule}`));
    const errors = out.results.filter((r) => r.status === 'error');
    if (errors.length) throw new Error(`${rule}: ${errors[0]!.reason}`);
    if (process.env.PCAP_RULES_DEBUG) for (const f of out.findings) console.log(`${f.rule} [${f.severity}] ${f.resource}\n  ${f.message}\n  ${f.evidence.replace(/\n/g, '\n  ')}`);
    return out.findings;
  } finally {
    loaded.db.close();
  }
}

/** The two endpoints the HTML report's packet-path picture would read from a finding. */
const pictured = (f: Finding) => endpointsIn(`${f.resource}\n${f.evidence}`).slice(0, 2).map((e) => `${e.address}:${e.port}`);

describe('pcap/zero-window', () => {
  it('names the side that stopped reading and quotes the zero-window count', async () => {
    const [f, ...rest] = await findings('zero-window', 'fires-receiver-stops-reading');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/zero window 4 times/);
    expect(f!.message).toMatch(/the server 10\.99\.0\.2:8082 .* stopped reading/);
    expect(f!.evidence).toMatch(/pcap\/eth0\.pcap: 10\.99\.0\.1:53860 -> 10\.99\.0\.2:8082 \(tcp\) packets=15 .*zero_window=4/);
    expect(pictured(f!)).toEqual(['10.99.0.1:53860', '10.99.0.2:8082']);
  });
});
