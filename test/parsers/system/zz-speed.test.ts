import { it } from 'vitest';
import { PARSERS } from '../../../analyzer/parsers/system/index.js';
import type { TextParser } from '../../../analyzer/parsers/types.js';
import { context, fixture } from './helpers.js';

function time(label: string, source: string, text: string, overrides = {}) {
  const parser = PARSERS[source] as TextParser;
  parser.parse(text, context(source, overrides)); // warm
  const runs = 5;
  const t0 = performance.now();
  let rows = 0;
  for (let i = 0; i < runs; i++) rows = Object.values(parser.parse(text, context(source, overrides))).reduce((n, l) => n + l.length, 0);
  const ms = (performance.now() - t0) / runs;
  console.log(`${label}: ${(text.length / 1e6).toFixed(1)} MB, ${rows} rows, ${ms.toFixed(1)} ms (${((text.length / 1e6) / (ms / 1000)).toFixed(0)} MB/s)`);
}

it('speed', () => {
  const base = fixture('process/ps-centos7-procps3.3.10-cgroupv1.txt').split('\n');
  const header = base[0];
  const body = base.slice(1).filter(Boolean);
  const ps: string[] = [header as string];
  for (let i = 0; i < 20000; i++) ps.push((body[i % body.length] as string).replace(/^\s*\d+/, String(100000 + i).padStart(6)));
  time('ps 20k cgroup v1', 'ps', ps.join('\n') + '\n');
  const v2 = fixture('process/ps-ubuntu2204-cgroupv2-systemd.txt').split('\n');
  const ps2: string[] = [v2[0] as string];
  const b2 = v2.slice(1).filter(Boolean);
  for (let i = 0; i < 20000; i++) ps2.push((b2[i % b2.length] as string).replace(/^\s*\d+/, String(100000 + i).padStart(7)));
  time('ps 20k cgroup v2', 'ps', ps2.join('\n') + '\n');

  const kubelet = fixture('logs/log-kubelet-journal.txt').split('\n').filter((l) => l.startsWith('2026'));
  const journal = Array.from({ length: 5000 }, (_, i) => kubelet[i % kubelet.length]).join('\n');
  time('journal 5000 lines', 'log-kubelet', journal);
  const containerSections = fixture('logs/log-containers.txt').split('\n').filter((l) => l.startsWith('2026'));
  const parts: string[] = [];
  for (let c = 0; c < 50; c++) {
    parts.push(`==> k8s_c${c}_pod_ns_uid_0 <==`);
    for (let i = 0; i < 2000; i++) parts.push(containerSections[(i + c) % containerSections.length] as string);
  }
  time('containers 50x2000 lines', 'log-containers', parts.join('\n'));
  const dmesg = fixture('logs/kernel-log-dmesg-iso.txt').split('\n').filter(Boolean);
  const big: string[] = [];
  while (big.join('\n').length < 0) break;
  for (let i = 0; i < 80000; i++) big.push(dmesg[i % dmesg.length] as string);
  time('dmesg iso 80k lines (20k kept)', 'kernel-log', big.join('\n'));
  const files = fixture('logs/log-kubernetes-files.txt');
  time('kubernetes files x200', 'log-kubernetes-files', Array.from({ length: 200 }, () => files).join(''));
  time('sysctl debian12', 'sysctl', fixture('kernel/sysctl-debian12.txt'));
});
