/** End-to-end: indicator overlays from a feature profile on the live chart, in Chromium over serve mode. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

let s: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  s = await startServe(['--sim-speed', '60', '--tick-ms', '250', '--sim-symbols', '3']);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const overlay = () => page.locator('[data-testid="indicators-overlay"]');
const attr = async (name: string) => (await overlay().getAttribute(name)) ?? '';

describe('indicator overlays on the chart', () => {
  it('draws the chosen profile on the price pane and in panes below, live, and switches profile from the toolbar', async () => {
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForSelector('[data-testid="chart"] canvas', { timeout: 20_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 20_000 });

    // A fresh install opens on the light profile: EMA 9 / 21 on the price pane, no panes below.
    const picker = page.locator('.toolbar [data-testid="indicator-profile"]');
    await expect.poll(() => picker.inputValue(), { timeout: 10_000 }).toBe('light');
    await expect.poll(() => attr('data-series'), { timeout: 10_000 }).toBe('ema_9,ema_21');
    await expect.poll(() => attr('data-rows').then(Number), { timeout: 15_000 }).toBeGreaterThan(50);
    expect(Number(await attr('data-panes'))).toBe(1);
    // The full profile is one keystroke away (F): EMA/Bollinger/VWAP on price, RSI+Stochastic, MACD and volume ratio below.
    await page.locator('[data-testid="chart"]').click();
    await page.keyboard.press('f');
    await expect.poll(() => picker.inputValue(), { timeout: 10_000 }).toBe('full_v1');
    await expect.poll(() => attr('data-series'), { timeout: 10_000 }).toContain('rsi_14');
    await expect.poll(() => attr('data-panes').then(Number), { timeout: 15_000 }).toBe(4);
    await expect.poll(() => attr('data-rows').then(Number), { timeout: 15_000 }).toBeGreaterThan(50);
    expect(await attr('data-error')).toBe('');
    const drawn = (await attr('data-series')).split(',');
    expect(drawn).toEqual(expect.arrayContaining(['ema_9', 'ema_21', 'bb_upper_20_2', 'bb_lower_20_2', 'rsi_14', 'macd_12_26_9', 'macd_hist_12_26_9', 'volume_ratio_20']));
    expect(drawn).not.toContain('atr_14');
    expect(Number(await attr('data-panes'))).toBe(4);

    // The newest drawn row is the newest closed bar the engine has indicators for.
    const symbol = (await page.locator('[data-testid="symbol-select"]').inputValue()) || 'BTC/USDT';
    const api = await call(s, 'indicators.series', { source: 'sim', symbol, timeframe: '1m', profile: 'full_v1', limit: 2 });
    expect(api.status).toBe(200);
    // Over HTTP, bad input is a structured 4xx and the host keeps answering.
    const bad = await call(s, 'indicators.series', { source: 'sim', symbol, timeframe: '1m', set: 'ema:21,nope:3' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'BAD_INPUT' });
    expect(bad.body.error.message).toMatch(/unknown indicator "nope"/);
    expect((await call(s, 'indicators.series', { source: 'sim', symbol, timeframe: '1m', profile: 'nope_v1' })).status).toBe(404);
    expect((await call(s, 'indicators.profiles', {})).body.result.length).toBeGreaterThanOrEqual(3);
    const firstTs = Number(await attr('data-last-ts'));
    expect(firstTs).toBeGreaterThan(0);
    expect(api.body.result.rows[1][0]).toBeGreaterThanOrEqual(firstTs);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'indicators-full_v1.png') });

    // Live: at 60x a 1m bar closes every second; the overlay follows without a reload.
    await expect.poll(() => attr('data-last-ts').then(Number), { timeout: 15_000 }).toBeGreaterThan(firstTs);

    // Keyboard: focus the picker and choose trend_follow_v1 (no RSI pane, no Bollinger).
    await picker.focus();
    await picker.selectOption('trend_follow_v1');
    await expect.poll(() => attr('data-profile')).toBe('trend_follow_v1');
    await expect.poll(() => attr('data-panes').then(Number), { timeout: 10_000 }).toBe(3);
    const trend = (await attr('data-series')).split(',');
    expect(trend).toContain('ema_50');
    expect(trend).not.toContain('rsi_14');
    expect(trend).not.toContain('bb_upper_20_2');
    await expect.poll(() => attr('data-rows').then(Number), { timeout: 15_000 }).toBeGreaterThan(50);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'indicators-trend_follow_v1.png') });

    // I / Shift+I step through the profiles from anywhere outside a text field.
    await page.locator('[data-testid="chart"]').click();
    const order = ['none', ...(await picker.locator('option').allTextContents()).slice(1)];
    const at = order.indexOf('trend_follow_v1');
    await page.keyboard.press('i');
    await expect.poll(() => attr('data-profile')).toBe(order[(at + 1) % order.length]);
    await page.keyboard.press('Shift+I');
    await expect.poll(() => attr('data-profile')).toBe('trend_follow_v1');
    await expect.poll(() => attr('data-panes').then(Number), { timeout: 10_000 }).toBe(3);

    // "none" removes every overlay and pane.
    await picker.selectOption('none');
    await expect.poll(() => attr('data-panes').then(Number), { timeout: 10_000 }).toBe(1);
    expect(await attr('data-series')).toBe('');

    // The choice is kept across a reload; a timeframe switch redraws for the new bars.
    await picker.selectOption('mean_reversion_v1');
    await page.reload();
    await page.waitForSelector('[data-testid="indicators-overlay"]', { state: 'attached', timeout: 20_000 });
    await expect.poll(() => page.locator('.toolbar [data-testid="indicator-profile"]').inputValue(), { timeout: 10_000 }).toBe('mean_reversion_v1');
    await page.locator('[data-testid="tf-5m"]').click();
    await expect.poll(() => attr('data-rows').then(Number), { timeout: 15_000 }).toBeGreaterThan(20);
    const last5m = Number(await attr('data-last-ts'));
    expect(last5m % 300_000).toBe(0);
    expect(Number(await attr('data-panes'))).toBe(3); // RSI+Stochastic, volume ratio
  });
});
