/**
 * Certificate expiry across nodes: one row per node, one dot per certificate at the time it
 * expires, measured from that node's collection time. The axis is piecewise linear (expired |
 * 30 days | 90 days | 1 year | 10 years) so the weeks that matter are not squeezed next to a CA
 * that lives ten years.
 */
import { formatDaysLeft } from '../format.js';
import type { CertView } from '../view-types.js';
import { clip, el, svgRoot, type SvgMarkup } from './svg.js';

export interface TimelineRow {
  node: string;
  certs: readonly CertView[];
}

interface Zone {
  from: number;
  to: number;
  width: number;
  cls: string;
  label: string;
}

const ZONES: readonly Zone[] = [
  { from: -365, to: 0, width: 110, cls: 'z-expired', label: 'expired' },
  { from: 0, to: 30, width: 160, cls: 'z-soon', label: '< 30 days' },
  { from: 30, to: 90, width: 150, cls: 'z-later', label: '30–90 days' },
  { from: 90, to: 365, width: 150, cls: 'z-ok', label: '90 days – 1 year' },
  { from: 365, to: 3650, width: 170, cls: 'z-ok', label: '1–10 years' },
];
const TICKS: readonly [number, string][] = [
  [0, 'now'],
  [30, '30 d'],
  [90, '90 d'],
  [365, '1 y'],
  [3650, '10 y'],
];

const LABEL_W = 170;
const ROW_H = 22;
const TOP = 40;
export const MAX_TIMELINE_ROWS = 40;

/** x offset (from the start of the axis) of a number of days left. */
export function dayX(days: number): number {
  const first = ZONES[0] as Zone;
  const last = ZONES[ZONES.length - 1] as Zone;
  const d = Math.max(first.from, Math.min(last.to, days));
  let x = 0;
  for (const zone of ZONES) {
    if (d <= zone.to) return x + ((d - zone.from) / (zone.to - zone.from)) * zone.width;
    x += zone.width;
  }
  return x;
}

const AXIS_W = ZONES.reduce((s, z) => s + z.width, 0);

function certLabel(node: string, c: CertView): string {
  const what = [c.subject ? `CN=${c.subject}` : '', c.path, c.field].filter(Boolean).join(' · ');
  return `${node}: ${what} — not after ${c.notAfter} (${c.daysLeft === null ? 'unknown' : formatDaysLeft(c.daysLeft)})`;
}

/** Rows are drawn in the order given (the caller puts the most urgent first). */
export function drawCertTimeline(rows: readonly TimelineRow[]): SvgMarkup | null {
  const shown = rows.filter((r) => r.certs.some((c) => c.daysLeft !== null)).slice(0, MAX_TIMELINE_ROWS);
  if (shown.length === 0) return null;
  const width = LABEL_W + AXIS_W + 20;
  const height = TOP + shown.length * ROW_H + 10;
  let x = LABEL_W;
  const zones = ZONES.map((z) => {
    const rect = el('rect', { x, y: TOP - 6, width: z.width, height: shown.length * ROW_H + 8, class: `zone ${z.cls}` });
    const label = el('text', { x: x + z.width / 2, y: 12, class: 'zone-label', 'text-anchor': 'middle' }, z.label);
    x += z.width;
    return [rect, label];
  });
  const ticks = TICKS.map(([d, label]) =>
    el(
      'g',
      { class: 'tick' },
      el('line', { x1: LABEL_W + dayX(d), x2: LABEL_W + dayX(d), y1: TOP - 14, y2: TOP + shown.length * ROW_H + 2 }),
      el('text', { x: LABEL_W + dayX(d), y: TOP - 17, 'text-anchor': 'middle' }, label),
    ),
  );
  const body = shown.map((row, i) => {
    const y = TOP + i * ROW_H + ROW_H / 2;
    return el(
      'g',
      { class: 'tl-row' },
      el('line', { x1: LABEL_W, x2: LABEL_W + AXIS_W, y1: y, y2: y, class: 'tl-guide' }),
      el('text', { x: LABEL_W - 8, y: y + 4, 'text-anchor': 'end', class: 'tl-node' }, clip(row.node, 24)),
      row.certs
        .filter((c) => c.daysLeft !== null)
        .map((c) => el('circle', { cx: LABEL_W + dayX(c.daysLeft as number), cy: y, r: 5.5, class: `dot c-${c.state}` }, el('title', {}, certLabel(row.node, c)))),
    );
  });
  return svgRoot(width, height, 'Certificate expiry by node', 'pic timeline', zones, ticks, body);
}
