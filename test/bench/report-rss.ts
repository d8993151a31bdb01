/**
 * Preloaded into a benchmarked `nodesnap analyze` (node --import): writes the process's peak
 * resident set size in KiB, worker threads included, to $NODESNAP_BENCH_RSS_FILE on exit.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.NODESNAP_BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
}
