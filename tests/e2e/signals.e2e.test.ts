/**
 * End-to-end signals: in Chromium over the real serve host, a channel created in the channel
 * editor (keyboard) on the sim market at high speed produces a signal that appears in the feed
 * with its reasons and levels, is acknowledged by keystroke, and is marked on the chart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

let s: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  s = await startServe(['--sim-speed', '600', '--tick-ms', '200', '--sim-symbols', '8']);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('signals in Chromium', () => {
  // Waits for the sim to produce a real signal, then sweeps the chart for its marker tooltip: allow 2 minutes.
  it('a channel made in the editor produces a signal in the feed; A acknowledges; Enter shows it on the chart', async () => {
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
    await page.click('[data-testid="nav-signals"]');
    await page.locator('[data-testid="view-signals"]').waitFor();
    // A fresh install starts with the starter channel on the simulated market.
    await expect.poll(() => page.locator('[data-testid="signals-status"]').textContent(), { timeout: 10_000 }).toMatch(/1\/1 channels/);
    await expect.poll(() => page.locator('[data-testid="channel-row"]').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining('Starter (simulated market)')]);
    // Removed here so every signal below comes from the channel this test makes.
    const starter = (await call(s, 'signals.channels.list', {})).body.result[0];
    expect(starter).toMatchObject({ timeframe: '1m', symbols: { source: 'sim', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] } });
    expect((await call(s, 'signals.channels.delete', { id: starter.id })).status).toBe(200);
    await expect.poll(() => page.locator('[data-testid="signals-status"]').textContent(), { timeout: 10_000 }).toMatch(/0\/0 channels/);
    // N opens the editor with the name focused
    await page.keyboard.press('n');
    const editor = page.locator('[data-testid="channel-editor"]');
    await editor.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('ch-name');
    await page.keyboard.type('Fast crosses');
    // Params are form fields from the strategy's schema: default as the hint, range, one-line description.
    const fast = page.locator('[data-testid="ch-param-ema_cross-fast"]');
    expect(await fast.getAttribute('placeholder')).toBe('9 (default)');
    expect(await fast.inputValue()).toBe('');
    expect(await page.locator('[data-testid="ch-form-ema_cross"]').textContent()).toMatch(/Bars of the fast EMA/);
    // Validated as typed: out of range and not whole say so at once.
    await fast.fill('0');
    await expect.poll(() => page.locator('[data-testid="ch-param-ema_cross-fast-error"]').textContent()).toMatch(/fast must be ≥ 1/);
    await fast.fill('2.5');
    await expect.poll(() => page.locator('[data-testid="ch-param-ema_cross-fast-error"]').textContent()).toMatch(/whole number/);
    await fast.fill('2');
    await page.fill('[data-testid="ch-param-ema_cross-slow"]', '5');
    await page.fill('[data-testid="ch-param-ema_cross-atr"]', '3');
    expect(await page.locator('[data-testid="ch-param-ema_cross-fast-error"]').count()).toBe(0);
    // Raw JSON stays as an advanced toggle, carrying the values across.
    await page.check('[data-testid="ch-raw-ema_cross"]');
    expect(JSON.parse(await page.locator('[data-testid="ch-params-ema_cross"]').inputValue())).toEqual({ fast: 2, slow: 5, atr: 3 });
    await page.fill('[data-testid="ch-symbols"]', 'BTC/USDT');
    // the sim clock runs 600× here: loosen the time gates so bars closed within a tick count as fresh
    await page.fill('[data-testid="ch-stale-bars"]', '1000');
    await page.fill('[data-testid="ch-max-age"]', '86400');
    await page.fill('[data-testid="ch-max-drift"]', '50');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signals-channel-editor.png') });
    // a bad param is refused with the engine's message, and nothing is created
    await page.fill('[data-testid="ch-params-ema_cross"]', '{"fast":9,"slow":3}');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('[data-testid="ch-error"]').textContent(), { timeout: 5_000 }).toMatch(/fast must be shorter than slow/);
    await page.fill('[data-testid="ch-params-ema_cross"]', '{"fast":2,"slow":5,"atr":3}');
    await page.keyboard.press('Control+Enter');
    await editor.waitFor({ state: 'detached' });
    // The list follows the engine's events: poll until it holds exactly the new channel.
    await expect.poll(() => page.locator('[data-testid="channel-row"]').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining('Fast crosses')]);
    // The starter channel may have delivered signals before it was removed: show this channel's only.
    const made = (await call(s, 'signals.channels.list', {})).body.result.find((c: { name: string }) => c.name === 'Fast crosses');
    await page.selectOption('[data-testid="filter-channel"]', String(made.id));

    // a signal arrives in the feed, live
    const first = page.locator('[data-testid="signal-row"][data-status="delivered"]').first();
    await first.waitFor({ timeout: 45_000 });
    // ↑ to the top of the feed (newer signals keep arriving above; the selection follows its id)
    await page.locator('[data-testid="signals-feed"]').focus();
    for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowUp');
    const selected = page.locator('[data-testid="signal-row"].sel');
    const id = Number(await selected.getAttribute('data-id'));
    expect(id).toBeGreaterThan(0);
    expect(await selected.getAttribute('data-status')).toBe('delivered');
    expect(await selected.textContent()).toMatch(/BTC\/USDT.*1m.*(BUY|SELL).*ema_cross.*Fast crosses/);
    await expect.poll(() => page.locator('[data-testid="signal-detail"] h3').textContent()).toContain(`#${id}`);
    const reasons = await page.locator('[data-testid="signal-reasons"]').textContent();
    expect(reasons).toMatch(/EMA\(2\) [\d,.]+ crossed (above|below) EMA\(5\)/);
    expect(reasons).toMatch(/Stop [\d,.]+ \(1\.5× ATR/);
    const api = await call(s, 'signals.list', { limit: 100 });
    const sig = (api.body.result as Array<{ id: number; entry: number; status: string }>).find((x) => x.id === id)!;
    expect(sig.status).toBe('delivered');
    expect(Number((await page.locator('[data-testid="detail-entry"]').textContent())!.replace(/,/g, ''))).toBeCloseTo(sig.entry, 2);
    // the popup notification was persisted for it (refType signal)
    const notes = await call(s, 'notifications.list', { kind: 'signal' });
    expect((notes.body.result as Array<{ refId: string }>).some((n) => n.refId === String(id))).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signals-feed.png') });

    // A acknowledges the selected signal
    await page.keyboard.press('a');
    await expect.poll(() => page.locator(`[data-testid="signal-row"][data-id="${id}"]`).getAttribute('data-status'), { timeout: 5_000 }).toBe('acknowledged');
    expect((await call(s, 'signals.list', { status: 'acknowledged' })).body.result.map((x: { id: number }) => x.id)).toContain(id);
    // Over HTTP the commands take exactly the shapes: snooze {id, minutes}, ack {id} (lists: {ids})
    const snoozed = await call(s, 'signals.snooze', { id, minutes: 15 });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body.result.map((x: { id: number; status: string; snoozedUntil: number }) => [x.id, x.status])).toEqual([[id, 'snoozed']]);
    const acked = await call(s, 'signals.ack', { id });
    expect(acked.body.result.map((x: { status: string }) => x.status)).toEqual(['acknowledged']);
    for (const [name, input] of [['signals.snooze', { id }], ['signals.ack', { id, minutes: 15 }], ['signals.snooze', { id, minutes: 0 }], ['signals.ack', { id: 'x' }]] as const) {
      const bad = await call(s, name, input);
      expect(bad.status, `${name} ${JSON.stringify(input)}`).toBe(400);
      expect(bad.body.error.code).toBe('BAD_INPUT');
    }
    expect((await call(s, 'signals.list', {})).body.result.find((x: { id: number }) => x.id === id).status).toBe('acknowledged');

    // E executes it through the order engine's bridge (signals.execute): a paper fill of 500 USDT
    expect((await call(s, 'risk.update', { limits: { signalSizing: { mode: 'quoteAmount', value: '500' }, priceMoveTolerancePct: 100 } })).status).toBe(200);
    await page.keyboard.press('e');
    await expect.poll(() => page.locator('[data-testid="signals-msg"]').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^Execute #${id}: (Market order placed, filling at the next price|Filled [\\d.]+ at [\\d,.]+)$`));
    await expect.poll(() => page.locator(`[data-testid="signal-row"][data-id="${id}"]`).getAttribute('data-status'), { timeout: 5_000 }).toBe('executed');

    // Enter: the chart of the signal's symbol, with the signal marked (next to the fill's marker)
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="chart"]').waitFor();
    const overlay = page.locator('[data-testid="signals-overlay"]');
    await expect.poll(async () => (await overlay.getAttribute('data-ids'))?.split(',').map(Number) ?? [], { timeout: 10_000 }).toContain(id);
    expect(Number(await overlay.getAttribute('data-selected'))).toBe(id);
    // close the popups so the markers at the right edge are visible
    for (let i = 0; i < 20 && (await page.locator('.toast-x').count()) > 0; i++) await page.locator('.toast-x').first().click().catch(() => undefined);
    // Hovering a signal's bar shows its details (entry, stop, target, reason).
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    let tip = '';
    // The chart scrolls a bar every tick at this sim speed: hover where the overlay says the
    // selected signal's bar is now, sweeping a few pixels against the scroll direction.
    for (let attempt = 0; attempt < 20 && !tip; attempt++) {
      const selX = Number((await overlay.getAttribute('data-sel-x')) || NaN);
      if (!(selX > 0 && selX < box.width - 70)) {
        // Scrolled out of view (a slow machine): back to the feed, and Enter shows it again.
        await page.keyboard.press('Alt+2');
        await page.locator('[data-testid="signals-feed"]').focus();
        await page.keyboard.press('Enter');
        await page.locator('[data-testid="chart"]').waitFor();
        await page.waitForTimeout(300);
        continue;
      }
      for (let dx = 12; dx >= -24 && !tip; dx -= 3) {
        await page.mouse.move(box.x + selX + dx, box.y + box.height * 0.4);
        if (await page.locator('[data-testid="signal-tip"]').count()) tip = await page.locator('[data-testid="signal-tip"]').innerText();
      }
    }
    expect(tip).toMatch(/(BUY|SELL) BTC\/USDT [\d,.]+ — ema_cross · \d+ % · #\d+/);
    expect(tip).toMatch(/stop [\d,.]+ · target [\d,.]+/);
    expect(tip).toMatch(/EMA\(2\) [\d,.]+ crossed/);
    await page.mouse.move(box.x + 5, box.y + 5);
    expect(Number(await overlay.getAttribute('data-markers'))).toBeGreaterThan(0);
    await expect.poll(async () => Number(await page.locator('[data-testid="orders-overlay"]').getAttribute('data-markers')), { timeout: 10_000 }).toBeGreaterThan(0);
    const [profile] = await page.selectOption('[data-testid="indicator-profile"]', { index: 0 });
    await expect.poll(() => page.locator('[data-testid="indicators-overlay"]').getAttribute('data-profile'), { timeout: 10_000 }).toBe(profile);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signals-chart.png') });
    // Markers stay readable in a cluster: a one-letter strategy code (×N when several share a bar),
    // the full label only on the selected signal; the legend explains the codes.
    const texts = (await overlay.getAttribute('data-texts'))!.split('|');
    expect(texts.filter((t) => /^BUY|^SELL/.test(t))).toHaveLength(1);
    for (const t of texts.filter((x) => !/^BUY|^SELL/.test(x))) expect(t).toMatch(/^[A-Z]+(×\d+)?$/);
    expect(await page.locator('[data-testid="signals-legend"]').textContent()).toMatch(/X ema_cross/);
    await page.mouse.move(box.x + 5, box.y + 5);
  }, 180_000);

  it('the pause switch holds delivery and persists (a reloaded page shows it); signals are stored as rejected with PAUSED', async () => {
    await page.keyboard.press('Alt+2');
    await page.locator('[data-testid="view-signals"]').waitFor();
    await page.locator('[data-testid="signals-feed"]').focus();
    await page.keyboard.press('p');
    await expect.poll(() => page.locator('[data-testid="signals-pause"]').getAttribute('aria-pressed')).toBe('true');
    expect((await call(s, 'signals.status', {})).body.result.paused).toBe(true);
    // Every signal after this one is decided while paused.
    const before = Math.max(0, ...(await call(s, 'signals.list', {})).body.result.map((x: { id: number }) => x.id));
    const notesBefore = new Set((await call(s, 'notifications.list', { kind: 'signal' })).body.result.map((n: { id: number }) => n.id));
    await expect.poll(async () => (await call(s, 'signals.list', { status: 'rejected' })).body.result.some((x: { id: number; rejectReason: string }) => x.id > before && x.rejectReason === 'PAUSED'), { timeout: 45_000 }).toBe(true);
    // Held: every signal decided while paused is stored as rejected (PAUSED), none delivered, no signal notification.
    const during = (await call(s, 'signals.list', {})).body.result.filter((x: { id: number }) => x.id > before);
    expect(during.length).toBeGreaterThan(0);
    for (const x of during) expect(x, `#${x.id}`).toMatchObject({ status: 'rejected', rejectReason: 'PAUSED' });
    const ids = new Set(during.map((x: { id: number }) => String(x.id)));
    const newNotes = (await call(s, 'notifications.list', { kind: 'signal' })).body.result.filter((n: { id: number; refId: string }) => !notesBefore.has(n.id));
    expect(newNotes.filter((n: { refId: string }) => ids.has(n.refId))).toEqual([]);
    // Persists: a reloaded page shows the switch still on.
    await page.reload();
    await page.locator('[data-testid="view-signals"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="signals-pause"]').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    // The button itself, pressed from the keyboard (a popup may lie over it on a small screen).
    await page.locator('[data-testid="signals-pause"]').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator('[data-testid="signals-pause"]').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('false');
    expect((await call(s, 'signals.status', {})).body.result.paused).toBe(false);
  });
});
