/**
 * A chart a trader can read, in Chromium over serve mode: the light profile
 * on a fresh install and the full one a keystroke away, volume in the bottom fifth, candles that
 * lines far away cannot squash, VWAP broken at session resets, a crosshair readout, older history
 * loaded by scrolling back, and the ticket's tick steps and amount unit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

let s: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  s = await startServe(['--sim-history-days', '3', '--sim-symbols', '3']);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? String(e)));
  await page.goto(`${s.url}/?token=${s.token}`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const ind = (name: string) => page.locator('[data-testid="indicators-overlay"]').getAttribute(name).then((v) => v ?? '');
const chartAttr = (name: string) => page.locator('[data-testid="chart"]').getAttribute(name).then((v) => v ?? '');
const scale = async () => {
  const el = page.locator('[data-testid="chart-scale"]');
  const n = async (a: string) => Number(await el.getAttribute(a));
  return { top: await n('data-top'), bottom: await n('data-bottom'), high: await n('data-high'), low: await n('data-low') };
};

describe('a readable chart', () => {
  it('opens on the light profile (candles, volume in the bottom fifth, EMA 9 / 21); F gives the full profile and back', async () => {
    await expect.poll(() => page.locator('[data-testid="indicator-profile"]').inputValue(), { timeout: 10_000 }).toBe('light');
    await expect.poll(() => ind('data-series'), { timeout: 10_000 }).toBe('ema_9,ema_21');
    await expect.poll(() => ind('data-rows').then(Number), { timeout: 15_000 }).toBeGreaterThan(50);
    expect(Number(await ind('data-panes'))).toBe(1);
    expect(Number(await chartAttr('data-volume-share'))).toBeLessThanOrEqual(0.2);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chart-light-1280.png') });
    await page.locator('[data-testid="chart"]').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('f');
    await expect.poll(() => ind('data-profile')).toBe('full_v1');
    await expect.poll(() => ind('data-series'), { timeout: 10_000 }).toContain('vwap');
    await expect.poll(() => ind('data-panes').then(Number), { timeout: 15_000 }).toBe(4);
    await page.keyboard.press('f');
    await expect.poll(() => ind('data-profile')).toBe('light');
    await expect.poll(() => ind('data-panes').then(Number), { timeout: 15_000 }).toBe(1);
  });

  it('the full profile keeps the candles readable: the price scale follows them, lines widen it a little at most', async () => {
    await page.locator('[data-testid="tf-1h"]').click();
    await page.selectOption('[data-testid="indicator-profile"]', 'full_v1');
    await expect.poll(() => ind('data-series'), { timeout: 10_000 }).toContain('sma_200');
    await expect.poll(() => ind('data-rows').then(Number), { timeout: 15_000 }).toBeGreaterThan(50);
    // The candles fill their share of the pane (between the top margin and the volume fifth),
    // whatever the SMA 200 or the swing levels do.
    await expect
      .poll(async () => {
        const x = await scale();
        return (x.high - x.low) / (x.top - x.bottom);
      }, { timeout: 10_000 })
      .toBeGreaterThan(0.6);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chart-full-1h-1280.png') });
  });

  it('VWAP is broken at each session reset (whitespace), not joined by a vertical jump', async () => {
    // Three days of 1h bars cross at least two UTC midnights.
    await expect.poll(() => ind('data-breaks').then(Number), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  });

  it('a crosshair readout shows time, O/H/L/C, volume and the lines under the cursor', async () => {
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.3);
    const readout = page.locator('[data-testid="chart-readout"]');
    await expect.poll(() => readout.getAttribute('data-hover'), { timeout: 5_000 }).toBe('yes');
    const text = (await readout.textContent()) ?? '';
    expect(text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(text).toMatch(/O [\d,.]+H [\d,.]+L [\d,.]+C [\d,.]+Vol [\d.]+[KM]?/);
    expect(await readout.locator('[data-testid="readout-line"]').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^EMA 9 [\d,.]+$/), expect.stringMatching(/^VWAP [\d,.]+$/)]));
    // Hovering another bar reads that bar.
    const t1 = await readout.getAttribute('data-time');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await expect.poll(() => readout.getAttribute('data-time')).not.toBe(t1);
    // Only the price has an axis label (no indicator, position or unselected-signal labels).
    expect(await ind('data-axis-labels')).toBe('0');
    expect(await page.locator('[data-testid="orders-overlay"]').getAttribute('data-axis-labels')).toBe('0');
    await page.mouse.move(box.x - 50, box.y);
    await expect.poll(() => readout.getAttribute('data-hover')).toBe('no');
  });

  it('scrolling back loads older history on demand, up to everything stored', async () => {
    await page.locator('[data-testid="tf-1m"]').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) >= 1000, null, { timeout: 15_000 });
    const firstBefore = Number(await chartAttr('data-first-ts'));
    expect(Number(await chartAttr('data-bars'))).toBe(1000);
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    // Drag the chart to the right (back in time) until the oldest stored bar is on it.
    for (let i = 0; i < 80 && (await chartAttr('data-complete')) !== 'yes'; i++) {
      await page.mouse.move(box.x + 60, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 120, box.y + box.height / 2, { steps: 6 });
      await page.mouse.up();
    }
    await expect.poll(() => chartAttr('data-complete'), { timeout: 20_000 }).toBe('yes');
    const bars = Number(await chartAttr('data-bars'));
    const stored = await call(s, 'market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', limit: 1, since: 0 });
    expect(Number(await chartAttr('data-first-ts'))).toBe(stored.body.result[0][0]);
    expect(Number(await chartAttr('data-first-ts'))).toBeLessThan(firstBefore);
    expect(bars).toBeGreaterThanOrEqual(3 * 1440);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chart-scrolled-back-1280.png') });
  });

  it("the ticket's arrows step by a tick, Shift by 10, PageUp/PageDown by 100; the amount shows its unit", async () => {
    await page.locator('[data-testid="chart"]').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('b');
    await page.locator('[data-testid="order-ticket"]').waitFor();
    expect(await page.locator('[data-testid="ticket-amount-unit"]').textContent()).toBe('BTC');
    const market = await call(s, 'orders.market', { symbol: 'BTC/USDT' });
    const tick = Number(market.body.result.tick);
    const dp = String(market.body.result.tick).split('.')[1]?.length ?? 0;
    const field = page.locator('[data-testid="ticket-price"]');
    await field.focus();
    await page.keyboard.type('1000');
    const value = () => field.inputValue().then(Number);
    await page.keyboard.press('ArrowUp');
    expect((await value()).toFixed(dp)).toBe((1000 + tick).toFixed(dp));
    await page.keyboard.press('Shift+ArrowUp');
    expect((await value()).toFixed(dp)).toBe((1000 + 11 * tick).toFixed(dp));
    await page.keyboard.press('PageUp');
    expect((await value()).toFixed(dp)).toBe((1000 + 111 * tick).toFixed(dp));
    await page.keyboard.press('PageDown');
    await page.keyboard.press('Shift+ArrowDown');
    expect((await value()).toFixed(dp)).toBe((1000 + tick).toFixed(dp));
    // The ticket is a modal: Tab stays inside it, Esc closes it and gives the focus back.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="order-ticket"]'))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="order-ticket"]').waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });
});
