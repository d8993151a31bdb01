import { chromium } from 'playwright-core';
const [,, file, prefix, width = '1400', ...selectors] = process.argv;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run','--disable-quic'] });
const p = await b.newPage({ viewport: { width: Number(width), height: 1100 } });
p.on('console', m => console.log('console', m.type(), m.text()));
p.on('pageerror', e => console.log('pageerror', e.message));
p.on('request', r => { if (!r.url().startsWith('file:')) console.log('REQUEST', r.url()); });
await p.goto('file://' + file);
let i = 0;
for (const sel of selectors) {
  const [s, dy] = sel.split('@');
  await p.evaluate(([s, dy]) => { const el = document.querySelector(s); el.scrollIntoView(); window.scrollBy(0, Number(dy || 0)); }, [s, dy]);
  await p.screenshot({ path: `${prefix}-${i++}.png` });
}
console.log('height', await p.evaluate(() => document.body.scrollHeight));
await b.close();
