/**
 * `npm run bench`: the analyzer's speed and memory, as ratios against reference tools measured in
 * the same run on the same files (never absolute times in tests).
 *
 *   large node:  analyze time / `tar -xzOf` time of the same tarball   target ≤ 3×
 *   batch:       nodes per second over 200 tarballs, both cores          (and / tar time)
 *   memory:      peak RSS of each analyze run                           target < 500 MB
 *   parsers:     the large sources parsed alone (MB/s, rows/s): the figures behind each parser choice
 *   pcap:        capture parsing / `tcpdump -r FILE -n > /dev/null`     target ≤ 1×
 *   report:      the 200-node batch's HTML report opened in Chromium      target < 2 s
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../collector/registry/version.js';
import { parserFor } from '../../analyzer/parsers/registry.js';
import type { ParseContext } from '../../analyzer/parsers/types.js';
import { generateBenchInputs } from './generate.js';
import { writeSyntheticPcap } from './synthetic-pcap.js';

const ROOT = projectRoot();
const CLI = join(ROOT, 'analyzer/bin/nodesnap.js');
const RSS_HOOK = join(ROOT, 'dist/test/bench/report-rss.js');

interface Run {
  seconds: number;
  peakRssMb: number;
}

function timeCommand(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 0 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs the CLI with a hook that reports the process's peak RSS (worker threads included) on exit. */
function runAnalyze(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const rssFile = join(tmpdir(), `nodesnap-bench-rss-${process.pid}-${Date.now()}`);
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', RSS_HOOK, CLI, 'analyze', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODESNAP_BENCH_RSS_FILE: rssFile },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) return reject(new Error(`analyze exited ${code}: ${stderr.slice(-2000)}`));
      const peakKb = Number(readFileSync(rssFile, 'utf8'));
      rmSync(rssFile, { force: true });
      resolve({ seconds, peakRssMb: peakKb / 1024 });
    });
  });
}

function best<T extends { seconds: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

async function timeParser(source: string, file: string): Promise<{ ms: number; rows: number; mb: number }> {
  const parser = parserFor(source);
  if (!parser) throw new Error(`no parser for ${source}`);
  const ctx: ParseContext = { source, member: `${source}/bench`, collectedAt: '2026-11-20T08:15:03Z', utcOffset: '+0800' };
  const mb = statSync(file).size / 1024 / 1024;
  const start = process.hrtime.bigint();
  let rows = 0;
  if (parser.kind === 'text') {
    const result = parser.parse(readFileSync(file, 'utf8'), ctx);
    for (const list of Object.values(result)) rows += list.length;
  } else {
    for await (const _ of parser.parse(createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>, ctx)) rows++;
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, rows, mb };
}

// a browser global used inside page.evaluate, declared for this module only (no DOM lib in the project)
declare const requestAnimationFrame: (callback: () => void) => number;

/** Opens the report in Debian's Chromium (when installed) and prints the best of three load-to-first-paint times. */
async function timeReportOpen(file: string): Promise<void> {
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.log('report: /usr/bin/chromium not installed: not opened');
    return;
  }
  const { chromium: driver } = await import('playwright-core');
  const browser = await driver.launch({
    executablePath: chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
      const start = process.hrtime.bigint();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
      await page.context().close();
    }
    console.log(`report: ${fmt(statSync(file).size / 1024 / 1024, 1)} MB HTML of the batch opens in ${fmt(best, 0)} ms in Chromium (target < 2000 ms)`);
  } finally {
    await browser.close();
  }
}

function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

async function main(): Promise<void> {
  const work = join(tmpdir(), 'nodesnap-bench');
  const batchSize = Number(process.env.NODESNAP_BENCH_BATCH ?? 200);
  console.log(`nodesnap benchmark on ${cpus().length} cores (work folder ${work})`);
  const inputs = await generateBenchInputs(work, { rules: 50_000, flows: 100_000, containers: 500, processes: 20_000, batch: batchSize });
  const largeMb = statSync(inputs.largeTarball).size / 1024 / 1024;
  console.log(`large node tarball: ${fmt(largeMb)} MB compressed`);

  // -- the large node against tar -xzOf --------------------------------------------------------
  const tarSeconds = Math.min(...[0, 1, 2].map(() => timeCommand('sh', ['-c', `tar -xzOf '${inputs.largeTarball}' > /dev/null`])));
  const largeRuns: Run[] = [];
  for (let i = 0; i < 3; i++) {
    const db = join(work, `large-${i}.db`);
    largeRuns.push(await runAnalyze([inputs.largeTarball, '--db', db]));
    rmSync(db, { force: true });
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
  }
  const large = best(largeRuns);
  console.log(`large node: analyze ${fmt(large.seconds)} s, tar -xzOf ${fmt(tarSeconds)} s -> ratio ${fmt(large.seconds / tarSeconds)}x (target <= 3x); peak RSS ${fmt(large.peakRssMb, 0)} MB`);

  // -- the batch on both cores -----------------------------------------------------------------
  const batchTar = timeCommand('sh', ['-c', `for f in '${inputs.batchTarballs.join("' '")}'; do tar -xzOf "$f" > /dev/null; done`]);
  const batchDb = join(work, 'batch.db');
  const batchReport = join(work, 'batch-report.html');
  const batch = await runAnalyze([...inputs.batchTarballs, '--db', batchDb, '--jobs', String(cpus().length), '--report', batchReport]);
  // the same batch, same outputs, on one thread: what --jobs has to beat
  const single = await runAnalyze([...inputs.batchTarballs, '--db', join(work, 'batch-single.db'), '--jobs', '1', '--report', join(work, 'batch-single-report.html')]);
  const count = inputs.batchTarballs.length;
  console.log(
    `batch of ${count}: --jobs ${cpus().length} ${fmt(batch.seconds)} s = ${fmt(count / batch.seconds, 1)} nodes/s ` +
      `(tar -xzOf of all: ${fmt(batchTar)} s -> ratio ${fmt(batch.seconds / batchTar)}x); --jobs 1 ${fmt(single.seconds)} s = ${fmt(count / single.seconds, 1)} nodes/s ` +
      `-> threads ${fmt(single.seconds / batch.seconds)}x faster; peak RSS ${fmt(batch.peakRssMb, 0)} MB (--jobs 1: ${fmt(single.peakRssMb, 0)} MB)`,
  );

  // -- the large sources parsed alone ------------------------------------------------------------
  const largeDir = join(work, 'large-node');
  for (const [source, member] of [
    ['iptables-save', 'iptables-save/iptables-save.txt'],
    ['conntrack-xml', 'conntrack-xml/conntrack.xml'],
    ['docker-inspect', 'docker-inspect/docker-inspect.json'],
    ['ps', 'ps/ps.txt'],
  ] as const) {
    const t = await timeParser(source, join(largeDir, member));
    console.log(`parser ${source}: ${fmt(t.mb, 1)} MB, ${t.rows} rows in ${fmt(t.ms, 0)} ms = ${fmt(t.mb / (t.ms / 1000), 1)} MB/s, ${fmt(t.rows / (t.ms / 1000), 0)} rows/s`);
  }

  // -- pcap against tcpdump -----------------------------------------------------------------------
  const pcapDir = join(work, 'pcap');
  mkdirSync(pcapDir, { recursive: true });
  const pcap = join(pcapDir, 'eth0.pcap');
  writeSyntheticPcap(pcap, 100 * 1024 * 1024);
  const tcpdump = spawnSync('sh', ['-c', 'command -v tcpdump'], { encoding: 'utf8' }).stdout.trim();
  const pcapParse = await timeParser('pcap', pcap);
  if (tcpdump) {
    const tcpdumpSeconds = Math.min(...[0, 1].map(() => timeCommand('sh', ['-c', `tcpdump -r '${pcap}' -n > /dev/null 2>&1`])));
    console.log(`pcap: ${fmt(pcapParse.mb, 0)} MB parsed in ${fmt(pcapParse.ms / 1000)} s, tcpdump -r -n ${fmt(tcpdumpSeconds)} s -> ratio ${fmt(pcapParse.ms / 1000 / tcpdumpSeconds)}x (target <= 1x)`);
  } else {
    console.log(`pcap: ${fmt(pcapParse.mb, 0)} MB parsed in ${fmt(pcapParse.ms / 1000)} s (tcpdump not installed: no ratio)`);
  }
  await timeReportOpen(batchReport);
  writeFileSync(join(work, 'DONE'), new Date().toISOString());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exitCode = 1;
});
