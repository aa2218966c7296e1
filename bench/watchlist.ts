/**
 * `npm run bench -- watchlist`: the watchlist panel in Chromium with 200 sim symbols at 60×
 * (--sim-symbols 200 --sim-speed 60). Frame intervals (requestAnimationFrame in the page) over the
 * same live chart with the panel hidden (the baseline) and shown (quotes for all 200 rows applied
 * again and again, then ↓ held to scroll the list), their ratio, long tasks, how often the rows were
 * updated, and the engine side: watchlists.quotes latency and size for all 200 symbols.
 */
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { findBrowser } from '../scripts/find-browser.mjs';
import { report, summarize } from './lib';
import { startBenchServe } from './serve-proc';

const SYMBOLS = 200;
const SPEED = 60;
const WINDOW_MS = 8_000;

// Page-side code as strings: this file is type-checked for Node, without the DOM.
const START = `(() => {
  window.__frames = [];
  window.__long = 0;
  window.__run = true;
  try { window.__obs = new PerformanceObserver((l) => { window.__long += l.getEntries().length; }); window.__obs.observe({ type: 'longtask', buffered: false }); } catch {}
  let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__run) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
const STOP = `(() => { window.__run = false; window.__obs?.disconnect(); return { frames: window.__frames.slice(1), long: window.__long }; })()`;
const SEQ = `Number(document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-seq') ?? 0)`;

async function measure(page: Page, during?: () => Promise<void>): Promise<{ frames: number[]; long: number }> {
  await page.evaluate(START);
  const t0 = Date.now();
  if (during) await during();
  const left = WINDOW_MS - (Date.now() - t0);
  if (left > 0) await page.waitForTimeout(left);
  return (await page.evaluate(STOP)) as { frames: number[]; long: number };
}

export async function watchlistBench(root: string): Promise<void> {
  const browserPath = findBrowser();
  if (browserPath.error) {
    report({ bench: 'watchlist', skipped: browserPath.error });
    return;
  }
  const s = await startBenchServe(root, ['--sim-symbols', String(SYMBOLS), '--sim-speed', String(SPEED), '--sim-history-days', '2']);
  const browser = await chromium.launch({ executablePath: browserPath.path ?? '', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    // Engine side: one batch call for every symbol of the source.
    const lat: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      const res = await fetch(`${s.url}/api/call/watchlists.quotes`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: '{"source":"sim"}' });
      const text = await res.text();
      lat.push(performance.now() - t);
      bytes = text.length;
    }
    const q = summarize(lat.slice(5));

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForFunction(`Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50`, null, { timeout: 120_000 });
    if (await page.locator('[data-testid="watchlist"]').count()) await page.keyboard.press('w');
    await page.locator('[data-testid="chart"]').click({ position: { x: 60, y: 60 } });

    const closed = await measure(page);
    await page.keyboard.press('w');
    await page.waitForFunction(`${SEQ} > 1`, null, { timeout: 60_000 });
    const seq0 = (await page.evaluate(SEQ)) as number;
    const open = await measure(page);
    const seq1 = (await page.evaluate(SEQ)) as number;
    const domRows = await page.locator('[data-testid="watch-row"]').count();
    const scrolling = await measure(page, async () => {
      for (let i = 0; i < 150; i++) await page.keyboard.press('ArrowDown');
      for (let i = 0; i < 150; i++) await page.keyboard.press('ArrowUp');
    });

    const c = summarize(closed.frames);
    const o = summarize(open.frames);
    const sc = summarize(scrolling.frames);
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    report({
      bench: 'watchlist',
      symbols: SYMBOLS,
      simSpeed: SPEED,
      quotesCallP50Ms: q.p50,
      quotesCallP99Ms: q.p99,
      quotesBytes: bytes,
      rowsInDom: domRows,
      quoteUpdatesPerSec: Math.round(((seq1 - seq0) / (WINDOW_MS / 1000)) * 10) / 10,
      baselineFrameP50Ms: c.p50,
      baselineFrameP99Ms: c.p99,
      baselineLongTasks: closed.long,
      openFrameP50Ms: o.p50,
      openFrameP99Ms: o.p99,
      openFrameMaxMs: o.max,
      openLongTasks: open.long,
      scrollFrameP50Ms: sc.p50,
      scrollFrameP99Ms: sc.p99,
      scrollLongTasks: scrolling.long,
      p50RatioOpenToBaseline: ratio(o.p50, c.p50),
      p99RatioOpenToBaseline: ratio(o.p99, c.p99),
      p99RatioScrollToBaseline: ratio(sc.p99, c.p99),
      chromium: path.basename(browserPath.path ?? ''),
    });
  } finally {
    await browser.close();
    await s.stop();
  }
}
