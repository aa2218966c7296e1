/**
 * End-to-end inbound signals: in Chromium over the real serve host, a source created in the
 * Inbound view shows its webhook URL, secret and TradingView template; a signal posted over plain
 * HTTP (as TradingView or curl would) appears with its timeline, and its popup shows.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

let s: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  s = await startServe();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('inbound signals in Chromium', () => {
  it('creates a source, receives a webhook over HTTP, shows the event timeline and the popup', async () => {
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.click('[data-testid="nav-inbound"]');
    await page.locator('[data-testid="view-inbound"]').waitFor();
    // N focuses the new-source name
    await page.keyboard.press('n');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('src-name');
    await page.keyboard.type('TradingView BTC');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="src-secret"]').waitFor();
    const url = (await page.locator('[data-testid="src-url"]').textContent())!;
    expect(url).toMatch(/\/api\/intake\/\d+$/);
    const secret = (await page.locator('[data-testid="src-secret"] code').textContent())!;
    expect(secret.length).toBeGreaterThan(20);
    await page.locator('[data-testid="src-row"] summary').click();
    const template = await page.locator('[data-testid="src-template"]').inputValue();
    expect(JSON.parse(template)).toMatchObject({ symbol: '{{exchange}}:{{ticker}}', secret });
    await expect.poll(() => page.locator('[data-testid="inbound-msg"]').textContent()).toMatch(/created/);

    // TradingView posts text/plain with the secret in the body
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `{"symbol":"BINANCE:BTCUSDT","side":"buy","strategy":"e2e","secret":"${secret}"}` });
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: number };

    const row = page.locator('[data-testid="event-row"]').first();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^${eventId}.*BINANCE:BTCUSDT.*buy.*published`));
    await row.click();
    await expect
      .poll(() => page.locator('[data-testid="event-timeline"] li span:first-child').allTextContents(), { timeout: 10_000 })
      .toEqual(['received', 'validated', 'enriched', 'evaluated', 'published']);
    expect(await page.locator('[data-testid="event-enrichment"]').textContent()).toMatch(/last [\d,.]+ · bid [\d,.]+ · ask [\d,.]+/);
    // the popup of the published signal
    await expect.poll(() => page.locator('[data-testid="toast"]').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/BUY BTC\/USDT[\s\S]*inbound:e2e/));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbound-1440.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbound-1280.png') });
  });
});
