/**
 * End-to-end data sources in Chromium against the real serve host and the loopback fake exchange:
 * add a ccxt source by keyboard in the dialog (exchange picker, symbols, base URL), watch it turn
 * healthy, back-fill a year of 1h candles with a progress bar and ETA, see a failing feed's error
 * and status, and toggle the source off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';

const H = 3_600_000;

describe('Data sources view in Chromium', () => {
  let s: Served;
  let fx: FakeMarketExchange;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    fx = new FakeMarketExchange({ slowMs: 600 });
    await fx.start();
    s = await startServe(['--tick-ms', '500']);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    await fx?.stop();
  });

  it('adds an exchange source from the dialog by keyboard, back-fills a year of 1h candles with a progress bar, shows failing feeds, toggles it off', async () => {
    await page.goto(`${s.url}/?token=${s.token}#/data`);
    await page.locator('[data-testid="view-data"]').waitFor({ timeout: 60_000 });
    const simRow = page.locator('[data-testid="source-row"][data-source="sim"]');
    await expect.poll(() => simRow.locator('[data-testid="status-badge"]').getAttribute('data-status'), { timeout: 15_000 }).toBe('healthy');

    // ETH's candles fail for good on this exchange: its feed must show it, the others keep flowing.
    fx.inject('server', { path: '/klines', symbol: 'ETHUSDT', times: 100_000 });
    // N opens the add dialog; every field by keyboard; Enter submits.
    await page.keyboard.press('n');
    const dialog = page.locator('[data-testid="source-dialog"]');
    await dialog.waitFor();
    await page.locator('[data-testid="f-id"]').fill('fakebin');
    await page.locator('[data-testid="f-exchange"]').fill('binance');
    await expect.poll(() => page.locator('#ccxt-exchanges option').count(), { timeout: 15_000 }).toBeGreaterThan(90); // ccxt's list (loads async)
    await page.locator('[data-testid="f-symbols"]').fill('BTC/USDT, ETH/USDT, SOL/USDT');
    await page.locator('[data-testid="f-baseurl"]').fill(fx.url);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sources-add-dialog.png') });
    // A bad id is refused with the field named, and nothing is added.
    await page.locator('[data-testid="f-id"]').fill('bad id!');
    await page.locator('[data-testid="f-baseurl"]').press('Enter');
    await expect.poll(() => page.locator('[data-testid="dialog-error"]').textContent(), { timeout: 10_000 }).toMatch(/id/);
    await page.locator('[data-testid="f-id"]').fill('fakebin');
    await page.locator('[data-testid="f-baseurl"]').press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    const row = page.locator('[data-testid="source-row"][data-source="fakebin"]');
    await expect.poll(() => row.locator('[data-testid="status-badge"]').getAttribute('data-status'), { timeout: 30_000 }).toBe('degraded');
    await expect.poll(() => row.locator('[data-testid="last-error"]').textContent(), { timeout: 15_000 }).toMatch(/exchange_unavailable/);
    expect(fx.count('/exchangeInfo')).toBeGreaterThan(0);
    const listed = await call(s, 'market.sources.list', {});
    expect(listed.body.result.find((x: any) => x.id === 'fakebin')).toMatchObject({ exchange: 'binance', baseUrl: fx.url, hasKeys: false });

    // Back-fill a year of 1h BTC candles: F opens the dialog on the selected source.
    await row.click();
    fx.inject('slow', { path: '/klines', symbol: 'BTCUSDT', times: 4 });
    await page.locator('[data-testid="sources-table"]').focus();
    await page.keyboard.press('f');
    const bf = page.locator('[data-testid="backfill-dialog"]');
    await bf.waitFor();
    await page.locator('[data-testid="bf-tf"]').selectOption('1h');
    await page.locator('[data-testid="bf-start"]').click();
    const job = page.locator('[data-testid="bf-job"]');
    await job.waitFor({ timeout: 10_000 });
    await expect.poll(async () => Number(await job.locator('[role="progressbar"]').getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
    const mid = await job.textContent();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sources-backfill-progress.png') });
    await expect.poll(() => job.textContent(), { timeout: 60_000 }).toMatch(/done/);
    expect(mid).toMatch(/bars/);
    await page.keyboard.press('Escape');
    await bf.waitFor({ state: 'detached' });

    const jobs = await call(s, 'market.backfill.list', { source: 'fakebin' });
    const j = jobs.body.result[0];
    expect(j).toMatchObject({ status: 'done', symbol: 'BTC/USDT', timeframe: '1h', progress: 1 });
    const want = fx.expectedBars('BTCUSDT', '1h', j.since, j.until);
    expect(want.length).toBeGreaterThan(8700);
    const gaps = await call(s, 'market.gaps', { source: 'fakebin', symbol: 'BTC/USDT', timeframe: '1h', since: j.since, until: j.until });
    expect(gaps.body.result).toMatchObject({ missing: [], known: [] });
    const candles = await call(s, 'market.candles', { source: 'fakebin', symbol: 'BTC/USDT', timeframe: '1h', since: j.since, limit: 5000 });
    const ts: number[] = candles.body.result.map((c: number[]) => c[0]);
    expect(ts).toEqual(want.slice(0, 5000));
    expect(ts[1]! - ts[0]!).toBe(H);

    // The failing feed shows its error and status; the others are healthy and fresh.
    const health = (await call(s, 'market.health', { source: 'fakebin' })).body.result[0];
    expect(health.feeds.find((f: any) => f.symbol === 'ETH/USDT' && f.timeframe === '1m').status).toMatch(/degraded|failed/);
    expect(health.feeds.find((f: any) => f.symbol === 'BTC/USDT' && f.timeframe === '1h')).toMatchObject({ status: 'healthy', freshness: 'fresh' });
    expect(health.feeds.find((f: any) => f.symbol === 'SOL/USDT' && f.timeframe === '1m')).toMatchObject({ status: 'healthy' });
    await expect.poll(() => page.locator('[data-testid="feed-row"]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sources.png') });
    // The failing feed's badge says why and what happens next.
    const ethBadge = page.locator('[data-testid="feed-row"][data-symbol="ETH/USDT"][data-timeframe="1m"] [data-testid="status-badge"]');
    expect(await ethBadge.getAttribute('title')).toMatch(/^(degraded|failed): exchange unavailable \(.+\), (retrying in \d+ s|\d+ failures in a row|recovering)$/);

    // "Chart" on a feed shows the back-filled exchange candles on the chart, then back with Alt+8.
    await page.locator('[data-testid="feed-row"]', { hasText: 'BTC/USDT' }).filter({ hasText: '1h' }).getByRole('button', { name: 'Chart' }).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 900, null, { timeout: 30_000 });
    // The status bar and the chart name the source (added after start-up), not its id.
    await expect.poll(() => page.locator('[data-testid="status-source"]').textContent(), { timeout: 10_000 }).toBe('binance · fakebin');
    expect(await page.locator('[data-testid="chart-source"]').textContent()).toBe('binance · fakebin');
    expect(await page.locator('[data-testid="statusbar"]').textContent()).not.toMatch(/SIMULATED/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sources-chart.png') });
    await page.keyboard.press('Alt+8');
    await page.locator('[data-testid="view-data"]').waitFor();

    // A source choosing its symbols by discovery shows each pick and near miss with its reason.
    const disc = await call(s, 'market.sources.add', { id: 'fakedisc', kind: 'ccxt', exchange: 'binance', baseUrl: fx.url, discovery: { top: 2, quote: 'USDT', minQuoteVolume: 1e6 }, timeframes: ['1h'] });
    expect(disc.status).toBe(200);
    const discRow = page.locator('[data-testid="source-row"][data-source="fakedisc"]');
    await discRow.click();
    const reasons = page.locator('[data-testid="discovery"]');
    await expect.poll(() => reasons.textContent(), { timeout: 20_000 }).toMatch(/BTC\/USDT #1 by 24h quote volume/);
    expect(await reasons.textContent()).toMatch(/SOL\/USDT #3 by 24h quote volume: outside the top 2/);
    expect(await reasons.textContent()).toMatch(/ETH\/BTC quote BTC, not USDT/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sources-discovery.png') });
    await row.click();

    // The failing pair is now rate limited with Retry-After 20 s: its red badge says so, and when it retries.
    expect((await call(s, 'market.sources.remove', { id: 'fakedisc' })).status).toBe(200); // it polls ETH too
    fx.clearFaults();
    // (a request the removed source had already handed to ccxt may still take one; whichever of
    // ETH's feeds, 1m or 1h, asks next gets another)
    fx.inject('rateLimit', { path: '/klines', symbol: 'ETHUSDT', retryAfterSec: 20, times: 3 });
    const ethTitles = () => page.locator('[data-testid="feed-row"][data-symbol="ETH/USDT"] [data-testid="status-badge"]').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    await expect
      .poll(async () => (await ethTitles()).find((t) => /rate limited/.test(t)) ?? (await ethTitles()).join(' | '), { timeout: 45_000 })
      .toMatch(/^(degraded|failed): rate limited.*, retrying in (1\d|20) s$/);
    fx.clearFaults();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sources-rate-limited.png') });

    // Every symbol of the source at once: one job each, one combined progress bar, all exact.
    await row.click();
    await page.locator('[data-testid="sources-table"]').focus();
    await page.keyboard.press('f');
    await bf.waitFor();
    await page.locator('[data-testid="bf-tf"]').selectOption('1h');
    await page.locator('[data-testid="bf-all"]').check();
    await page.locator('[data-testid="bf-since"]').fill(new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10));
    expect(await page.locator('[data-testid="bf-symbol"]').inputValue()).toBe('all 3 symbols');
    await page.locator('[data-testid="bf-start"]').click();
    await expect.poll(() => page.locator('[data-testid="bf-job"]').textContent(), { timeout: 90_000 }).toMatch(/3 jobs \(3 done\): done/);
    await page.keyboard.press('Escape');
    await bf.waitFor({ state: 'detached' });
    const all = (await call(s, 'market.backfill.list', { source: 'fakebin' })).body.result.slice(0, 3);
    expect(all.map((x: any) => x.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    for (const x of all) {
      expect(x).toMatchObject({ status: 'done', timeframe: '1h', progress: 1 });
      const g = (await call(s, 'market.gaps', { source: 'fakebin', symbol: x.symbol, timeframe: '1h', since: x.since, until: x.until })).body.result;
      expect(g.missing).toEqual([]);
      const got = (await call(s, 'market.candles', { source: 'fakebin', symbol: x.symbol, timeframe: '1h', since: x.since, limit: 5000 })).body.result.map((c: number[]) => c[0]).filter((t: number) => t < x.until);
      expect(got).toEqual(fx.expectedBars(x.symbol.replace('/', ''), '1h', x.since, x.until));
    }

    // Space on the selected row disables it.
    await page.locator('[data-testid="sources-table"]').focus();
    await page.keyboard.press(' ');
    await expect.poll(() => row.locator('[data-testid="status-badge"]').getAttribute('data-status'), { timeout: 15_000 }).toBe('disabled');
    expect(await row.locator('[data-testid="enable-toggle"]').isChecked()).toBe(false);
    // Nothing of this shook the host.
    expect((await call(s, 'system.health', {})).body.result).toMatchObject({ status: 'ok', engine: { alive: true } });
  });

  it('keys typed into the add dialog are stored but never come back: in no result, no event and nowhere on the page', async () => {
    const KEYS = { apiKey: 'AK-e2e-7f3a91c4d2', secret: 'SK-e2e-b81e5a0c66', password: 'PW-e2e-4d2e19aa' };
    // Watch every answer and every pushed event the page receives from a fresh load on.
    const received: string[] = [];
    const pending: Array<Promise<void>> = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))));
    page.on('response', (r) => pending.push(r.text().then((t) => void received.push(t), () => undefined)));
    await page.goto('about:blank');
    await page.goto(`${s.url}/?token=${s.token}#/data`);
    await page.locator('[data-testid="view-data"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="source-row"][data-source="sim"]').waitFor({ timeout: 15_000 });
    await page.keyboard.press('n');
    const dialog = page.locator('[data-testid="source-dialog"]');
    await dialog.waitFor();
    await page.locator('[data-testid="f-id"]').fill('keyed');
    await page.locator('[data-testid="f-exchange"]').fill('binance');
    await page.locator('[data-testid="f-symbols"]').fill('BTC/USDT');
    await dialog.getByLabel('API key').fill(KEYS.apiKey);
    await dialog.getByLabel('Secret').fill(KEYS.secret);
    await dialog.getByLabel(/Password/).fill(KEYS.password);
    await page.locator('[data-testid="f-baseurl"]').fill(fx.url);
    await page.locator('[data-testid="f-baseurl"]').press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    const row = page.locator('[data-testid="source-row"][data-source="keyed"]');
    await row.waitFor({ timeout: 15_000 });
    // Stored: the source says it has keys.
    const listed = (await call(s, 'market.sources.list', {})).body;
    expect(listed.result.find((x: any) => x.id === 'keyed')).toMatchObject({ exchange: 'binance', hasKeys: true });
    // The page shows the source (so it has heard of it through results and events) …
    await row.click();
    await expect.poll(() => received.some((t) => t.includes('"keyed"')), { timeout: 15_000 }).toBe(true);
    // … and opening its edit dialog shows blank key fields.
    await page.locator('[data-testid="sources-table"]').focus();
    await page.keyboard.press('e');
    const edit = page.locator('[data-testid="source-dialog"]');
    await edit.waitFor();
    expect(await edit.getByLabel(/API key/).inputValue()).toBe('');
    expect(await edit.getByLabel('Secret').inputValue()).toBe('');
    expect(await edit.getByLabel(/Password/).inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await edit.waitFor({ state: 'detached' });
    // The answers the host gives any client.
    for (const [name, input] of [['market.sources.list', {}], ['market.health', { source: 'keyed' }], ['system.info', {}]] as const) {
      received.push(JSON.stringify((await call(s, name, input)).body));
    }
    await Promise.all(pending);
    received.push(await page.content());
    received.push(await page.evaluate(() => JSON.stringify({ ls: { ...localStorage }, ss: { ...sessionStorage } })));
    expect(received.length).toBeGreaterThan(5);
    for (const key of Object.values(KEYS)) expect(received.filter((t) => t.includes(key)).map((t) => t.slice(0, 200))).toEqual([]);
    await call(s, 'market.sources.remove', { id: 'keyed' });
  });
});
