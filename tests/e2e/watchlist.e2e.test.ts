/**
 * The watchlist beside the chart, in Chromium on the real serve host (40 sim symbols at 60×):
 * W shows it with the keyboard in its filter; typing filters, ↑/↓ move, Enter shows the symbol on
 * the chart; lists are created, filled with +, renamed and deleted from the panel and persisted;
 * refusals are said as refusals; the alert bell follows the engine's rules.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

const SYMBOLS = 40;

describe('watchlist panel', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  let symbols: string[];
  const consoleErrors: string[] = [];
  const rows = () => page.locator('[data-testid="watch-row"]');
  const selected = () => page.locator('[data-testid="watch-row"][aria-selected="true"]').getAttribute('data-symbol');
  const chartSymbol = () => page.locator('[data-testid="symbol-select"]').inputValue();
  const seq = () => page.locator('[data-testid="watchlist"]').getAttribute('data-seq').then(Number);
  const note = () => page.locator('[data-testid="watch-note"]').textContent();
  const api = async (name: string, input: unknown) => {
    const r = await call(s, name, input);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.result;
  };

  beforeAll(async () => {
    s = await startServe(['--sim-symbols', String(SYMBOLS), '--sim-speed', '60']);
    symbols = await api('market.symbols', { source: 'sim' });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('W shows the panel with every symbol of the chart source; typing filters, ↑/↓ move, Enter shows the symbol on the chart', async () => {
    const chartBox = await page.locator('[data-testid="chart"]').boundingBox();
    await page.locator('[data-testid="chart"]').click({ position: { x: 60, y: 60 } });
    await page.keyboard.press('w');
    await page.locator('[data-testid="watchlist"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('watch-filter');
    await page.waitForFunction((n) => document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-rows') === String(n), SYMBOLS);
    // Fixed-height rows, only the visible ones in the DOM.
    expect(await rows().count()).toBeLessThan(SYMBOLS);
    expect(await rows().first().getAttribute('data-symbol')).toBe(symbols[0]);
    // Prices are live: the quotes are applied again and again.
    const seq0 = await seq();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-seq')) > n + 2, seq0, { timeout: 20_000 });
    const first = await rows().first();
    expect(Number(await first.getAttribute('data-last'))).toBeGreaterThan(0);
    expect(await first.locator('.wl-chg').textContent()).toMatch(/^[+-]\d+\.\d\d%$/);
    expect(Number(await first.locator('canvas').getAttribute('data-points'))).toBeGreaterThan(2);
    expect(await page.locator('[data-testid="watch-basis"]').getAttribute('title')).toMatch(/24 hours|session start/);
    // The chart got narrower, and is still there.
    const narrower = await page.locator('[data-testid="chart"]').boundingBox();
    expect(narrower!.width).toBeLessThan(chartBox!.width - 300);
    expect(narrower!.width).toBeGreaterThan(600);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'watchlist-1280x800.png') });

    // ↓ past the visible rows: the selection scrolls into view.
    const start = symbols.indexOf(await chartSymbol());
    for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowDown');
    const target = symbols[Math.min(SYMBOLS - 1, Math.max(0, start) + 25)]!;
    expect(await selected()).toBe(target);
    expect(await page.locator('[data-testid="watch-row"][aria-selected="true"]').isVisible()).toBe(true);
    await page.keyboard.press('ArrowUp');
    const up = symbols[symbols.indexOf(target) - 1]!;
    expect(await selected()).toBe(up);
    await page.keyboard.press('Enter');
    await page.waitForFunction((sym) => (document.querySelector('[data-testid="symbol-select"]') as HTMLSelectElement | null)?.value === sym, up);
    await page.waitForFunction((sym) => document.querySelector('[data-testid="last-price"]')?.textContent?.includes(sym), up);

    // Typing filters; Enter on the filtered list shows the chosen one.
    await page.keyboard.type('eth');
    await page.waitForFunction(() => document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-rows') === '1');
    expect(await rows().first().getAttribute('data-symbol')).toBe('ETH/USDT');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('[data-testid="symbol-select"]') as HTMLSelectElement | null)?.value === 'ETH/USDT');
    await page.keyboard.type('zzz');
    expect(await page.locator('[data-testid="watch-empty"]').textContent()).toContain('Nothing matches');
    // Esc clears the filter, a second Esc leaves the field; then W hides the panel (the keys go back to the registry).
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid="watch-filter"]').inputValue()).toBe('');
    await page.waitForFunction((n) => document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-rows') === String(n), SYMBOLS);
    await page.keyboard.press('Escape');
    await page.keyboard.press('w');
    await page.locator('[data-testid="watchlist"]').waitFor({ state: 'detached' });
    await page.keyboard.press('w');
    await page.locator('[data-testid="watchlist"]').waitFor();
  });

  it('creates a list, + adds symbols (refusals named), renames and deletes it — all persisted in the engine', async () => {
    await page.locator('[data-testid="watch-new"]').click();
    await page.locator('[data-testid="watch-name-input"]').waitFor();
    await page.keyboard.type('Majors');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="watch-note"]')?.textContent?.includes('created “Majors”'));
    const [created] = (await api('watchlists.list', {})) as Array<{ id: number; name: string; symbols: unknown[] }>;
    expect(created).toMatchObject({ name: 'Majors', symbols: [] });
    expect(await page.locator('[data-testid="watchlist"]').getAttribute('data-view')).toBe(String(created!.id));
    expect(await page.locator('[data-testid="watch-empty"]').textContent()).toContain('+ adds');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('watch-filter');

    // + opens the small input; Enter adds.
    for (const sym of ['ETH/USDT', 'BTC/USDT']) {
      await page.keyboard.press('+');
      await page.locator('[data-testid="watch-add-input"]').waitFor();
      await page.keyboard.type(sym.toLowerCase());
      await page.keyboard.press('Enter');
      await page.waitForFunction((x) => document.querySelector('[data-testid="watch-note"]')?.textContent?.includes(`added ${x} to “Majors”`), sym);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-rows') === '2');
    expect(await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-symbol')))).toEqual(['ETH/USDT', 'BTC/USDT']);
    // A symbol the source does not offer: refused, the field named, nothing added.
    await page.keyboard.press('+');
    await page.keyboard.type('NOPE/USDT');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="watch-note"]')?.textContent?.startsWith('refused'));
    expect(await note()).toContain('symbols.2.symbol');
    await page.keyboard.press('Escape');
    expect(((await api('watchlists.list', {})) as Array<{ symbols: Array<{ symbol: string }> }>)[0]!.symbols.map((x) => x.symbol)).toEqual(['ETH/USDT', 'BTC/USDT']);
    // ↓ + Enter in the list shows its symbol on the chart.
    await page.locator('[data-testid="watch-filter"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('[data-testid="symbol-select"]') as HTMLSelectElement | null)?.value === 'BTC/USDT');

    // The bell shows where an alert rule exists.
    expect(await page.locator('[data-testid="watch-bell"]').count()).toBe(0);
    await api('alerts.rules.create', { kind: 'price', condition: { source: 'sim', symbol: 'BTC/USDT', op: 'crosses_above', value: 1e9 } });
    await page.locator('[data-testid="watch-row"][data-symbol="BTC/USDT"] [data-testid="watch-bell"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="watch-bell"]').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'watchlist-custom-1280x800.png') });

    // A name another list has: refused; then a rename that works.
    await page.locator('[data-testid="watch-rename"]').click();
    await page.locator('[data-testid="watch-name-input"]').fill('Core');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="watch-note"]')?.textContent?.includes('renamed to “Core”'));
    expect(((await api('watchlists.list', {})) as Array<{ name: string }>).map((l) => l.name)).toEqual(['Core']);
    await page.locator('[data-testid="watch-new"]').click();
    await page.locator('[data-testid="watch-name-input"]').fill('core');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="watch-note"]')?.textContent?.startsWith('refused'));
    expect(await note()).toContain('name');
    await page.keyboard.press('Escape');
    expect(((await api('watchlists.list', {})) as Array<{ name: string }>).map((l) => l.name)).toEqual(['Core']);

    // Back to the chart's source: + there adds the selected symbol to the first list.
    await page.locator('[data-testid="watch-picker"]').selectOption('source');
    await page.waitForFunction((n) => document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-rows') === String(n), SYMBOLS);
    await page.locator('[data-testid="watch-filter"]').focus();
    await page.keyboard.type('sol');
    await page.waitForFunction(() => document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-rows') === '1');
    await page.keyboard.press('+');
    expect(await page.locator('[data-testid="watch-add-input"]').inputValue()).toBe('SOL/USDT');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="watch-note"]')?.textContent?.includes('added SOL/USDT to “Core”'));
    expect(((await api('watchlists.list', {})) as Array<{ symbols: Array<{ symbol: string }> }>)[0]!.symbols.map((x) => x.symbol)).toEqual(['ETH/USDT', 'BTC/USDT', 'SOL/USDT']);

    // Delete, confirmed.
    await page.locator('[data-testid="watch-picker"]').selectOption({ label: 'Core (3)' });
    await page.locator('[data-testid="watch-delete"]').click();
    await page.locator('[data-testid="watch-delete-confirm"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="watch-note"]')?.textContent?.includes('deleted “Core”'));
    expect(await api('watchlists.list', {})).toEqual([]);
    expect(await page.locator('[data-testid="watchlist"]').getAttribute('data-view')).toBe('source');
  });

  it('stays open across a reload and fits 1440×900 beside a readable chart', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.reload();
    await page.locator('[data-testid="watchlist"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction((n) => document.querySelector('[data-testid="watchlist"]')?.getAttribute('data-rows') === String(n), SYMBOLS, { timeout: 30_000 });
    const chart = await page.locator('[data-testid="chart"]').boundingBox();
    const panel = await page.locator('[data-testid="watchlist"]').boundingBox();
    expect(chart!.x + chart!.width).toBeLessThanOrEqual(panel!.x + 1);
    expect(chart!.width).toBeGreaterThan(800);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'watchlist-1440x900.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('shows a list created, renamed or deleted elsewhere (another window, the API) without a reload', async () => {
    const options = () => page.locator('[data-testid="watch-picker"] option').allTextContents();
    const w = (await api('watchlists.create', { name: 'From the API', symbols: [{ source: 'sim', symbol: 'ETH/USDT' }] })) as { id: number };
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="watch-picker"] option')).some((o) => o.textContent === 'From the API (1)'), null, { timeout: 10_000 });
    await api('watchlists.update', { id: w.id, name: 'Renamed elsewhere' });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="watch-picker"] option')).some((o) => o.textContent === 'Renamed elsewhere (1)'), null, { timeout: 10_000 });
    expect(await options()).not.toContain('From the API (1)');
    await api('watchlists.delete', { id: w.id });
    await page.waitForFunction(() => !Array.from(document.querySelectorAll('[data-testid="watch-picker"] option')).some((o) => o.textContent?.startsWith('Renamed elsewhere')), null, { timeout: 10_000 });
  });
});
