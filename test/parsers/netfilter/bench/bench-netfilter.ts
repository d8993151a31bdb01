/**
 * Benchmark of the netfilter parsers (not a test: run by hand, see the netfilter report):
 *   B=/tmp/nodesnap-netfilter-bench; npx tsc -p tsconfig.json --outDir $B; ln -sfn $PWD/node_modules $B/node_modules
 *   cp package.json $B/ && node $B/test/parsers/netfilter/bench/bench-netfilter.js      (FLOWS=250000 for a full-cap table)
 */
import { parseIptablesSave } from '../../../../analyzer/parsers/netfilter/iptables-save.js';
import { readFlows, type FlowReader } from '../../../../analyzer/parsers/netfilter/conntrack-xml.js';
import { readFlow } from '../../../../analyzer/parsers/netfilter/conntrack-flow.js';
import { conntrackXml, kubeProxySave } from './generate.js';
import { fxpReader } from './fxp-flow.js';

const ctx = { source: 'iptables-save', member: 'iptables-save/iptables-save.txt', collectedAt: '', utcOffset: '' };

function best<T>(runs: number, fn: () => T): { ms: number; result: T } {
  let ms = Infinity;
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, result: result as T };
}

async function* chunked(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function timeFlows(bytes: Buffer, reader: FlowReader): Promise<{ ms: number; flows: number; errors: number }> {
  const t = performance.now();
  let flows = 0;
  let errors = 0;
  for await (const [table] of readFlows(chunked(bytes, 64 * 1024), reader)) {
    if (table === 'conntrack_entries') flows++;
    else errors++;
  }
  return { ms: performance.now() - t, flows, errors };
}

async function main(): Promise<void> {
  const save = kubeProxySave(50_000);
  const ipt = best(5, () => parseIptablesSave(save.text, ctx));
  const parsedRules = ipt.result.iptables_rules?.length ?? 0;
  console.log(`iptables-save: ${parsedRules} rules, ${(save.text.length / 1e6).toFixed(1)} MB in ${ipt.ms.toFixed(0)} ms = ${Math.round(parsedRules / (ipt.ms / 1000))} rules/s`);

  const flows = Number(process.env.FLOWS ?? 100_000);
  const bytes = Buffer.from(conntrackXml(flows), 'utf8');
  const mb = bytes.length / 1e6;
  const readers: [string, FlowReader][] = [
    ['hand scanner', readFlow],
    ['fast-xml-parser per flow', fxpReader(false)],
    ['fast-xml-parser per flow + XMLValidator', fxpReader(true)],
  ];
  for (const [name, reader] of readers) {
    let bestRun = { ms: Infinity, flows: 0, errors: 0 };
    for (let i = 0; i < 3; i++) {
      const run = await timeFlows(bytes, reader);
      if (run.ms < bestRun.ms) bestRun = run;
    }
    console.log(
      `conntrack xml, ${name}: ${bestRun.flows} flows (${bestRun.errors} errors), ${mb.toFixed(1)} MB in ${bestRun.ms.toFixed(0)} ms = ${Math.round(bestRun.flows / (bestRun.ms / 1000))} flows/s, ${(mb / (bestRun.ms / 1000)).toFixed(1)} MB/s`,
    );
  }

  // robustness: the malformed flows the parser must reject
  const good = conntrackXml(1).split('\n')[2] as string;
  const bad: [string, string][] = [
    ['mismatched leaf', good.replace('</src>', '</dst>')],
    ['unclosed meta', good.replace('</meta><meta direction="reply">', '<meta direction="reply">')],
    ['broken tag', good.replace('<timeout>', '<timeout')],
    ['stray close', good.replace('<use>', '</layer3><use>')],
  ];
  for (const [name, reader] of readers) {
    const verdicts = bad.map(([label, text]) => `${label}: ${typeof reader(text) === 'string' ? 'rejected' : 'ACCEPTED'}`);
    console.log(`robustness, ${name}: ${verdicts.join(', ')}`);
  }
}

await main();
