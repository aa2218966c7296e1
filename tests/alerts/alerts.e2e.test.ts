/**
 * End to end in Chromium against the real serve host and the sim: a price alert created on the
 * chart with Alt+A (its line drawn there), firing at the sim's live price, acknowledged from
 * the Alerts view by keyboard; a rule made in the dialog by keyboard only; a line removed from
 * its context menu.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

let s: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  s = await startServe(['--sim-speed', '60', '--sim-symbols', '3', '--tick-ms', '100']);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? String(e)));
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const api = async <T>(name: string, input: unknown): Promise<T> => {
  const r = await call(s, name, input);
  if (r.status !== 200) throw new Error(`${name}: ${JSON.stringify(r.body)}`);
  return r.body.result as T;
};
interface AlertRow {
  id: number;
  status: string;
  message: string;
  firedAt: number;
  symbol: string;
  values: Record<string, number>;
}

describe('Alerts in Chromium', () => {
  it('Alt+A on the chart sets a price alert at the last price; it fires at the sim’s price and is acknowledged by keyboard', async () => {
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.locator('[data-testid="connection"]', { hasText: 'connected' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
    // Alt+A at the price under the cursor: six pixels above the last price, then six below (the op
    // follows the side of the price at that moment: above it crosses_above, below it crosses_below).
    const lines = page.locator('[data-testid="alert-lines"]');
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    /** The last price's y once the price scale has settled (two equal readings in a row). */
    const settledLastY = async (): Promise<number> => {
      let prev = NaN;
      for (let k = 0; k < 100; k++) {
        const y = Number((await lines.getAttribute('data-last-y')) || NaN);
        if (y > 0 && Math.abs(y - prev) < 1) return y;
        prev = y;
        await page.waitForTimeout(350);
      }
      throw new Error('the price scale never settled');
    };
    await page.mouse.move(box.x + box.width / 2, box.y + (await settledLastY()) - 6);
    await page.keyboard.press('Alt+A');
    await expect.poll(() => page.locator('[data-testid="alert-line-msg"]').textContent(), { timeout: 10_000 }).toMatch(/^Price alert set: BTC\/USDT (above|below) [\d,.]+$/);
    await page.mouse.move(box.x + box.width / 2, box.y + (await settledLastY()) + 6);
    await page.keyboard.press('Alt+A');
    await expect.poll(() => page.locator('[data-testid="alert-line-msg"]').textContent(), { timeout: 10_000 }).toMatch(/^Price alert set: BTC\/USDT (above|below) [\d,.]+$/);
    await expect.poll(async () => (await api<unknown[]>('alerts.rules.list', {})).length, { timeout: 10_000 }).toBe(2);
    const rules = await api<Array<{ id: number; condition: { value: number; op: string } }>>('alerts.rules.list', {});
    // Both at the price under the cursor, a few pixels from the last price (which keeps moving, so
    // their order is not fixed on a slow machine): within 2 % of the latest close.
    const [latest] = (await api<number[][]>('market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', limit: 1 })).slice(-1);
    for (const r of rules) {
      expect(['crosses_above', 'crosses_below']).toContain(r.condition.op);
      expect(Math.abs(r.condition.value / latest![4]! - 1)).toBeLessThan(0.02);
    }
    // Each enabled rule is a line on the chart (a level six pixels from the price may already
    // have fired and left it when the machine is slow): the chart's lines match the engine's rules.
    await expect
      .poll(async () => {
        const enabled = (await api<Array<{ enabled: boolean; condition: { value: number } }>>('alerts.rules.list', {})).filter((r) => r.enabled).map((r) => r.condition.value).sort();
        const drawn = ((await lines.getAttribute('data-levels')) || '').split(',').filter(Boolean).map(Number).sort();
        return JSON.stringify(drawn) === JSON.stringify(enabled) ? 'match' : `${drawn} vs ${enabled}`;
      }, { timeout: 10_000 })
      .toBe('match');
    await page.mouse.move(5, 5);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'alerts-chart-line-1280.png') });

    // The sim's price leaves the band between the two levels soon, one way or the other.
    const fired = await expect
      .poll(async () => (await api<AlertRow[]>('alerts.list', { status: 'active' }))[0]?.id ?? 0, { timeout: 60_000, interval: 250 })
      .toBeGreaterThan(0)
      .then(async () => (await api<AlertRow[]>('alerts.list', {}))[0]!);
    expect(fired.message).toMatch(/^BTC\/USDT crossed (above|below) [\d,.]+ at [\d,.]+$/);
    // A chart alert fires once: its rule disables itself and its line leaves the chart.
    await expect.poll(async () => (await api<Array<{ id: number; enabled: boolean }>>('alerts.rules.list', {})).find((r) => r.id === (fired as AlertRow & { ruleId: number }).ruleId)?.enabled, { timeout: 10_000 }).toBe(false);
    await expect.poll(async () => Number(await lines.getAttribute('data-count')), { timeout: 10_000 }).toBeLessThan(2);
    const rule = rules.find((r) => r.id === (fired as AlertRow & { ruleId: number }).ruleId)!;
    if (rule.condition.op === 'crosses_above') expect(fired.values.price).toBeGreaterThanOrEqual(rule.condition.value);
    else expect(fired.values.price).toBeLessThan(rule.condition.value);
    // At the sim's price: inside the 1m bar of the moment it fired.
    const bars = await api<number[][]>('market.candles', { source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', limit: 30 });
    const bar = bars.find((b) => b[0]! <= fired.firedAt && fired.firedAt < b[0]! + 60_000);
    expect(bar).toBeDefined();
    expect(fired.values.price).toBeGreaterThanOrEqual(bar![3]!);
    expect(fired.values.price).toBeLessThanOrEqual(bar![2]!);

    // The Alerts view by keyboard: Alt+5, the list has focus, A acknowledges the selected alert.
    await page.keyboard.press('Alt+5');
    await page.locator('[data-testid="view-alerts"]').waitFor();
    await page.locator(`[data-testid="alert-row"][data-id="${fired.id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('alerts-list');
    // The newest alert is selected on opening (the other level may have fired meanwhile too).
    const selId = Number(await page.locator('[data-testid="alert-row"].sel').getAttribute('data-id'));
    const row = page.locator(`[data-testid="alert-row"][data-id="${selId}"]`);
    expect(await row.getAttribute('data-status')).toBe('active');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'alerts-view-1280.png') });
    await page.keyboard.press('a');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('acknowledged');
    expect(await page.locator('[data-testid="alerts-msg"]').textContent()).toBe(`Acknowledged alert #${selId}`);
    await expect.poll(() => page.locator('[data-testid="alert-stat-acknowledged"] .alert-stat-n').textContent(), { timeout: 10_000 }).toBe('1');
    expect((await api<AlertRow[]>('alerts.list', {})).find((a) => a.id === selId)!.status).toBe('acknowledged');
    // R resolves it: it leaves the Active tab and stays in History.
    await page.keyboard.press('r');
    await expect.poll(() => page.locator(`[data-testid="alert-row"][data-id="${selId}"]`).count(), { timeout: 10_000 }).toBe(0);
    await page.locator('[data-testid="alerts-tab-history"]').click();
    await expect.poll(() => page.locator(`[data-testid="alert-row"][data-id="${selId}"]`).getAttribute('data-status'), { timeout: 10_000 }).toBe('resolved');
  }, 120_000);

  it('creates a rule in the dialog by keyboard only, and the engine’s refusal names the field', async () => {
    await page.locator('[data-testid="alerts-list"]').focus();
    await page.keyboard.press('n');
    await page.locator('[data-testid="alert-dialog"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('alert-kind');
    await page.keyboard.press('ArrowDown'); // indicator
    expect(await page.locator('[data-testid="alert-kind"]').inputValue()).toBe('indicator');
    await page.keyboard.press('Tab'); // source
    await page.keyboard.press('Tab'); // symbol
    await page.keyboard.press('Tab'); // timeframe
    await page.keyboard.press('Tab'); // feature
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('alert-f-feature');
    await page.keyboard.type('rsi_x');
    await page.keyboard.press('Tab'); // op: < by default
    await page.keyboard.press('Tab');
    await page.keyboard.type('30');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="alert-error"]').textContent(), { timeout: 10_000 }).toContain('condition.feature');
    await page.locator('[data-testid="alert-f-feature"]').focus();
    await page.keyboard.press('Backspace');
    await page.keyboard.type('14');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="alert-dialog"]').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('[data-testid="alerts-msg"]').textContent(), { timeout: 10_000 }).toBe('Alert rule created: rsi_14 < 30 on BTC/USDT 1m');
    const rules = await api<Array<{ kind: string; condition: Record<string, unknown> }>>('alerts.rules.list', { kind: 'indicator' });
    expect(rules[0]!.condition).toEqual({ source: 'sim', symbol: 'BTC/USDT', timeframe: '1m', feature: 'rsi_14', op: '<', value: 30 });
  });

  it('a price line is removed from its context menu', async () => {
    await page.keyboard.press('Alt+1');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
    const lines = page.locator('[data-testid="alert-lines"]');
    const before = Number(await lines.getAttribute('data-count'));
    // Far from the price (150 px away), so it does not fire (and disable itself) during the test.
    await expect.poll(async () => Number((await lines.getAttribute('data-last-y')) || NaN), { timeout: 10_000 }).toBeGreaterThan(0);
    const lastY = Number(await lines.getAttribute('data-last-y'));
    const chart = (await page.locator('[data-testid="chart"]').boundingBox())!;
    await page.mouse.move(chart.x + chart.width / 2, chart.y + (lastY > 200 ? lastY - 150 : lastY + 150));
    await page.keyboard.press('Alt+A');
    await expect.poll(async () => Number(await lines.getAttribute('data-count')), { timeout: 10_000 }).toBe(before + 1);
    await expect.poll(async () => ((await lines.getAttribute('data-ys')) ?? '').split(',').every((y) => y !== ''), { timeout: 10_000 }).toBe(true);
    const y = Number(((await lines.getAttribute('data-ys')) ?? '').split(',')[0]); // the newest
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    await page.mouse.click(box.x + 200, box.y + y, { button: 'right' });
    await page.locator('[data-testid="alert-line-menu"]').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'alerts-line-menu-1280.png') });
    await page.keyboard.press('Enter');
    await expect.poll(async () => Number(await lines.getAttribute('data-count')), { timeout: 10_000 }).toBeLessThanOrEqual(before);
    await expect.poll(() => page.locator('[data-testid="alert-line-msg"]').textContent(), { timeout: 10_000 }).toMatch(/^Price alert removed: /);
    // The view at the larger size too.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press('Alt+5');
    await page.locator('[data-testid="view-alerts"]').waitFor();
    await page.locator('[data-testid="alerts-tab-history"]').click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'alerts-view-1440.png') });
    expect(pageErrors).toEqual([]);
  });
});
