/**
 * `uname -a`:
 *
 *   Linux vm 6.18.44-fc-v595 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux
 *   Linux node-1 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 x86_64 x86_64 GNU/Linux
 *   Linux box 5.15.0 #1 SMP Fri Jan 1 00:00:00 UTC 2021 aarch64 GNU/Linux      (busybox, no processor fields)
 *
 * The version is free text with spaces, so the fields are found from both ends: name, node
 * name and release are the first three words; the machine is the first of the trailing run of
 * machine / "unknown" / operating-system words.
 */
import { FACT, type TextParser } from '../../types.js';
import { SYSTEM_FACT } from '../common/fact-keys.js';
import { isBlank, splitLines, words } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

const MACHINE = /^(x86_64|amd64|i[3-6]86|aarch64|arm64|armv\w+|ppc64(le)?|ppc|s390x?|riscv64|mips\w*|loongarch64|sparc64|ia64|alpha)$/;
const OPERATING_SYSTEM = /^(GNU\/Linux|Linux|Android|GNU|unknown)$/;

export const unameParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const line = splitLines(text).find((l) => !isBlank(l));
    if (line === undefined) {
      out.error('empty input');
      return out.rows();
    }
    const w = words(line);
    if (w.length < 3) throw new Error(`uname output has ${w.length} words, expected at least 3: ${line.slice(0, 200)}`);
    out.fact(ctx.source, SYSTEM_FACT.kernelName, w[0] ?? '');
    out.fact(ctx.source, SYSTEM_FACT.unameNodename, w[1] ?? '');
    out.fact(ctx.source, FACT.kernelRelease, w[2] ?? '');

    let end = w.length;
    let machineAt = -1;
    while (end > 3) {
      const word = w[end - 1] as string;
      if (MACHINE.test(word)) machineAt = end - 1;
      else if (!OPERATING_SYSTEM.test(word)) break;
      end--;
    }
    const versionEnd = machineAt >= 0 ? machineAt : w.length;
    if (machineAt >= 0) out.fact(ctx.source, FACT.arch, w[machineAt] ?? '');
    else out.error(`no machine architecture found in: ${line.slice(0, 200)}`, 1);
    out.fact(ctx.source, FACT.kernelVersion, w.slice(3, versionEnd).join(' '));
    return out.rows();
  },
};
