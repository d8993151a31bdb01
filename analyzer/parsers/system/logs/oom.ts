/**
 * OOM kills in the kernel log, one oom_kills row per killed process. Kernels say it in several
 * ways; the "Killed process" line is common to all and is the event, the lines before it give
 * the cgroup:
 *
 *   java invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=999
 *   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=0f3b...,mems_allowed=0,oom_memcg=/kubepods/burstable/pod6f1c.../0f3b...,task_memcg=/kubepods/burstable/pod6f1c.../0f3b...,task=java,pid=24507,uid=0
 *   Memory cgroup out of memory: Killed process 24507 (java) total-vm:5432100kB, anon-rss:2097152kB, file-rss:20480kB, shmem-rss:0kB, UID:0 pgtables:4560kB oom_score_adj:999
 *
 *   (3.10, CentOS 7)
 *   Task in /kubepods/burstable/pod6f1c.../0f3b... killed as a result of limit of /kubepods/burstable/pod6f1c...
 *   Memory cgroup out of memory: Kill process 24507 (java) score 1000 or sacrifice child
 *   Killed process 24507 (java) total-vm:5432100kB, anon-rss:2097152kB, file-rss:20480kB, shmem-rss:0kB
 */
import type { Row } from '../../types.js';
import type { RowSink } from '../common/rows.js';
import { idsOfCgroup } from '../process/cgroup-ids.js';

const OOM_KILL = /^oom-kill:(.*)$/;
const TASK_IN = /^Task in (\S+) killed as a result of limit of (\S+)/;
const KILL_ANNOUNCE = /^(Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?): Kill process /;
const KILLED = /^(?:(Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?): )?Killed process (\d+) \(([^)]*)\)(.*)$/;
const ANON_RSS = /anon-rss:(\d+)kB/;

interface Pending {
  constraint: string | null;
  memcg: string | null;
}

export class OomTracker {
  private pending: Pending = { constraint: null, memcg: null };

  constructor(private readonly out: RowSink) {}

  /** Feeds one kernel message (prefix removed). */
  see(text: string, row: Row): void {
    if (text.charCodeAt(0) === 111 /* o */) {
      const m = OOM_KILL.exec(text);
      if (m) {
        const fields = new Map<string, string>();
        for (const part of (m[1] as string).split(',')) {
          const eq = part.indexOf('=');
          if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
        }
        const constraint = fields.get('constraint');
        this.pending = {
          constraint: constraint === 'CONSTRAINT_MEMCG' ? 'memcg' : constraint === 'CONSTRAINT_NONE' ? 'global' : (constraint?.replace(/^CONSTRAINT_/, '').toLowerCase() ?? null),
          memcg: fields.get('task_memcg') ?? fields.get('oom_memcg') ?? null,
        };
        return;
      }
    }
    const task = TASK_IN.exec(text);
    if (task) {
      this.pending = { constraint: 'memcg', memcg: task[1] as string };
      return;
    }
    const announce = KILL_ANNOUNCE.exec(text);
    if (announce) {
      this.pending.constraint ??= announce[1] === 'Memory cgroup out of memory' ? 'memcg' : 'global';
      return;
    }
    const killed = KILLED.exec(text);
    if (!killed) return;
    const kind = killed[1];
    const constraint = kind === undefined ? this.pending.constraint : kind === 'Memory cgroup out of memory' ? 'memcg' : (this.pending.constraint ?? 'global');
    const memcg = this.pending.memcg;
    const ids = memcg === null ? null : idsOfCgroup(memcg);
    const rss = ANON_RSS.exec(killed[4] as string);
    this.out.add('oom_kills', {
      line_no: row.line_no ?? null,
      timestamp: row.timestamp ?? null,
      since_boot_seconds: row.since_boot_seconds ?? null,
      pid: Number(killed[2]),
      process: killed[3] as string,
      scope: constraint,
      memcg,
      container_id: ids?.containerId ?? null,
      pod_uid: ids?.podUid ?? null,
      anon_rss_kb: rss ? Number(rss[1]) : null,
    });
    this.pending = { constraint: null, memcg: null };
  }
}
