/**
 * Series beyond candles in Chromium against the real serve host and loopback fakes: a trader adds
 * a sentiment index (an HTTP JSON history) and an exchange's funding, open interest and book
 * (ccxt's binanceusdm pointed at a fake fapi) from the Data sources view by keyboard, sees their
 * health, last values with units, freshness and the cost per month summed per kind, then shows
 * a series in a pane under the chart.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';
import { FakeJsonApi } from '../fakes/fake-json-api';
import { FakeFuturesExchange } from '../fakes/fake-futures-exchange';

const H = 3_600_000;

describe('Data sources: series beyond candles', () => {
  let s: Served;
  let api: FakeJsonApi;
  let fx: FakeFuturesExchange;
  let browser: Browser;
  let page: Page;
  const now = Date.now();
  beforeAll(async () => {
    api = new FakeJsonApi();
    await api.start();
    // A Fear & Greed style history: hourly, seconds since 1970, values as strings.
    const start = Math.floor(now / H) * H - 48 * H;
    api.set('/fng', { name: 'Fear and Greed Index', data: Array.from({ length: 49 }, (_, i) => ({ value: String(30 + (i % 40)), timestamp: String((start + i * H) / 1000) })) });
    fx = new FakeFuturesExchange({
      fundingHistory: [[now - 16 * H, 0.0001], [now - 8 * H, 0.0006]],
      funding: { rate: 0.00071, time: now - 1000 },
      openInterestHistory: [[now - 600_000, 1000], [now - 300_000, 1010]],
      openInterest: { amount: 1033.5, time: now - 500 },
      bids: [[49990, 1], [49800, 2]],
      asks: [[50010, 1], [50200, 1]],
      bookTime: now - 200,
    });
    await fx.start();
    s = await startServe(['--tick-ms', '500']);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    await api?.stop();
    await fx?.stop();
  });

  it('adds a sentiment index and exchange series by keyboard, shows health, last value with unit, freshness and cost per kind, and charts a series in a pane', async () => {
    await page.goto(`${s.url}/?token=${s.token}#/data`);
    await page.locator('[data-testid="series-section"]').waitFor({ timeout: 60_000 });

    // Shift+S opens the series dialog; the HTTP JSON source by keyboard.
    await page.keyboard.press('Shift+S');
    const dialog = page.locator('[data-testid="series-dialog"]');
    await dialog.waitFor();
    await page.locator('[data-testid="s-id"]').fill('fng');
    await page.locator('[data-testid="s-label"]').fill('Fear & Greed');
    await page.locator('[data-testid="s-interval"]').fill('2');
    await page.locator('[data-testid="s-cost"]').fill('10');
    await page.locator('[data-testid="s-url"]').fill(`${api.url}/fng`);
    // A history without a time path is refused, naming the field; nothing is added.
    await page.locator('[data-testid="s-value-path"]').fill('data[*].value');
    await page.locator('[data-testid="s-value-path"]').press('Enter');
    await expect.poll(() => page.locator('[data-testid="series-dialog-error"]').textContent(), { timeout: 10_000 }).toMatch(/^Refused: .*timePath/);
    await page.locator('[data-testid="s-time-path"]').fill('data[*].timestamp');
    await page.locator('[data-testid="s-unit"]').fill('index');
    await page.locator('[data-testid="s-unit"]').press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.locator('[data-testid="ds-msg"]').textContent(), { timeout: 10_000 }).toMatch(/Added fng: collecting value every 2 s/);
    const fngRow = page.locator('[data-testid="series-row-fng-value"]');
    await expect.poll(() => fngRow.locator('[data-testid="series-last"]').textContent(), { timeout: 20_000 }).toMatch(/^\d+ index/);
    expect(await fngRow.locator('[data-testid="series-fresh"]').textContent()).toMatch(/fresh|aging|stale/);
    await expect.poll(() => fngRow.locator('[data-testid="status-badge"]').getAttribute('data-status'), { timeout: 20_000 }).toBe('healthy');

    // The exchange series: funding, open interest and the book.
    await page.keyboard.press('Shift+S');
    await dialog.waitFor();
    await page.locator('[data-testid="s-kind"]').selectOption('ccxt');
    await page.locator('[data-testid="s-id"]').fill('bn');
    await page.locator('[data-testid="s-interval"]').fill('2');
    await page.locator('[data-testid="s-cost"]').fill('50');
    await page.locator('[data-testid="s-exchange"]').fill('binanceusdm');
    await page.locator('[data-testid="s-symbols"]').fill('BTC/USDT:USDT');
    await page.locator('[data-testid="s-baseurl"]').fill(fx.url);
    await page.locator('[data-testid="s-series-open_interest"]').check();
    await page.locator('[data-testid="s-series-book"]').check();
    await page.locator('[data-testid="s-baseurl"]').press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    const funding = page.locator('[data-testid="series-row-bn-funding"]');
    await expect.poll(() => funding.locator('[data-testid="series-last"]').textContent(), { timeout: 30_000 }).toMatch(/^0\.0710 % \/ interval/);
    await expect.poll(() => page.locator('[data-testid="series-row-bn-open_interest"] [data-testid="series-last"]').textContent(), { timeout: 30_000 }).toMatch(/^1,033\.5 contracts/);
    await expect.poll(() => page.locator('[data-testid="series-row-bn-book_imbalance_1pct"] [data-testid="series-last"]').textContent(), { timeout: 30_000 }).toMatch(/ratio/);
    expect(Number(await funding.locator('[data-testid="series-req"]').textContent())).toBeGreaterThan(0);
    const costs = page.locator('[data-testid="series-costs"]');
    await expect.poll(() => costs.textContent(), { timeout: 10_000 }).toMatch(/Exchange \(ccxt\) 50\.00 \(1 source\).*HTTP JSON 10\.00 \(1 source\)/);

    for (const [w, h] of [[1280, 800], [1440, 900]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.locator('[data-testid="series-section"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, `data-series-${w}x${h}.png`) });
    }

    // Chart: the sentiment index in a pane under the candles, aligned point in time.
    await fngRow.locator('[data-testid="series-chart"]').click();
    const pane = page.locator('[data-testid="series-pane"]');
    await pane.waitFor({ timeout: 30_000 });
    expect(await pane.getAttribute('data-spec')).toBe('ext:fng:value');
    await expect.poll(async () => Number(await pane.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(10);
    expect(Number(await pane.getAttribute('data-last'))).toBeGreaterThanOrEqual(30);
    expect(await page.locator('[data-testid="series-pane-select"]').inputValue()).toBe('ext:fng:value');
    for (const [w, h] of [[1280, 800], [1440, 900]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SCREENSHOTS, `chart-series-pane-${w}x${h}.png`) });
    }
    // The picker switches the pane to another series, and "none" removes it.
    await page.locator('[data-testid="series-pane-select"]').selectOption('ext:bn:funding');
    await expect.poll(() => pane.getAttribute('data-spec'), { timeout: 10_000 }).toBe('ext:bn:funding');
    await page.locator('[data-testid="series-pane-select"]').selectOption('');
    await pane.waitFor({ state: 'detached', timeout: 10_000 });
  });
});
