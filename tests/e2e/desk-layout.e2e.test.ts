/**
 * The desk at common sizes and on first start, in Chromium over serve
 * mode: no view's table or panel overflows sideways at 1280×800 or 1440×900; the first start
 * says how to see signals sooner and one click turns on demo speed; a new data source says
 * `connecting` until the exchange answers; the add dialog's required fields start empty and say
 * so before submit; dialogs keep the focus inside and give it back when they close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';

let s: Served;
let browser: Browser;
let fx: FakeMarketExchange;
const pageErrors: string[] = [];

beforeAll(async () => {
  fx = new FakeMarketExchange({ clockStart: Date.now() - 3 * 86_400_000, speed: 1, slowMs: 2500 });
  await fx.start();
  s = await startServe([]);
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
  await fx?.stop();
});

async function open(width: number, height: number, hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? String(e)));
  await page.goto(`${s.url}/?token=${s.token}${hash}`);
  return page;
}

/** Containers in the main area wider than their box (outside table cells, whose text may be cut with an ellipsis). */
function overflowing(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) out.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('.content, .content *'))) {
      if (el.closest('td, th') || el.tagName === 'CANVAS' || el.closest('.chart-host')) continue;
      const cs = getComputedStyle(el);
      if (cs.overflowX === 'visible' && el !== document.querySelector('.content')) continue;
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}.${el.className || el.getAttribute('data-testid')} ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });
}

/** Whether an element lies wholly inside the viewport's width and its scroll container's box. */
function fullyVisible(p: Page, selector: string): Promise<boolean> {
  return p.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth;
  }, selector);
}

describe('layout at common sizes', () => {
  for (const [w, h] of [
    [1280, 800],
    [1440, 900],
  ] as const) {
    it(`at ${w}×${h} no view's table or panel overflows sideways`, async () => {
      const page = await open(w, h);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
      for (const view of ['chart', 'signals', 'orders', 'data']) {
        await page.click(`[data-testid="nav-${view}"]`);
        const sel = view === 'chart' ? '[data-testid="chart"]' : `[data-testid="view-${view}"]`;
        await page.locator(sel).waitFor();
        if (view === 'signals') await page.locator('[data-testid="perf-channels"]').waitFor();
        if (view === 'data') await page.locator('[data-testid="source-row"]').first().waitFor();
        await page.screenshot({ path: path.join(SCREENSHOTS, `layout-${view}-${w}x${h}.png`) });
        expect(await overflowing(page), `${view} at ${w}×${h}`).toEqual([]);
      }
      await page.click('[data-testid="nav-data"]');
      expect(await fullyVisible(page, '[data-testid="source-row"] label.switch'), 'the On toggle').toBe(true);
      await page.click('[data-testid="nav-signals"]');
      for (const t of ['perf-channels', 'perf-strategies']) expect(await fullyVisible(page, `[data-testid="${t}"]`), t).toBe(true);
      await page.close();
    });
  }
});

describe('first start', () => {
  it('says how to see signals sooner; one click runs the sim at demo speed, and back', async () => {
    const page = await open(1280, 800);
    const hint = page.locator('[data-testid="first-run-hint"]');
    await hint.waitFor({ timeout: 20_000 });
    expect(await hint.textContent()).toMatch(/--sim-speed 60/);
    expect(await hint.textContent()).toMatch(/Demo speed \(60×\)/);
    expect(await page.locator('[data-testid="demo-speed"]').getAttribute('aria-pressed')).toBe('false');
    await page.click('[data-testid="first-run-demo"]');
    await expect.poll(async () => (await call(s, 'system.info', {})).body.result.sim.speed).toBe(60);
    await expect.poll(() => page.locator('[data-testid="demo-speed"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-testid="demo-speed"]').textContent()).toMatch(/Demo speed 60× — on/);
    await expect.poll(() => page.locator('[data-testid="engine-clock"]').textContent()).toMatch(/60×/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-run-demo-speed.png') });
    // The status bar toggles it back to real time.
    await page.click('[data-testid="demo-speed"]');
    await expect.poll(async () => (await call(s, 'system.info', {})).body.result.sim.speed).toBe(1);
    // Dismissed, it stays away after a reload.
    await page.click('[data-testid="first-run-dismiss"]');
    await hint.waitFor({ state: 'detached' });
    await page.reload();
    await page.locator('[data-testid="chart"]').waitFor();
    await page.locator('[data-testid="demo-speed"]').waitFor();
    expect(await page.locator('[data-testid="first-run-hint"]').count()).toBe(0);
    await page.close();
  });
});

describe('data sources: honest states and dialogs', () => {
  it('the add dialog starts with empty required fields and says so; a new source is connecting until its first answer; focus stays in the dialog and comes back', async () => {
    const page = await open(1440, 900, '#/data');
    await page.locator('[data-testid="source-row"][data-source="sim"]').waitFor({ timeout: 20_000 });
    const addButton = page.locator('[data-testid="add-source"]');
    await addButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('[data-testid="source-dialog"]');
    await dialog.waitFor();
    // Required fields are empty: placeholders are hints only, and the dialog says what is missing.
    expect(await page.locator('[data-testid="f-id"]').inputValue()).toBe('');
    expect(await page.locator('[data-testid="f-exchange"]').inputValue()).toBe('');
    expect(await page.locator('[data-testid="f-symbols"]').inputValue()).toBe('');
    expect(await page.locator('[data-testid="dialog-missing"]').textContent()).toMatch(/Required, still empty: Id, Exchange, Symbols/);
    // Submitting anyway sends nothing and says the same, in the colour of a refusal.
    await page.locator('[data-testid="f-submit"]').click();
    expect(await page.locator('[data-testid="dialog-missing"]').getAttribute('class')).toContain('error');
    expect((await call(s, 'market.sources.list', {})).body.result.map((x: { id: string }) => x.id)).toEqual(['sim']);
    // Tab and Shift+Tab stay inside the dialog.
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="source-dialog"]'))).toBe(true);
    }
    await page.locator('[data-testid="f-id"]').fill('slowbin');
    await page.locator('[data-testid="f-exchange"]').fill('binance');
    await page.locator('[data-testid="f-symbols"]').fill('BTC/USDT');
    await page.locator('[data-testid="f-baseurl"]').fill(fx.url);
    expect(await page.locator('[data-testid="dialog-missing"]').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sources-add-filled.png') });
    // The exchange holds its first answers back: until then the source says connecting.
    fx.inject('slow', { path: '/exchangeInfo', times: 1 });
    fx.inject('slow', { path: '/klines', times: 2 });
    await page.locator('[data-testid="f-baseurl"]').press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    // The focus is back where it was before the dialog opened.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('add-source');
    const row = page.locator('[data-testid="source-row"][data-source="slowbin"]');
    await expect.poll(() => row.locator('[data-testid="status-badge"]').getAttribute('data-status'), { timeout: 10_000 }).toBe('connecting');
    expect(await row.locator('[data-testid="status-badge"]').textContent()).toBe('CONNECTING');
    await row.click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sources-connecting.png') });
    // The feeds panel follows the source: connecting feeds, never healthy before an answer.
    const feedBadges = () => page.locator('[data-testid="feed-row"] [data-testid="status-badge"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    await expect.poll(feedBadges, { timeout: 15_000 }).toContain('connecting');
    await expect.poll(() => row.locator('[data-testid="status-badge"]').getAttribute('data-status'), { timeout: 30_000 }).toBe('healthy');
    await expect.poll(async () => [...new Set(await feedBadges())], { timeout: 30_000 }).toEqual(['healthy']);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
