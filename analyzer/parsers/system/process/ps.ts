/**
 * `ps -e -ww -o pid,ppid,stat,nlwp,etimes,lstart,user:32,cgroup,args` (the fallback drops
 * cgroup; the header tells which ran):
 *
 *     PID    PPID STAT NLWP ELAPSED                  STARTED USER        CGROUP                                        COMMAND
 *       1       0 Ss      1  350735 Sat Nov 21 23:49:01 2026 root        0::/init.scope                                /sbin/init
 *    2811    2790 Ssl    14  350701 Sat Nov 21 23:49:35 2026 root        0::/system.slice/kubelet.service              /usr/bin/kubelet --config=/var/lib/kubelet/config.yaml
 *   74841   74820 Zs      1    5120 Sun Nov 22 01:12:03 2026 1000        11:memory:/kubepods/burstable/pod.../<64 hex>,... [java] <defunct>
 *       2       0 S       1  350735 Sat Nov 21 23:49:01 2026 root        -                                             [kthreadd]
 *
 * STARTED (lstart) is five words of LOCAL time; with the node's UTC offset it becomes ISO UTC,
 * otherwise collectedAt minus ELAPSED stands in. The cgroup column holds no blanks, so every
 * column before COMMAND is one word (STARTED five) and COMMAND is the rest of the line.
 * Older procps prints `etime` as [[dd-]hh:]mm:ss under the same ELAPSED header; that is read too.
 */
import type { TextParser } from '../../types.js';
import { collectedAtMs, isoFromParts, monthIndex, offsetMinutes } from '../common/clock.js';
import { baseName, splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { idsOfCgroup } from './cgroup-ids.js';
import { addProcessComponent } from './components.js';

type Field = 'pid' | 'ppid' | 'stat' | 'nlwp' | 'elapsed' | 'started' | 'user' | 'cgroup' | 'args' | 'other';

const FIELD_OF_HEADER: Readonly<Record<string, Field>> = {
  PID: 'pid',
  PPID: 'ppid',
  STAT: 'stat',
  NLWP: 'nlwp',
  ELAPSED: 'elapsed',
  STARTED: 'started',
  USER: 'user',
  CGROUP: 'cgroup',
  COMMAND: 'args',
  CMD: 'args',
};

const WITH_CGROUP: Field[] = ['pid', 'ppid', 'stat', 'nlwp', 'elapsed', 'started', 'user', 'cgroup', 'args'];
const WITHOUT_CGROUP: Field[] = ['pid', 'ppid', 'stat', 'nlwp', 'elapsed', 'started', 'user', 'args'];

/** Words a field spans on a data line (lstart prints five). */
function widthOf(field: Field): number {
  return field === 'started' ? 5 : 1;
}

function headerLayout(line: string): Field[] | null {
  const names = line.trim().split(/\s+/);
  if (!names.includes('PID')) return null;
  return names.map((n) => FIELD_OF_HEADER[n] ?? 'other');
}

/** Without a header: the registry's layout, with or without cgroup by the shape of the word after USER. */
function guessLayout(line: string): Field[] {
  const w = line.trim().split(/\s+/);
  const afterUser = w[11] ?? '';
  return afterUser === '-' || /^\d+:[^/\s]*:\//.test(afterUser) ? WITH_CGROUP : WITHOUT_CGROUP;
}

/** Index of each field's value in the per-line values array. */
const SLOT: Readonly<Record<Field, number>> = { pid: 0, ppid: 1, stat: 2, nlwp: 3, elapsed: 4, started: 5, user: 6, cgroup: 7, args: 8, other: 9 };

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9;
}

function isBlankLine(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (!isBlankCode(line.charCodeAt(i))) return false;
  return true;
}

/**
 * Field values of one data line into `values` (indexed by SLOT), or the name of the first
 * missing field. Called once per process: no per-line allocation besides the value strings.
 */
function scan(line: string, layout: readonly Field[], values: (string | undefined)[]): Field | null {
  values.fill(undefined);
  let pos = 0;
  const n = line.length;
  for (let f = 0; f < layout.length; f++) {
    const field = layout[f] as Field;
    while (pos < n && isBlankCode(line.charCodeAt(pos))) pos++;
    if (field === 'args' && f === layout.length - 1) {
      // ps always prints a command (at least "[name]"): none means the line was cut off
      if (pos >= n) return 'args';
      values[SLOT[field]] = line.slice(pos).trimEnd();
      return null;
    }
    const start = pos;
    for (let k = 0; k < widthOf(field); k++) {
      while (pos < n && isBlankCode(line.charCodeAt(pos))) pos++;
      const wordStart = pos;
      while (pos < n && !isBlankCode(line.charCodeAt(pos))) pos++;
      if (pos === wordStart) return field;
    }
    values[SLOT[field]] = line.slice(start, pos);
  }
  return null;
}

const LSTART = /^[A-Z][a-z]{2} +([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;
const ETIME = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/;

function elapsedSeconds(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (/^\d+$/.test(text)) return Number(text);
  const m = ETIME.exec(text);
  if (!m) return null;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

function intOrNull(text: string | undefined): number | null {
  if (text === undefined || text.length === 0 || text.length > 15) return null;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}

/** Program name: argv0's base name; kernel threads and zombies print as "[name]". */
export function commOf(args: string): string {
  if (args.startsWith('[')) {
    const close = args.indexOf(']');
    if (close > 0) return args.slice(1, close);
  }
  const space = args.indexOf(' ');
  const argv0 = space < 0 ? args : args.slice(0, space);
  // process titles like "nginx: worker process"
  return baseName(argv0).replace(/:$/, '');
}

export const psParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const lines = splitLines(text);
    const offset = offsetMinutes(ctx.utcOffset);
    const collected = collectedAtMs(ctx.collectedAt);
    const startCache = new Map<string, string | null>();
    const values: (string | undefined)[] = new Array<string | undefined>(10);
    let layout: Field[] | null = null;

    const startTime = (started: string | undefined, elapsed: number | null): string | null => {
      if (started !== undefined && offset !== null) {
        let iso = startCache.get(started);
        if (iso === undefined) {
          const m = LSTART.exec(started);
          const month = m ? monthIndex(m[1] as string) : undefined;
          iso = m && month !== undefined ? isoFromParts(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), '', offset) : null;
          startCache.set(started, iso);
        }
        if (iso !== null) return iso;
      }
      if (collected !== null && elapsed !== null) return new Date(collected - elapsed * 1000).toISOString();
      return null;
    };

    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (isBlankLine(line)) continue;
      if (layout === null) {
        layout = headerLayout(line);
        if (layout !== null) {
          if (!layout.includes('pid')) throw new Error(`ps header without PID: ${line.slice(0, 200)}`);
          continue;
        }
        layout = guessLayout(line);
      }
      const missing = scan(line, layout, values);
      const pid = intOrNull(values[SLOT.pid]);
      if (missing !== null || pid === null) {
        out.error(missing !== null ? `ps line ends before its ${missing} column: ${line.slice(0, 200)}` : `ps line without a numeric PID: ${line.slice(0, 200)}`, i + 1);
        continue;
      }
      const stat = values[SLOT.stat] ?? null;
      const elapsed = elapsedSeconds(values[SLOT.elapsed]);
      const cgroupText = values[SLOT.cgroup];
      const cgroup = cgroupText === undefined || cgroupText === '-' ? null : cgroupText;
      const ids = cgroup === null ? null : idsOfCgroup(cgroup);
      const args = values[SLOT.args] ?? '';
      const comm = commOf(args);
      out.add('processes', {
        pid,
        ppid: intOrNull(values[SLOT.ppid]),
        state: stat === null ? null : stat.charAt(0),
        stat,
        threads: intOrNull(values[SLOT.nlwp]),
        elapsed_seconds: elapsed,
        start_time: startTime(values[SLOT.started], elapsed),
        user: values[SLOT.user] ?? null,
        cgroup,
        container_id: ids?.containerId ?? null,
        pod_uid: ids?.podUid ?? null,
        comm,
        args,
      });
      addProcessComponent(out, pid, comm, args);
    }
    if (layout === null) {
      out.error('empty input');
      return out.rows();
    }
    if (out.count('processes') === 0 && out.count('parse_errors') > 0) throw new Error('no readable ps line');
    return out.rows();
  },
};
