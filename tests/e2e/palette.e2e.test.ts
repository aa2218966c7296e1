/** Ctrl+K opens the command palette: every action with its key; filter, arrows, Enter runs it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

describe('command palette', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    s = await startServe([]);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('lists actions with their keys and runs the chosen one by keyboard', async () => {
    await page.keyboard.press('Control+k');
    await page.locator('[data-testid="palette"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('palette-input');
    const items = page.locator('[data-testid="palette-item"]');
    const all = await items.allTextContents();
    expect(all.some((t) => t.includes('Orders & Positions') && t.includes('Alt+3'))).toBe(true);
    expect(all.some((t) => t.includes('Kill switch') && t.includes('K'))).toBe(true);
    await page.keyboard.type('orders pos');
    expect(await items.count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'command-palette.png') });
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="view-orders"]').waitFor();
    expect(await page.locator('[data-testid="palette"]').count()).toBe(0);
  });

  it('opens the order ticket on the chart symbol from the palette; nothing matches → says so', async () => {
    await page.keyboard.press('Control+k');
    await page.keyboard.type('sell btc');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="order-ticket"]').waitFor();
    expect(await page.locator('[data-testid="order-ticket"]').textContent()).toContain('BTC/USDT');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+k');
    await page.keyboard.type('zzzz no such thing');
    expect(await page.locator('[data-testid="palette-list"]').textContent()).toContain('No matching command');
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid="palette"]').count()).toBe(0);
  });
});
