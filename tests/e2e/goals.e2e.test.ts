/**
 * End-to-end goals in Chromium against the real serve host with the sim running fast: the Goals
 * view by keyboard (Alt+4), a goal created and edited by keyboard only, the history chart filling
 * with daily snapshots as simulated days pass, and the worst status in the status bar.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

describe('Goals view in Chromium', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    // 20,000× sim: a simulated day passes in about 4.3 s.
    s = await startServe(['--sim-speed', '20000', '--sim-symbols', '1', '--tick-ms', '100']);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  const active = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

  it('creates and edits a goal by keyboard and sees the history chart after simulated days', async () => {
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.locator('[data-testid="connection"]', { hasText: 'connected' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Alt+4');
    await page.locator('[data-testid="view-goals"]').waitFor();
    const cards = page.locator('[data-testid="goal-card"]');
    await expect.poll(() => cards.count(), { timeout: 40_000 }).toBe(3);
    expect(await cards.locator('[data-testid="goal-card-label"]').allTextContents()).toEqual(['Monthly return', 'Monthly income', 'Portfolio value']);

    // Create: N opens the dialog with focus on the type; ↓ picks Monthly income; Tab, type, Enter.
    await page.keyboard.press('n');
    await page.locator('[data-testid="goal-dialog"]').waitFor();
    expect(await active()).toBe('goal-type');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('[data-testid="goal-type"]').inputValue()).toBe('monthly_income');
    await page.keyboard.press('Tab');
    expect(await active()).toBe('goal-target');
    await page.keyboard.type('0');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="goal-error"]').textContent(), { timeout: 20_000 }).toBe('Refused: The target must be greater than 0');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('750');
    await page.keyboard.press('Tab');
    expect(await active()).toBe('goal-label');
    await page.keyboard.type('Side income');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="goal-dialog"]').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('[data-testid="goals-msg"]').textContent(), { timeout: 20_000 }).toBe('Goal created: Side income, 750.00 USDT');
    await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(4);
    const created = (await call(s, 'goals.list', {})).body.result.find((g: { label: string }) => g.label === 'Side income');
    expect(created).toMatchObject({ type: 'monthly_income', target: 750 });
    // Over HTTP, bad input is a 400 naming the field and changes nothing.
    for (const [input, field] of [[{ type: 'weekly', target: 5 }, 'type'], [{ type: 'monthly_return', target: -1 }, 'target'], [{ type: 'portfolio_value', target: 5e4, deadline: 1_000 }, 'deadline'], [{ account: 77, type: 'monthly_return', target: 5 }, 'account']] as const) {
      const res = await call(s, 'goals.create', input);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_INPUT');
      expect(res.body.error.message).toContain(field);
    }
    expect((await call(s, 'goals.list', {})).body.result).toHaveLength(4);

    // Edit: focus lands on the new (selected) card; E opens the dialog; Tab to the target, replace it, Enter.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-goal')), { timeout: 20_000 }).toBe(String(created.id));
    await page.keyboard.press('e');
    await page.locator('[data-testid="goal-dialog"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await active()).toBe('goal-target');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('900');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="goal-dialog"]').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('[data-testid="goals-msg"]').textContent(), { timeout: 20_000 }).toBe('Goal updated: Side income, 900.00 USDT');
    const card = page.locator(`[data-testid="goal-card"][data-goal="${created.id}"]`);
    await expect.poll(() => card.locator('[data-testid="goal-target-value"]').textContent(), { timeout: 20_000 }).toBe('900.00 USDT');
    expect((await call(s, 'goals.list', {})).body.result.find((g: { id: number }) => g.id === created.id).target).toBe(900);

    // Simulated days pass: the selected goal's chart fills with daily snapshots.
    const chart = page.locator('[data-testid="goal-chart"]');
    await expect.poll(async () => Number(await chart.getAttribute('data-daily')), { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(2);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    const hist = (await call(s, 'goals.history', { id: created.id })).body.result as Array<{ day: string; kind: string }>;
    const days = hist.filter((h) => h.kind === 'daily').map((h) => h.day);
    expect(new Set(days).size).toBe(days.length);

    // Each card shows its status with a badge and a coloured bar; the status bar shows the worst one.
    const statuses = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    for (const st of statuses) expect(['achieved', 'on_track', 'at_risk', 'behind']).toContain(st);
    const rank = { achieved: 0, on_track: 1, at_risk: 2, behind: 3 } as const;
    const fresh = (await call(s, 'goals.status', {})).body.result as Array<{ status: keyof typeof rank }>;
    const worst = fresh.reduce((w, x) => (rank[x.status] > rank[w] ? x.status : w), 'achieved' as keyof typeof rank);
    await expect.poll(() => page.locator('[data-testid="goals-worst"]').getAttribute('data-status'), { timeout: 10_000 }).toBeTruthy();
    expect(Object.keys(rank)).toContain(await page.locator('[data-testid="goals-worst"]').getAttribute('data-status'));
    expect(worst).toBeTruthy();
    await expect.poll(() => page.locator('[data-testid="goal-factor"]').textContent(), { timeout: 20_000 }).toMatch(/^Sizing ×[\d.]+$/);

    // A signal executed now is sized by the goals: the view lists it with its factor and reason.
    await expect.poll(async () => (await call(s, 'signals.list', { limit: 5 })).body.result.length, { timeout: 40_000 }).toBeGreaterThan(0);
    const sig = (await call(s, 'signals.list', { limit: 1 })).body.result[0];
    const ex = (await call(s, 'signals.execute', { id: sig.id })).body.result;
    expect(ex.intent.sizingFactor).toBeGreaterThanOrEqual(0.5);
    expect(ex.intent.sizingFactor).toBeLessThanOrEqual(1.3);
    const row = page.locator('[data-testid="goal-sized-intent"]').first();
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain(`×${ex.intent.sizingFactor}`);
    expect(await row.textContent()).toContain(ex.intent.sizingReason);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'goals-1280x800.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'goals-1440x900.png') });

    // Delete by keyboard: Delete on the focused card, Enter confirms.
    await card.focus();
    await page.keyboard.press('Delete');
    await page.locator('[data-testid="goal-delete-dialog"]').waitFor();
    expect(await active()).toBe('goal-delete-confirm');
    await page.keyboard.press('Enter');
    await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(3);
    expect((await call(s, 'goals.list', {})).body.result.some((g: { id: number }) => g.id === created.id)).toBe(false);
  }, 150_000);
});
