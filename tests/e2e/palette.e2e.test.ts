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
  const consoleErrors: string[] = [];
  beforeAll(async () => {
    s = await startServe([]);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
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

  it('in every view, each key of the shortcut help is in the palette, the view keys are declared there, and no key is bound twice', async () => {
    // Keys each view declares in the registry (the views' own listeners are gone).
    const expected: Record<string, string[]> = {
      '1': ['Next indicator profile', 'Previous indicator profile', 'Load every stored bar and show the oldest', 'Back to the newest bar', 'Price alert at the cursor (or the last price)'],
      '4': ['New goal'],
      '5': ['New alert rule', 'Focus the alert list', 'Acknowledge the selected alert'],
      '8': ['Add a data source', 'Import / export CSV candles'],
      '0': ['New inbound source (focus its name)', 'Refresh inbound events'],
    };
    for (const [i, n] of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].entries()) {
      await page.keyboard.press(`Alt+${n}`);
      await page.waitForFunction((at) => document.querySelectorAll('nav .nav')[at]?.classList.contains('active'), i);
      await page.keyboard.press('?');
      await page.locator('[data-testid="shortcut-help"]').waitFor();
      const help = await page.locator('[data-testid="shortcut-item"]').evaluateAll((els) => els.map((e) => ({ keys: e.querySelector('kbd')?.textContent ?? '', label: e.querySelector('span')?.textContent ?? '' })));
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+k');
      await page.locator('[data-testid="palette"]').waitFor();
      const palette = await page.locator('[data-testid="palette-item"]').evaluateAll((els) => els.map((e) => ({ keys: e.querySelector('kbd')?.textContent ?? '', label: e.querySelector('.palette-label')?.textContent ?? '' })));
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="palette"]').waitFor({ state: 'detached' });
      for (const h of help) expect(palette, `view Alt+${n}: ${h.keys} ${h.label}`).toContainEqual(h);
      for (const label of expected[n] ?? []) expect(help.map((h) => h.label), `view Alt+${n}`).toContain(label);
    }
    expect(consoleErrors.filter((e) => e.startsWith('keyboard:'))).toEqual([]);
    await page.keyboard.press('Alt+1');
  });

  it('a view key fires once: N on Data sources opens one dialog, I on the chart steps one profile', async () => {
    await page.keyboard.press('Alt+8');
    await page.locator('[data-testid="view-data"]').waitFor();
    await page.locator('h2').first().click();
    await page.keyboard.press('n');
    await page.locator('[data-testid="source-dialog"]').waitFor();
    expect(await page.locator('[aria-modal="true"]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="source-dialog"]').waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+1');
    const select = page.locator('[data-testid="indicator-profile"]');
    await select.waitFor();
    await page.waitForFunction(() => ((document.querySelector('[data-testid="indicator-profile"]') as HTMLSelectElement | null)?.options.length ?? 0) > 2);
    const options = await select.evaluate((el) => Array.from((el as HTMLSelectElement).options, (o) => o.value));
    const before = await select.inputValue();
    await page.locator('[data-testid="chart"]').click();
    await page.keyboard.press('i');
    const next = options[(options.indexOf(before) + 1) % options.length]!;
    await page.waitForFunction((v) => (document.querySelector('[data-testid="indicator-profile"]') as HTMLSelectElement).value === v, next);
    expect(await select.inputValue()).toBe(next);
  });
});
