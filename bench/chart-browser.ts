/**
 * `npm run bench -- chart`: the chart in Chromium with 100,000 1m bars stored. Reports the first
 * load (page open → candles drawn), loading every stored bar by scrolling back (Home: page after
 * page of 5,000 through market.candles `before`), and frame times while panning and zooming with
 * all of them on the chart (requestAnimationFrame intervals in the page).
 */
import path from 'node:path';
import { chromium } from 'playwright-core';
import { findBrowser } from '../scripts/find-browser.mjs';
import { report, summarize } from './lib';
import { startBenchServe } from './serve-proc';

const BARS = 100_000;

export async function chartBrowserBench(root: string): Promise<void> {
  const browserPath = findBrowser();
  if (browserPath.error) {
    report({ bench: 'chart-browser', skipped: browserPath.error });
    return;
  }
  const days = Math.ceil(BARS / 1440) + 1;
  const t0 = Date.now();
  const s = await startBenchServe(root, ['--sim-symbols', '1', '--sim-history-days', String(days)]);
  const serveReadyMs = Date.now() - t0;
  const browser = await chromium.launch({ executablePath: browserPath.path ?? '', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    // The page's CSP forbids eval; the probes below are strings (this file is type-checked without the DOM).
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    const bars = () => page.locator('[data-testid="chart"]').getAttribute('data-bars').then(Number);
    const t1 = Date.now();
    await page.goto(`${s.url}/?token=${s.token}`);
    // Page-side code as strings: this file is type-checked for Node, without the DOM.
    await page.waitForFunction(`Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 0`, null, { timeout: 60_000 });
    const firstLoadMs = Date.now() - t1;

    // Home: every stored bar, page by page.
    const t2 = Date.now();
    await page.locator('[data-testid="chart"]').click({ position: { x: 50, y: 50 } });
    await page.keyboard.press('Home');
    const done = await page
      .waitForFunction(`document.querySelector('[data-testid="chart"]')?.getAttribute('data-complete') === 'yes'`, null, { timeout: 300_000 })
      .then(() => true)
      .catch(() => false);
    const loadAllMs = Date.now() - t2;
    const loaded = await bars().catch(() => -1);
    if (!done) {
      // A machine too busy (or a page that stalls) is reported, not hidden.
      report({ bench: 'chart-browser', storedBars: BARS, serveReadyMs, firstLoadMs, completed: false, barsOnChartAfterMs: loaded, loadAllMs });
      return;
    }

    // Frame intervals while dragging across the chart and zooming, with every bar loaded.
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__run = true;
      let last = performance.now();
      const tick = (t) => {
        window.__frames.push(t - last);
        last = t;
        if (window.__run) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    const y = box.y + box.height / 2;
    const t3 = Date.now();
    for (let i = 0; i < 20; i++) {
      await page.mouse.move(box.x + box.width - 100, y);
      await page.mouse.down();
      await page.mouse.move(box.x + 100, y, { steps: 20 });
      await page.mouse.up();
      await page.mouse.wheel(0, i % 2 ? -300 : 300);
    }
    const scrollMs = Date.now() - t3;
    const frames = (await page.evaluate(`(() => { window.__run = false; return window.__frames.slice(1); })()`)) as number[];
    const f = summarize(frames);
    report({
      bench: 'chart-browser',
      storedBars: BARS,
      barsOnChart: loaded,
      serveReadyMs,
      firstLoadMs,
      loadAllMs,
      scrollMs,
      frames: f.n,
      frameP50Ms: f.p50,
      frameP99Ms: f.p99,
      frameMaxMs: f.max,
      over50ms: frames.filter((x) => x > 50).length,
      chromium: path.basename(browserPath.path ?? ''),
    });
  } finally {
    await browser.close();
    await s.stop();
  }
}
