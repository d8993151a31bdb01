/**
 * Draws one service's iptables path left to right: the KUBE-SERVICES (or KUBE-NODEPORTS) rules
 * that match it -> its KUBE-SVC chain -> each KUBE-SEP endpoint chain, the edge labelled with the
 * share of new connections it gets (from the cascaded -m statistic probabilities) and its
 * packet counter -> the DNAT target. An endpoint that never saw a packet while others did, or a
 * service without endpoints, stands out.
 */
import { formatCount } from '../format.js';
import type { ServiceChainModel } from './service-chains.js';
import { clip, el, fragment, svgRoot, type SvgMarkup } from './svg.js';

const COL_X = [0, 350, 710, 990] as const;
const BOX_W = [230, 220, 230, 190] as const;
const BOX_H = 44;
const ROW_GAP = 58;
const PAD = 8;

function packets(n: number | null): string {
  return n === null ? 'no counters' : `${formatCount(n)} pkts`;
}

function box(col: 0 | 1 | 2 | 3, y: number, line1: string, line2: string, cls: string, tooltip: string): SvgMarkup {
  const x = COL_X[col];
  const w = BOX_W[col];
  const chars = Math.floor((w - 16) / 7);
  return el(
    'g',
    { class: `box ${cls}` },
    el('title', {}, tooltip),
    el('rect', { x, y, width: w, height: BOX_H, rx: 6 }),
    el('text', { x: x + 8, y: y + 18, class: 'b1' }, clip(line1, chars)),
    el('text', { x: x + 8, y: y + 35, class: 'b2' }, clip(line2, chars + 4)),
  );
}

/** An arrow from one column to the next; the label sits above its start or its end. */
function edge(fromCol: 0 | 1 | 2, y1: number, y2: number, label: string, cls: string, labelAt: 'start' | 'end' = 'end'): SvgMarkup {
  const x1 = COL_X[fromCol] + BOX_W[fromCol];
  const x2 = COL_X[(fromCol + 1) as 1 | 2 | 3] - 6;
  const a = y1 + BOX_H / 2;
  const b = y2 + BOX_H / 2;
  const mid = (x1 + x2) / 2;
  return el(
    'g',
    { class: `edge ${cls}` },
    el('path', { d: `M${x1},${a} C${mid},${a} ${mid},${b} ${x2},${b}`, fill: 'none' }),
    el('path', { d: `M${x2},${b - 4} L${x2 + 6},${b} L${x2},${b + 4} Z`, class: 'arrow' }),
    label
      ? labelAt === 'end'
        ? el('text', { x: x2 - 4, y: b - 5, 'text-anchor': 'end', class: 'edge-label' }, label)
        : el('text', { x: x1 + 4, y: a - 5, 'text-anchor': 'start', class: 'edge-label' }, label)
      : null,
  );
}

function percent(share: number): string {
  const pct = share * 100;
  return `${pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)}%`;
}

export function drawServiceChain(model: ServiceChainModel, nodeName: string): SvgMarkup {
  const rows = Math.max(model.entries.length, model.endpoints.length, 1);
  const height = rows * ROW_GAP + PAD * 2 - (ROW_GAP - BOX_H);
  const width = COL_X[3] + BOX_W[3] + 4;
  const rowY = (i: number, count: number) => PAD + ((rows - count) * ROW_GAP) / 2 + i * ROW_GAP;
  const svcY = rowY(0, 1);
  const totalIn = model.entries.some((e) => e.packets !== null) ? model.entries.reduce((s, e) => s + (e.packets ?? 0), 0) : null;
  const anyEndpointTraffic = model.endpoints.some((e) => (e.packets ?? 0) > 0);

  const parts: SvgMarkup[] = [];
  if (model.entries.length === 0) {
    // nothing jumps to the chain: kube-proxy no longer uses it (a leftover) or the dump is partial
    parts.push(box(0, svcY, 'no rule jumps here', 'unreachable from KUBE-SERVICES', 'entry dead', `No KUBE-SERVICES/KUBE-NODEPORTS rule jumps to ${model.chain}`));
    parts.push(edge(0, svcY, svcY, '', 'dead'));
  }
  model.entries.forEach((entry, i) => {
    const y = rowY(i, model.entries.length);
    parts.push(box(0, y, entry.chain, entry.match, 'entry', `${entry.spec}\n${packets(entry.packets)}`));
    // several entries converge on the service box: label each at its own start
    parts.push(edge(0, y, svcY, packets(entry.packets), '', 'start'));
  });
  parts.push(box(1, svcY, model.service, model.chain, 'svc', `${model.chain}: ${model.service}${totalIn === null ? '' : `\n${packets(totalIn)} in`}`));

  if (model.endpoints.length === 0) {
    parts.push(box(2, svcY, 'no endpoints', 'no KUBE-SEP chain: new connections fail', 'sep dead', `${model.service} has no endpoint chain in the nat table`));
    parts.push(edge(1, svcY, svcY, '', 'dead'));
  }
  model.endpoints.forEach((ep, i) => {
    const y = rowY(i, model.endpoints.length);
    // an endpoint with no packet while its siblings have traffic is the odd one out
    const idle = anyEndpointTraffic && (ep.packets ?? 0) === 0 ? ' idle' : '';
    const p = ep.probability === null ? 'rest' : `p=${ep.probability.toFixed(ep.probability < 0.001 ? 6 : 4).replace(/0+$/, '').replace(/\.$/, '')}`;
    parts.push(edge(1, svcY, y, `${percent(ep.share)} · ${packets(ep.packets)}`, idle.trim()));
    parts.push(box(2, y, ep.chain, `${p} → ${percent(ep.share)} of new connections`, `sep${idle}`, `${ep.spec}\n${packets(ep.packets)}`));
    if (ep.dnat !== null) {
      parts.push(edge(2, y, y, '', idle.trim()));
      parts.push(box(3, y, `DNAT → ${ep.dnat}`, packets(ep.dnatPackets), `dnat${idle}`, `DNAT --to-destination ${ep.dnat}\n${packets(ep.dnatPackets)}`));
    } else {
      parts.push(box(3, y, 'no DNAT rule', 'the endpoint chain does not translate', 'dnat dead', `${ep.chain} has no DNAT rule`));
    }
  });
  const more = model.moreEndpoints
    ? el('text', { x: COL_X[2], y: height - 2, class: 'more' }, `… and ${model.moreEndpoints} more endpoints`)
    : null;
  return svgRoot(width, height + (more ? 14 : 0), `iptables path of ${model.service} on ${nodeName}`, 'pic chain', fragment(...parts), more);
}
