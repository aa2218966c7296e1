/**
 * End-to-end backtest: in Chromium over the real serve host, "Backtest this channel"
 * in the Signals view fills the Backtest form from the starter channel; a backtest run from the
 * keyboard shows progress, metrics, the equity curve and its trades; a second run is compared
 * side by side; a small sweep shows its ranked table, heatmap and out-of-sample results.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

let s: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  s = await startServe(['--sim-symbols', '3']);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('backtest in Chromium', () => {
  it('runs a backtest and a small sweep from the view', async () => {
    await page.goto(`${s.url}/?token=${s.token}#/signals`);
    await page.locator('[data-testid="view-signals"]').waitFor();
    await page.locator('[data-testid="backtest-channel"]').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="backtest-channel"]').first().click();
    await page.locator('[data-testid="view-backtest"]').waitFor();
    // the form holds the starter channel: its strategy, symbols and timeframe
    await expect.poll(() => page.locator('[data-testid="bt-strategy"]').inputValue(), { timeout: 10_000 }).toBe('ema_cross');
    expect(await page.getByLabel('Symbols').inputValue()).toBe('BTC/USDT, ETH/USDT, SOL/USDT');
    expect(await page.getByLabel('Timeframe').inputValue()).toBe('1m');
    expect(await page.getByLabel('Param fast').getAttribute('placeholder')).toBe('9'); // the default
    // keyboard: change symbols and timeframe, then Enter runs it
    await page.getByLabel('Symbols').fill('BTC/USDT');
    await page.getByLabel('Timeframe').focus();
    await page.keyboard.press('ArrowDown'); // 1m → 5m
    expect(await page.getByLabel('Timeframe').inputValue()).toBe('5m');
    await page.getByLabel('Direction').selectOption('both');
    await page.getByLabel('Initial balance').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="bt-progress"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="bt-shown"]').textContent(), { timeout: 60_000 }).toMatch(/Backtest #1 .* done/);
    const trades = await page.locator('[data-testid="bt-trade"]').count();
    expect(trades).toBeGreaterThan(0);
    const run = (await call(s, 'backtest.get', { id: 1 })).body.result;
    expect(run.status).toBe('done');
    expect(trades).toBe(Math.min(500, run.trades.length));
    expect(await page.locator('[data-metric="trades"] dd').textContent()).toBe(String(run.metrics.trades));
    expect(await page.locator('[data-testid="bt-progress"]').textContent()).toMatch(/done/);
    await page.locator('[data-testid="bt-equity-chart"] canvas').first().waitFor();
    await page.locator('[data-testid="bt-price-chart"] canvas').first().waitFor(); // trade markers on the price chart
    await page.screenshot({ path: path.join(SCREENSHOTS, 'backtest-run-1280.png') });

    // a second run with other params, compared side by side
    await page.getByLabel('Param fast').fill('5');
    await page.getByLabel('Param slow').fill('13');
    await page.getByLabel('Param slow').press('Enter');
    await expect.poll(() => page.locator('[data-testid="bt-shown"]').textContent(), { timeout: 60_000 }).toMatch(/Backtest #2 .* done/);
    await page.getByLabel('Compare run 1').check();
    await page.getByLabel('Compare run 2').check();
    const compare = page.locator('[data-testid="bt-compare"]');
    await compare.waitFor();
    expect(await compare.locator('thead th').allTextContents()).toEqual(['Metric', '#1 ema_cross', '#2 ema_cross']);

    // a small sweep: 2 × 2 combinations from the sweep column, Ctrl+Enter
    await page.getByLabel('Param fast').fill('');
    await page.getByLabel('Param slow').fill('');
    await page.getByLabel('Sweep fast').fill('3, 5');
    await page.getByLabel('Sweep slow').fill('8, 13');
    await page.getByLabel('Objective').selectOption('totalReturnPct');
    await page.getByLabel('Sweep slow').press('Control+Enter');
    await expect.poll(() => page.locator('[data-testid="bt-shown"]').textContent(), { timeout: 60_000 }).toMatch(/Sweep #3 .* done/);
    expect(await page.locator('[data-testid="bt-sweep-row"]').count()).toBe(4);
    expect(await page.locator('[data-testid="bt-heatmap"] tbody td').count()).toBe(4);
    await page.locator('[data-testid="bt-oos"] [data-testid="bt-metrics"]').waitFor();
    const sweep = (await call(s, 'backtest.get', { id: 3 })).body.result.sweep;
    expect(await page.locator('[data-testid="bt-best"] h4').textContent()).toBe(`Best by totalReturnPct: fast=${sweep.best.params.fast}, slow=${sweep.best.params.slow}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'backtest-sweep-1280.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'backtest-sweep-1440.png') });
    // a refused input says so, with the engine's reason
    await page.getByLabel('Sweep fast').fill('');
    await page.getByLabel('Sweep slow').fill('');
    await page.getByLabel('Symbols').fill('NOPE/USDT');
    await page.getByLabel('Symbols').press('Enter');
    await expect.poll(() => page.locator('.bt-main [role="alert"]').textContent(), { timeout: 10_000 }).toMatch(/^refused: No stored 5m candles for NOPE\/USDT/);
  });
});
