import { chromium } from 'playwright-core';
import { it } from 'vitest';
it('measure variants', async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  for (const f of ['big', 'big-nomatrix', 'big-nonodes', 'big-nofindings', 'big-empty', 'big', 'big-nomatrix', 'big-nonodes', 'big-nofindings', 'big-empty']) {
    const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
    const s = performance.now();
    await p.goto(`file:///tmp/${f}.html`, { waitUntil: 'load' });
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    console.log('open', f, (performance.now() - s).toFixed(0));
    await p.close();
  }
  await b.close();
}, 120000);
