import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { it } from 'vitest';
import { renderReport } from '../../analyzer/report/render-html.js';
import { buildReportView } from '../../analyzer/report/view-model.js';
import { bigBatch } from './support.js';

it('measure', async () => {
  const big = bigBatch(200, 48, 25);
  let t = performance.now();
  const view = buildReportView({ document: big.document, rules: big.rules, db: big.db });
  const v = performance.now() - t;
  t = performance.now();
  const html = renderReport(view);
  console.log('view', v.toFixed(0), 'render', (performance.now() - t).toFixed(0), 'MB', (html.length / 1e6).toFixed(1));
  writeFileSync('/tmp/big.html', html);
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  for (let i = 0; i < 3; i++) {
    const ctx = await b.newContext({ viewport: { width: 1400, height: 1000 }, javaScriptEnabled: i !== 1 }); const p = await ctx.newPage();
    const s = performance.now();
    await p.goto('file:///tmp/big.html', { waitUntil: 'load' });
    
    const open = performance.now() - s;
    const nav = i === 1 ? {} : await p.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { dcl: n.domContentLoadedEventEnd | 0, load: n.loadEventEnd | 0 };
    });
    console.log('open', i, open.toFixed(0), JSON.stringify(nav));
    await p.close();
  }
  await b.close();
}, 120000);
