/**
 * Log members as runs of lines by origin, each bounded to its last lines: for diagnosis the
 * tail matters, and a member of a chatty component must not flood the database.
 *
 *   ==> /var/log/kubernetes/kube-proxy.WARNING <==       (tail's header, also echoed by the
 *   ==> k8s_kube-proxy_kube-proxy-x7k2p_kube-system_... <==   collector's container loop)
 */
import type { RowSink } from '../common/rows.js';

/** Lines kept per origin (the last ones). */
export const MAX_LINES_PER_ORIGIN = 20_000;

export interface Section {
  origin: string;
  /** Index of the first line (after the header, if any) and one past the last. */
  first: number;
  end: number;
}

const TAIL_HEADER = /^==> (.*) <==$/;

/** Sections of a member of concatenated `==> name <==` parts; lines before the first header have origin ''. */
export function tailSections(lines: readonly string[]): Section[] {
  const sections: Section[] = [];
  let current: Section = { origin: '', first: 0, end: 0 };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.charCodeAt(0) === 61 /* = */) {
      const m = TAIL_HEADER.exec(line);
      if (m) {
        current.end = i;
        if (current.end > current.first || current.origin !== '') sections.push(current);
        current = { origin: m[1] as string, first: i + 1, end: i + 1 };
        continue;
      }
    }
  }
  current.end = lines.length;
  if (current.end > current.first || current.origin !== '') sections.push(current);
  return sections;
}

/** The section cut to its last `max` lines; the cut is reported in parse_errors. */
export function boundSection(section: Section, max: number, out: RowSink): Section {
  const length = section.end - section.first;
  if (length <= max) return section;
  const first = section.end - max;
  const what = section.origin === '' ? 'this member' : section.origin;
  out.error(`kept the last ${max} of ${length} lines of ${what}; ${first - section.first} earlier lines dropped`, section.first + 1);
  return { ...section, first };
}
