/**
 * kernel/pid-exhaustion-risk: tasks (processes and threads, each needs a PID) close to
 * kernel.pid_max or kernel.threads-max.
 *
 * Task count, best source first: /proc/loadavg's total (exact, kernel's nr_threads), the sum
 * of NLWP over ps, then /proc/vmstat nr_kernel_stack (one kernel stack per task): it counts
 * stacks before Linux 4.9 and KiB of stack from 4.9 on (16 KiB per task on x86_64/arm64).
 */
import type { Database } from 'better-sqlite3';
import { kernelAtLeast, kernelVersions } from '../../analyzer/rules/lib/kernel-version.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'kernel/pid-exhaustion-risk',
  title: 'Processes and threads are close to the PID or thread limit',
  severity: 'high',
  category: 'kernel',
  description:
    'Every process and every thread takes a PID from kernel.pid_max and counts against kernel.threads-max. When either runs out, ' +
    'fork() and clone() fail with EAGAIN: containers fail to start ("failed to create shim task ... resource temporarily unavailable"), ' +
    'the kubelet, sshd and the runtime cannot spawn helpers, and the node looks hung although CPU and memory are fine. ' +
    'A thread leak in one pod (a Java or Go program creating threads per request) is the usual cause. The rule fires at 80% of either limit.',
  remediation:
    'Find the processes with the most threads and fix or restart them:\n' +
    '  ps -eo nlwp,pid,comm --sort=-nlwp | head\n' +
    'Cap each pod\'s PIDs so one leak cannot exhaust the node (kubelet config podPidsLimit: 4096, or --pod-max-pids), ' +
    'and raise the node limits if the load is legitimate:\n' +
    '  sysctl -w kernel.pid_max=4194304 kernel.threads-max=4194304\n' +
    "  printf 'kernel.pid_max = 4194304\\nkernel.threads-max = 4194304\\n' > /etc/sysctl.d/90-pids.conf",
  references: [
    'https://kubernetes.io/docs/concepts/policy/pid-limiting/',
    'https://www.kernel.org/doc/Documentation/sysctl/kernel.txt',
  ],
  sources: ['sysctl', 'proc-loadavg|ps|proc-vmstat'],
  parameters: {
    threshold: { default: 0.8, description: 'fraction of kernel.pid_max or kernel.threads-max in use that fires the rule' },
  },
} satisfies Omit<RuleMeta, 'file'>;

interface TaskCount {
  tasks: number;
  how: string;
}

/** Kernel stack bytes per task from Linux 4.9 on (THREAD_SIZE on 64-bit x86 and arm64). */
const STACK_KIB_PER_TASK = 16;

function taskCounts(db: Database, nodeIds: readonly number[]): Map<number, TaskCount> {
  const out = new Map<number, TaskCount>();
  const loadavg = db.prepare('SELECT node_id, MAX(total_tasks) AS n FROM loadavg WHERE total_tasks IS NOT NULL GROUP BY node_id').all() as { node_id: number; n: number }[];
  for (const r of loadavg) out.set(r.node_id, { tasks: r.n, how: `/proc/loadavg: ${r.n} scheduling entities (processes and threads)` });
  const ps = db.prepare('SELECT node_id, SUM(COALESCE(threads, 1)) AS n, COUNT(*) AS procs FROM processes GROUP BY node_id').all() as { node_id: number; n: number; procs: number }[];
  for (const r of ps) if (!out.has(r.node_id)) out.set(r.node_id, { tasks: r.n, how: `ps: ${r.procs} processes with ${r.n} threads in all` });
  const versions = kernelVersions(db, nodeIds);
  const stacks = db.prepare(`SELECT node_id, value FROM vmstat WHERE key = 'nr_kernel_stack'`).all() as { node_id: number; value: number }[];
  for (const r of stacks) {
    if (out.has(r.node_id)) continue;
    const v = versions.get(r.node_id);
    if (!v) continue; // the unit of nr_kernel_stack depends on the kernel version
    const inKib = kernelAtLeast(v, 4, 9);
    const tasks = inKib ? Math.round(r.value / STACK_KIB_PER_TASK) : r.value;
    out.set(r.node_id, {
      tasks,
      how: `/proc/vmstat: nr_kernel_stack ${r.value}${inKib ? ` KiB / ${STACK_KIB_PER_TASK} KiB per task (kernel ${v.release})` : ` stacks (kernel ${v.release})`} ≈ ${tasks} tasks`,
    });
  }
  return out;
}

/** The processes with the most threads, with their container or pod, as evidence of who holds the PIDs. */
function topThreadHolders(db: Database, nodeId: number): string[] {
  const rows = db
    .prepare(
      `SELECT p.pid, p.comm, p.threads,
              (SELECT COALESCE('pod ' || c.pod_namespace || '/' || c.pod_name, 'container ' || c.name) FROM containers c
                WHERE c.node_id = p.node_id AND c.id = p.container_id LIMIT 1) AS owner
         FROM processes p WHERE p.node_id = ? AND p.threads > 1 ORDER BY p.threads DESC LIMIT 5`,
    )
    .all(nodeId) as { pid: number; comm: string; threads: number; owner: string | null }[];
  return rows.map((r) => `ps: pid ${r.pid} ${r.comm}: ${r.threads} threads${r.owner ? ` (${r.owner})` : ''}`);
}

export function run(ctx: RuleContext): RuleFinding[] {
  const threshold = Number(ctx.params.threshold);
  const counts = taskCounts(ctx.db, ctx.nodeIds);
  const limits = ctx.db
    .prepare(`SELECT node_id, key, value, int_value FROM sysctls WHERE key IN ('kernel.pid_max', 'kernel.threads-max') AND int_value > 0`)
    .all() as { node_id: number; key: string; value: string; int_value: number }[];
  const findings: RuleFinding[] = [];
  for (const limit of limits) {
    const count = counts.get(limit.node_id);
    if (!count || count.tasks < threshold * limit.int_value) continue;
    const percent = Math.floor((100 * count.tasks) / limit.int_value);
    findings.push({
      node_id: limit.node_id,
      resource: limit.key,
      message: `${count.tasks} tasks (processes and threads) use ${percent}% of ${limit.key} ${limit.int_value}: new processes and threads will fail with EAGAIN`,
      evidence: [`${limit.key} = ${limit.value}`, count.how, ...topThreadHolders(ctx.db, limit.node_id)].join('\n'),
    });
  }
  return findings;
}
