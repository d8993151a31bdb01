/**
 * Usage gauges of one node: conntrack table, PIDs, and the fill level of each real filesystem,
 * as horizontal bars with the 80% and 95% marks the rules use.
 */
import { formatCount, formatKib, formatPercent } from '../format.js';
import type { NodeData } from '../node-data.js';
import { clip, el, svgRoot, type SvgMarkup } from './svg.js';

export interface GaugeRow {
  label: string;
  ratio: number;
  detail: string;
  /** Shown in the tooltip only. */
  more?: string;
}

const LABEL_W = 150;
const BAR_W = 200;
const VALUE_W = 250;
const ROW_H = 28;
const MAX_FILESYSTEMS = 6;

export function levelOf(ratio: number): 'ok' | 'warn' | 'crit' {
  if (ratio >= 0.95) return 'crit';
  if (ratio >= 0.8) return 'warn';
  return 'ok';
}

export function gaugeRows(data: Pick<NodeData, 'conntrack' | 'pids' | 'filesystems'>): GaugeRow[] {
  const rows: GaugeRow[] = [];
  if (data.conntrack) {
    const { used, max } = data.conntrack;
    rows.push({ label: 'Conntrack table', ratio: used / max, detail: `${formatCount(used)} of ${formatCount(max)} entries` });
  }
  if (data.pids) {
    const { used, max, processes } = data.pids;
    rows.push({ label: 'PIDs (threads)', ratio: used / max, detail: `${formatCount(used)} of pid_max ${formatCount(max)}`, more: `${formatCount(processes)} processes` });
  }
  const disks = [...data.filesystems].sort((a, b) => b.percent - a.percent).slice(0, MAX_FILESYSTEMS);
  for (const fs of disks) {
    rows.push({ label: `Disk ${fs.mountpoint}`, ratio: fs.percent / 100, detail: `${formatKib(fs.used)} of ${formatKib(fs.max)}`, more: `${fs.device}${fs.fstype ? ` (${fs.fstype})` : ''}` });
  }
  return rows;
}

export function drawGauges(nodeName: string, rows: readonly GaugeRow[]): SvgMarkup | null {
  if (rows.length === 0) return null;
  const width = LABEL_W + BAR_W + VALUE_W;
  const height = rows.length * ROW_H + 4;
  const marks = [0.8, 0.95].map((m) => el('line', { x1: LABEL_W + BAR_W * m, x2: LABEL_W + BAR_W * m, y1: 2, y2: height - 2, class: 'g-mark' }));
  return svgRoot(
    width,
    height,
    `Resource use on ${nodeName}`,
    'pic gauges',
    rows.map((row, i) => {
      const y = i * ROW_H + 4;
      const ratio = Math.max(0, Math.min(1, row.ratio));
      return el(
        'g',
        { class: `g-row g-${levelOf(row.ratio)}` },
        el('title', {}, `${row.label}: ${formatPercent(row.ratio)}, ${row.detail}${row.more ? `, ${row.more}` : ''}`),
        el('text', { x: 0, y: y + 15, class: 'g-label' }, clip(row.label, 22)),
        el('rect', { x: LABEL_W, y: y + 2, width: BAR_W, height: 16, rx: 3, class: 'g-track' }),
        el('rect', { x: LABEL_W, y: y + 2, width: Math.max(ratio > 0 ? 2 : 0, BAR_W * ratio), height: 16, rx: 3, class: 'g-fill' }),
        el('text', { x: LABEL_W + BAR_W + 10, y: y + 15, class: 'g-value' }, el('tspan', { class: 'g-pct' }, formatPercent(row.ratio)), `  ${clip(row.detail, 34)}`),
      );
    }),
    marks,
  );
}
