/**
 * The Settings view in Chromium against the real serve host: theme and density switch at once
 * (app and chart), are stored by the engine and applied on reload before the app's script runs
 * (no flash) and after a restart in a fresh browser profile; the shortcut list is the registry's
 * (every key the chart's ? help shows); notification settings round-trip through the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';
import type { AppSettings } from '../../engine/api';

async function getSettings(s: Served): Promise<AppSettings> {
  const r = await fetch(`${s.url}/api/call/settings.get`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: '{}' });
  return ((await r.json()) as { result: AppSettings }).result;
}

const bg = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
/** The colour lightweight-charts painted most often over a grid of points of the price pane (its background). */
const chartPixel = (page: Page) =>
  page.evaluate(() => {
    const canvas = Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid="chart"] canvas')).find((c) => c.width > 200 && c.height > 200);
    const g = canvas?.getContext('2d');
    if (!canvas || !g) return null;
    const count = new Map<string, number>();
    for (let x = 3; x < canvas.width - 3; x += Math.floor(canvas.width / 23))
      for (let y = 3; y < canvas.height / 2; y += Math.floor(canvas.height / 17)) {
        const d = g.getImageData(x, y, 1, 1).data;
        const k = `${d[0]},${d[1]},${d[2]}`;
        count.set(k, (count.get(k) ?? 0) + 1);
      }
    const top = [...count.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    return top.split(',').map(Number);
  });

describe('settings view', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  let chartHelp: Array<{ keys: string; label: string }> = [];

  beforeAll(async () => {
    s = await startServe([]);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
    // The chart's own shortcut help, to compare with the Settings list.
    await page.keyboard.press('?');
    const items = page.locator('[data-testid="shortcut-help"] [data-testid="shortcut-item"]');
    await items.first().waitFor();
    chartHelp = await items.evaluateAll((els) => els.map((e) => ({ keys: e.getAttribute('data-keys') ?? '', label: e.getAttribute('data-label') ?? '' })));
    await page.keyboard.press('Escape');
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('switches theme and density at once, in the app and on the chart', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.theme ?? 'dark')).toBe('dark');
    const darkChart = await chartPixel(page);
    expect(darkChart).toEqual([14, 17, 22]);
    await page.keyboard.press('Alt+9');
    await page.locator('[data-testid="view-settings"]').waitFor();
    const navHeight = async () => (await page.locator('[data-testid="nav-chart"]').boundingBox())!.height;
    const comfortable = await navHeight();

    await page.locator('[data-testid="settings-theme"] input[value="light"]').click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    expect(await bg(page)).toBe('rgb(246, 248, 250)');
    await expect.poll(() => page.locator('[data-testid="settings-msg"]').textContent()).toBe('Light theme: saved');
    await page.locator('[data-testid="settings-density"] input[value="compact"]').click();
    await page.waitForFunction(() => document.documentElement.dataset.density === 'compact');
    expect(await navHeight()).toBeLessThan(comfortable - 4);
    expect(await getSettings(s)).toMatchObject({ appearance: { theme: 'light', density: 'compact' } });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-light-1280.png'), fullPage: false });

    // The chart follows the theme (lightweight-charts applyOptions).
    await page.keyboard.press('Alt+1');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
    await expect.poll(() => chartPixel(page)).toEqual([255, 255, 255]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'chart-light-1280.png') });
  }, 60_000);

  it('on reload the saved theme is on the page before the app script runs (no flash)', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let seen = false;
    await page.route(/\/assets\/index-[^/]+\.js$/, async (route) => {
      seen = true;
      await held;
      await route.continue();
    });
    await page.goto(`${s.url}/?token=${s.token}#/settings`, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.body !== null && document.getElementById('root') !== null);
    await expect.poll(() => seen).toBe(true);
    // The app's script is held: what is on screen is the HTML, the CSS and theme-boot.js alone.
    expect(await page.evaluate(() => [document.documentElement.dataset.theme, document.documentElement.dataset.density, document.getElementById('root')!.childElementCount])).toEqual(['light', 'compact', 0]);
    release();
    await page.locator('[data-testid="view-settings"]').waitFor();
    await page.unroute(/\/assets\/index-[^/]+\.js$/);
    expect(await page.locator('[data-testid="settings-theme"] input[value="light"]').isChecked()).toBe(true);
    expect(await page.locator('[data-testid="settings-density"] input[value="compact"]').isChecked()).toBe(true);
  }, 60_000);

  it('lists the shortcuts of the registry: every key of the chart help, the keys that work everywhere, and the keys of views not opened yet', async () => {
    // The page was reloaded: the chart is opened again so that its keys are declared in this window.
    await page.keyboard.press('Alt+1');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 60_000 });
    await page.keyboard.press('Alt+9');
    const list = page.locator('[data-testid="settings-shortcuts"] [data-testid="settings-shortcut-item"]');
    await list.first().waitFor();
    const listed = await list.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-keys')} ${e.getAttribute('data-label')}`));
    expect(chartHelp.length).toBeGreaterThan(10);
    for (const h of chartHelp) expect(listed, `${h.keys} ${h.label}`).toContain(`${h.keys} ${h.label}`);
    // The Settings view's own help (global keys) is in the list too, and the list has nothing the registry lacks.
    await page.keyboard.press('?');
    const here = await page.locator('[data-testid="shortcut-help"] [data-testid="shortcut-item"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-keys')} ${e.getAttribute('data-label')}`));
    await page.keyboard.press('Escape');
    for (const h of here) expect(listed).toContain(h);
    expect(listed).toContain('Alt+3 Orders & Positions');
    expect(listed).toContain('Ctrl+K Command palette');
    // Views not opened since the reload: their keys are listed all the same, with their view.
    for (const k of ['N New alert rule', 'Shift+X Flatten all — close every open trade at market', 'N New inbound source (focus its name)', 'Shift+S Add a series source (funding, open interest, book, HTTP JSON)']) expect(listed).toContain(k);
    const scopes = await list.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(scopes).toContain('N New alert rule · in Alerts');
    // Each key once per view: the declared chart keys are not listed again from the catalogue.
    expect(listed.filter((l) => l === 'W Watchlist panel (show / hide)')).toHaveLength(1);
  }, 60_000);

  it('notification settings round-trip through the engine and survive a reload', async () => {
    await page.locator('[data-testid="settings-quiet-start"]').fill('21:30');
    await page.locator('[data-testid="settings-quiet-end"]').fill('06:45');
    await page.locator('[data-testid="settings-quiet-save"]').click();
    await expect.poll(() => page.locator('[data-testid="settings-msg"]').textContent()).toBe('Quiet hours 21:30–06:45: saved');
    await page.locator('[data-testid="settings-quiet"]').click();
    await expect.poll(() => page.locator('[data-testid="settings-msg"]').textContent()).toBe('Quiet hours on: saved');
    await page.locator('[data-testid="settings-sound"]').click();
    await expect.poll(() => page.locator('[data-testid="settings-msg"]').textContent()).toBe('Sound off: saved');
    expect((await getSettings(s)).notifications).toEqual({ popups: true, sound: false, quietHours: { enabled: true, start: '21:30', end: '06:45' } });
    await page.reload();
    await page.locator('[data-testid="view-settings"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="settings-quiet-start"]').inputValue()).toBe('21:30');
    expect(await page.locator('[data-testid="settings-quiet"]').isChecked()).toBe(true);
    expect(await page.locator('[data-testid="settings-sound"]').isChecked()).toBe(false);
    expect(await page.locator('[data-testid="settings-datadir"]').textContent()).toBe(s.dataDir);
    expect(Number(await page.locator('[data-testid="settings-dbsize"]').getAttribute('data-bytes'))).toBeGreaterThan(4096);
  }, 60_000);

  it('after a restart, a fresh browser profile gets the engine’s theme', async () => {
    const dataDir = s.dataDir;
    await s.stop();
    s = await startServe([], dataDir);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const p2 = await ctx.newPage();
    await p2.goto(`${s.url}/?token=${s.token}#/settings`);
    await p2.waitForFunction(() => document.documentElement.dataset.theme === 'light' && document.documentElement.dataset.density === 'compact', null, { timeout: 30_000 });
    await p2.locator('[data-testid="view-settings"]').waitFor();
    await p2.screenshot({ path: path.join(SCREENSHOTS, 'settings-light-1440.png') });
    await p2.locator('[data-testid="settings-risk-account"]').waitFor();
    await p2.locator('[data-testid="risk-form"]').waitFor();
    await p2.evaluate(() => document.getElementById('settings-ai')?.scrollIntoView());
    await p2.screenshot({ path: path.join(SCREENSHOTS, 'settings-risk-light-1440.png') });
    for (const [key, view] of [['Alt+3', 'orders'], ['Alt+2', 'signals'], ['Alt+5', 'alerts'], ['Alt+8', 'data']] as const) {
      await p2.keyboard.press(key);
      await p2.locator(`[data-testid="nav-${view}"][aria-current="page"]`).waitFor();
      await p2.screenshot({ path: path.join(SCREENSHOTS, `${view}-light-1440.png`) });
    }
    await ctx.close();
    expect(consoleErrors.filter((e) => !/Failed to load resource|WebSocket/.test(e))).toEqual([]);
  }, 90_000);
});
