/** End-to-end: the real serve host, the real built renderer, in Debian's Chromium. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

let s: Served;
let browser: Browser;
let page: Page;
/** Uncaught errors in the page, for the whole file: the UI must not throw while used. */
const pageErrors: string[] = [];

beforeAll(async () => {
  s = await startServe(['--sim-speed', '60', '--tick-ms', '250']);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? String(e)));
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** Counts canvas pixels that differ from the chart background, across every chart canvas. */
async function drawnPixels(p: Page): Promise<number> {
  return p.evaluate(() => {
    let n = 0;
    for (const c of Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid="chart"] canvas'))) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 16) {
        const [r, g, b, a] = [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!];
        if (a > 0 && Math.abs(r - 14) + Math.abs(g - 17) + Math.abs(b - 22) > 40) n++;
      }
    }
    return n;
  });
}

describe('renderer in Chromium over serve mode', () => {
  it('shows a live candlestick chart, labelled SIMULATED, that updates without reloading', async () => {
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForSelector('[data-testid="chart"] canvas', { timeout: 20_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 20_000 });
    await expect.poll(() => page.locator('[data-testid="statusbar"]').textContent(), { timeout: 10_000 }).toContain('SIMULATED');
    await expect.poll(() => page.locator('[data-testid="connection"]').textContent(), { timeout: 10_000 }).toContain('connected');
    await expect.poll(() => drawnPixels(page), { timeout: 10_000 }).toBeGreaterThan(500);
    // The token is taken out of the address bar once read.
    expect(page.url()).not.toContain('token=');
    const chart = page.locator('[data-testid="chart"]');
    const firstTs = Number(await chart.getAttribute('data-last-ts'));
    const firstClose = await chart.getAttribute('data-last-close');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chart.png') });
    // At 60x a new 1m bar closes every second of real time.
    await expect
      .poll(async () => Number(await chart.getAttribute('data-last-ts')), { timeout: 15_000 })
      .toBeGreaterThan(firstTs);
    expect(await chart.getAttribute('data-last-close')).not.toBeNull();
    expect(firstClose).not.toBe('');
    const clock = await page.locator('[data-testid="engine-clock"]').textContent();
    expect(clock).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });

  it('switches symbol and timeframe: ETH/USDT in 15m bars, drawn', async () => {
    await page.selectOption('[data-testid="symbol-select"]', 'ETH/USDT');
    await page.click('[data-testid="tf-15m"]');
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="chart"]');
      const ts = Number(el?.getAttribute('data-last-ts'));
      return ts > 0 && ts % (15 * 60_000) === 0;
    }, null, { timeout: 15_000 });
    expect(await page.locator('[data-testid="last-price"]').textContent()).toContain('ETH/USDT');
    expect(await page.locator('[data-testid="symbol-select"]').inputValue()).toBe('ETH/USDT');
    expect(Number(await page.locator('[data-testid="chart"]').getAttribute('data-bars'))).toBeGreaterThan(0);
    await expect.poll(() => drawnPixels(page), { timeout: 10_000 }).toBeGreaterThan(500);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chart-eth-15m.png') });
  });

  it('has every view in the sidebar, each with content; leaving a chart with indicator panes throws nothing', async () => {
    // With indicator panes and markers on a live chart, leaving it disposes the chart after its
    // overlays (a fresh page, as a user opens it).
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    fresh.on('pageerror', (e) => pageErrors.push(e.stack ?? String(e)));
    await fresh.goto(`${s.url}/?token=${s.token}`);
    await fresh.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
    await fresh.selectOption('[data-testid="indicator-profile"]', 'full_v1');
    const overlay = fresh.locator('[data-testid="indicators-overlay"]');
    await expect.poll(() => overlay.getAttribute('data-profile'), { timeout: 30_000 }).toBe('full_v1');
    await expect.poll(async () => Number(await overlay.getAttribute('data-panes')), { timeout: 30_000 }).toBeGreaterThan(0);
    await fresh.click('[data-testid="nav-signals"]');
    await fresh.locator('[data-testid="view-signals"]').waitFor();
    await expect.poll(() => fresh.locator('[data-testid="chart"]').count(), { timeout: 10_000 }).toBe(0);
    await fresh.close();
    for (const view of ['signals', 'orders', 'goals', 'alerts', 'strategies', 'backtest', 'data', 'settings']) {
      await page.click(`[data-testid="nav-${view}"]`);
      const el = page.locator(`[data-testid="view-${view}"]`);
      await el.waitFor();
      expect((await el.textContent())?.length).toBeGreaterThan(10);
      await page.screenshot({ path: path.join(SCREENSHOTS, `view-${view}.png`) });
    }
    await page.keyboard.press('Alt+1');
    await page.waitForSelector('[data-testid="chart"] canvas');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 0, null, { timeout: 20_000 });
    await expect.poll(() => drawnPixels(page), { timeout: 10_000 }).toBeGreaterThan(500);
    expect(pageErrors).toEqual([]);
  });

  it('refuses a page with a bad token: the API answers 401 and the UI shows it is not connected', async () => {
    const p2 = await browser.newPage();
    const socket = p2.waitForEvent('websocket', { timeout: 20_000 });
    await p2.goto(`${s.url}/?token=wrong`);
    const status = await p2.evaluate(async () => (await fetch('/api/call/system.info', { method: 'POST', headers: { authorization: 'Bearer nope' } })).status);
    expect(status).toBe(401);
    // Wait until the page's WebSocket has been refused (Playwright reports the refused upgrade as
    // a socket error, or the close) before looking.
    const ws = await socket;
    if (!ws.isClosed()) await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.once('socketerror', () => resolve());
    });
    await expect.poll(() => p2.locator('[data-testid="connection"]').textContent(), { timeout: 10_000 }).toMatch(/closed|connecting/);
    expect(await p2.locator('[data-testid="connection"]').textContent()).not.toContain('connected');
    await p2.close();
  });
});
