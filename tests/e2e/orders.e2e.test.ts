/**
 * End-to-end orders: a keyboard-only paper order in Chromium (hotkey → ticket → review → send →
 * decision → filled position on the chart), the kill switch by keystroke, keyboard close in the
 * Orders view; and kill -9 of the serve host mid-burst against the fake exchange.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, tempDir, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';
import { FakeExchange } from '../fakes/fake-exchange-orders';
import { LIVE_CONFIRMATION } from '../../engine/api';

describe('keyboard-only order in Chromium', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    s = await startServe(['--sim-speed', '1', '--tick-ms', '250']);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('B opens the ticket on the chart symbol; amount, limit price nudged two ticks down, stop, target by keyboard; Enter reviews, Enter sends; the fill is on the chart', async () => {
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="trading-mode"]').textContent(), { timeout: 10_000 }).toBe('PAPER');
    await page.keyboard.press('b');
    const ticket = page.locator('[data-testid="order-ticket"]');
    await ticket.waitFor();
    expect(await page.locator('[data-testid="ticket-mode"]').textContent()).toBe('PAPER');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('ticket-amount');
    await expect.poll(() => ticket.textContent(), { timeout: 10_000 }).toMatch(/last \d/);
    const last = Number(/last ([\d.]+)/.exec((await ticket.textContent()) ?? '')![1]);
    const tick = Number((await call(s, 'orders.market', { symbol: 'BTC/USDT' })).body.result.tick);
    const dp = String(tick).split('.')[1]?.length ?? 0;
    const active = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    // 0.02 BTC ≈ 1,300 USDT: inside a new paper account's 20 % max position notional.
    await page.keyboard.type('0.02');
    await page.keyboard.press('Tab');
    expect(await active()).toBe('ticket-price');
    // A limit price typed a little above the market (so the order fills now, whatever the market
    // does next), then arrowed two ticks down: the order becomes a limit order.
    const typed = Math.ceil(last * 1.003);
    await page.keyboard.type(String(typed));
    expect(await page.locator('[data-testid="ticket-type"]').inputValue()).toBe('limit');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const limit = Number(await page.locator('[data-testid="ticket-price"]').inputValue());
    expect(await page.locator('[data-testid="ticket-price"]').inputValue()).toBe((typed - 2 * tick).toFixed(dp));
    await page.keyboard.press('Tab');
    expect(await active()).toBe('ticket-stop-loss');
    const stop = Math.round(limit * 0.98);
    await page.keyboard.type(String(stop));
    await page.keyboard.press('Tab');
    expect(await active()).toBe('ticket-take-profit');
    await page.keyboard.type(String(Math.round(limit * 1.04)));
    // Shift-Tab walks back; the order type is reachable and changeable by keyboard too.
    await page.keyboard.press('Shift+Tab');
    expect(await active()).toBe('ticket-stop-loss');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
    expect(await active()).toBe('ticket-type');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('[data-testid="ticket-type"]').inputValue()).toBe('market');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('[data-testid="ticket-type"]').inputValue()).toBe('limit');
    // Before review: notional, fee, risk to stop in % of equity, reward/risk.
    expect(Number((await page.locator('[data-testid="ticket-notional"]').textContent())!.replace(/,/g, ''))).toBeCloseTo(0.02 * limit, 1);
    expect(Number(await page.locator('[data-testid="ticket-fee"]').textContent())).toBeGreaterThan(0);
    const riskPct = Number(/\(([\d.]+) % of equity\)/.exec((await page.locator('[data-testid="ticket-risk"]').textContent()) ?? '')![1]);
    expect(riskPct).toBeCloseTo(((limit - stop) * 0.02 * 100) / 10_000, 1);
    expect(Number(await page.locator('[data-testid="ticket-rr"]').textContent())).toBeGreaterThan(1.5);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="ticket-review"]').waitFor();
    expect(await page.locator('[data-testid="ticket-review"]').textContent()).toContain(`BUY 0.02 BTC/USDT limit @ ${limit.toFixed(dp)}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'order-ticket-review.png') });
    await page.keyboard.press('Enter');
    const decision = page.locator('[data-testid="ticket-decision"]');
    await decision.waitFor({ timeout: 10_000 });
    expect(await decision.textContent()).toMatch(/^(Limit order placed, resting at [\d,.]+|Filled 0\.02 at [\d,.]+)$/);
    expect(await page.locator('[data-testid="ticket-reason"]').textContent()).toContain('EXECUTED · EXEC_ORDER_PLACED');
    const sendMs = Number(await page.locator('[data-testid="ticket-result"]').getAttribute('data-send-ms'));
    expect(sendMs).toBeGreaterThan(0);
    console.log(JSON.stringify({ bench: 'orders_keypress_to_persisted_intent_ms', ms: Math.round(sendMs * 10) / 10 }));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'order-ticket-decision.png') });
    await page.keyboard.press('Escape');
    await ticket.waitFor({ state: 'detached' });
    // Filled at the next price: the position's entry, stop and target are drawn on the chart.
    // The marketable buy limit fills on the next price.
    const overlay = page.locator('[data-testid="orders-overlay"]');
    await expect.poll(async () => Number(await overlay.getAttribute('data-markers')), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(Number(await overlay.getAttribute('data-entry'))).toBeGreaterThan(0);
    expect(await overlay.getAttribute('data-stop')).toBe(String(stop));
    const positions = (await call(s, 'positions.list', {})).body.result;
    expect(positions).toEqual([expect.objectContaining({ symbol: 'BTC/USDT', qty: '0.02' })]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'order-on-chart.png') });
  });

  it('K + Enter throws the kill switch: the next order reads "Refused: kill switch is on"; K + Enter again releases it', async () => {
    await page.keyboard.press('k');
    await page.locator('[data-testid="kill-dialog"]').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="kill-switch"]').textContent(), { timeout: 5000 }).toBe('KILL SWITCH ON');
    await page.keyboard.press('s');
    await page.locator('[data-testid="order-ticket"]').waitFor();
    await page.keyboard.type('0.01');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="ticket-decision"]').waitFor();
    expect(await page.locator('[data-testid="ticket-decision"]').textContent()).toBe('Refused: kill switch is on');
    expect(await page.locator('[data-testid="ticket-outcome"]').getAttribute('data-tone')).toBe('refused');
    await page.keyboard.press('Escape');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="kill-switch"]').textContent(), { timeout: 5000 }).toContain('K: kill switch');
  });

  it('closes the position and cancels an order from the Orders view by keyboard (Alt+3, P, X, O, C)', async () => {
    await page.keyboard.press('Alt+3');
    await page.locator('[data-testid="position-row"]').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('p');
    await page.keyboard.press('x');
    await expect.poll(async () => (await call(s, 'positions.list', {})).body.result.length, { timeout: 10_000 }).toBe(0);
    // A resting limit order far under the market: O focuses the orders, C cancels the selected one.
    const last = Number((await call(s, 'orders.market', { symbol: 'ETH/USDT' })).body.result.last);
    const lim = (await call(s, 'orders.place', { symbol: 'ETH/USDT', side: 'buy', type: 'limit', amount: '0.1', price: String(Math.round(last * 0.5)), idempotencyKey: 'rest' })).body.result;
    expect(lim.decision).toBe('EXECUTED');
    await expect.poll(() => page.locator('[data-testid="order-row"] td:first-child').allTextContents(), { timeout: 10_000 }).toEqual([String(lim.orderId)]);
    await page.keyboard.press('o');
    await page.keyboard.press('c');
    await expect.poll(() => page.locator('[data-testid="orders-msg"]').textContent(), { timeout: 10_000 }).toBe(`Cancel order ${lim.orderId}: 1 order canceled`);
    await expect.poll(async () => (await call(s, 'orders.list', { status: 'open' })).body.result.length, { timeout: 10_000 }).toBe(0);
    expect((await call(s, 'orders.list', { status: 'canceled' })).body.result.map((o: any) => o.id)).toContain(lim.orderId);
    await expect.poll(() => page.locator('[data-testid="order-row"]').count(), { timeout: 5000 }).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'orders-view.png') });
    const inv = (await call(s, 'diagnostics.invariants', { hours: 1 })).body.result;
    expect(inv.pass).toBe(true);
  });
  it('adds a paper account and changes its risk limits from the Orders view', async () => {
    await page.locator('[data-testid="account-add"]').click();
    await page.locator('[data-testid="account-name"]').fill('Swing paper');
    await page.locator('[data-testid="account-balance"]').fill('5000');
    await page.locator('[data-testid="account-submit"]').click();
    await expect.poll(async () => (await call(s, 'accounts.list', {})).body.result.map((a: any) => a.name), { timeout: 5000 }).toContain('Swing paper');
    const acct = (await call(s, 'accounts.list', {})).body.result.find((a: any) => a.name === 'Swing paper');
    expect(acct).toMatchObject({ kind: 'paper', startingBalance: '5000', liveEnabled: false });
    await page.locator(`[data-testid="risk-edit-${acct.id}"]`).click();
    const field = page.locator('[data-testid="risk-maxOpenPositions"]');
    await field.fill('3');
    await page.locator('[data-testid="risk-save"]').click();
    await expect.poll(async () => (await call(s, 'risk.get', { account: acct.id })).body.result.limits.maxOpenPositions, { timeout: 5000 }).toBe(3);
    // A bad value is refused with the engine's message and changes nothing.
    await field.fill('-1');
    await page.locator('[data-testid="risk-save"]').click();
    await expect.poll(() => page.locator('[data-testid="risk-form"] .error').textContent()).toMatch(/maxOpenPositions/);
    expect((await call(s, 'risk.get', { account: acct.id })).body.result.limits.maxOpenPositions).toBe(3);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'orders-accounts.png') });
  });
});

describe('a live account through the fake exchange, in Chromium', () => {
  let s: Served;
  let fx: FakeExchange;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    fx = new FakeExchange();
    await fx.start();
    s = await startServe(['--sim-speed', '1', '--tick-ms', '250']);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    fx?.stop();
  });

  it('is added disabled, enabled only with the typed confirmation, and then LIVE is unmistakable in the status bar and the ticket', async () => {
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.locator('[data-testid="chart"]').waitFor();
    await page.keyboard.press('Alt+3');
    await page.locator('[data-testid="account-add"]').click();
    await page.selectOption('[data-testid="account-kind"]', 'live');
    await page.locator('[data-testid="account-name"]').fill('Fake Binance');
    await page.locator('[data-testid="account-exchange"]').fill('binance');
    await page.locator('[data-testid="account-apikey"]').fill(fx.apiKey);
    await page.locator('[data-testid="account-secret"]').fill(fx.secret);
    await page.locator('[data-testid="account-baseurl"]').fill(fx.urls['public']!);
    await page.locator('[data-testid="account-submit"]').click();
    await expect.poll(async () => (await call(s, 'accounts.list', {})).body.result.map((a: any) => a.name), { timeout: 5000 }).toContain('Fake Binance');
    const acct = (await call(s, 'accounts.list', {})).body.result.find((a: any) => a.name === 'Fake Binance');
    expect(acct).toMatchObject({ kind: 'live', liveEnabled: false, hasKeys: true });
    expect(JSON.stringify(acct)).not.toContain(fx.secret);
    // Made the trading account while still disabled: LIVE shows, and an order is refused.
    await page.locator(`[data-testid="account-default-${acct.id}"]`).click();
    await expect.poll(() => page.locator('[data-testid="trading-mode"]').textContent(), { timeout: 5000 }).toBe('LIVE');
    const refused = (await call(s, 'orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001', idempotencyKey: 'live-before-enable' })).body.result;
    expect(refused).toMatchObject({ decision: 'SKIPPED', reasonCode: 'LIVE_NOT_ENABLED' });
    // The enable button stays disabled until the confirmation is typed exactly.
    const enable = page.locator(`[data-testid="live-enable-${acct.id}"]`);
    await page.locator(`[data-testid="live-confirm-${acct.id}"]`).fill('yes');
    expect(await enable.isDisabled()).toBe(true);
    await page.locator(`[data-testid="live-confirm-${acct.id}"]`).fill(LIVE_CONFIRMATION);
    await enable.click();
    await expect.poll(async () => (await call(s, 'accounts.list', {})).body.result.find((a: any) => a.id === acct.id).liveEnabled, { timeout: 5000 }).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'orders-live-account.png') });
    // The ticket says LIVE — REAL MONEY, the review warns, and the order reaches the exchange once.
    await page.locator('[data-testid="orders-msg"]').click(); // leave the text field
    await page.keyboard.press('b');
    await page.locator('[data-testid="order-ticket"]').waitFor();
    expect(await page.locator('[data-testid="ticket-mode"]').textContent()).toBe('LIVE — REAL MONEY');
    expect(await page.locator('[data-testid="order-ticket"]').getAttribute('class')).toContain('ticket-live');
    await page.keyboard.type('0.001');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="ticket-review"]').waitFor();
    expect(await page.locator('[data-testid="ticket-review"]').textContent()).toContain('This sends a real order to binance.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'order-ticket-live.png') });
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="ticket-decision"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="ticket-decision"]').textContent()).toMatch(/^(Market order placed, filling at the next price|Filled 0\.001 at [\d,.]+)$/);
    expect([...fx.countsByClientId().values()]).toEqual([1]);
    await page.keyboard.press('Escape');
  }, 60_000);
});

describe('a bad day: drawdown stages in the window', () => {
  let s: Served;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    // 60×: a snapshot (and the drawdown check) every engine minute = about a wall second.
    s = await startServe(['--sim-speed', '60', '--tick-ms', '200']);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('pauses entries at the limit, halves at 1.5×, closes all at 2× — each stage in the status bar and a popup', async () => {
    // An expensive paper account (1 % fee, 5 % slippage) loses a known amount on entry: about 6 %
    // of the notional, far more than the market moves in the seconds this test takes.
    const acct = (await call(s, 'accounts.create', { name: 'Bad day', kind: 'paper', takerFeeBps: 100, makerFeeBps: 100, slippageBps: 500 })).body.result;
    expect((await call(s, 'accounts.update', { id: acct.id, isDefault: true })).status).toBe(200);
    await call(s, 'risk.update', { account: acct.id, limits: { maxPositionNotional: '100000', maxSymbolExposurePct: 100, dailyLossLimitPct: 50, maxDrawdownPct: 50 } });
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.locator('[data-testid="chart"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="trading-mode"]').textContent(), { timeout: 10_000 }).toBe('PAPER');
    // Every text the stage badge shows, in order.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __stages: string[] }).__stages = seen;
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid="risk-stage"]')?.textContent ?? '';
        if (t && seen[seen.length - 1] !== t) seen.push(t);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const entry = (await call(s, 'orders.place', { account: acct.id, symbol: 'BTC/USDT', side: 'buy', type: 'market', quoteAmount: '4000', idempotencyKey: 'bad-day-entry' })).body.result;
    expect(entry.decision).toBe('EXECUTED');
    await expect.poll(async () => (await call(s, 'positions.list', { account: acct.id })).body.result.length, { timeout: 10_000 }).toBe(1);
    const qty = Number((await call(s, 'positions.list', { account: acct.id })).body.result[0].qty);
    const dd = (await call(s, 'risk.get', { account: acct.id })).body.result.state.drawdownPct as number;
    expect(dd).toBeGreaterThan(1.5); // ≈ 2.4 %: fee and slippage on 4,000
    // 1×: the limit a little under the drawdown → new entries pause.
    await call(s, 'risk.update', { account: acct.id, limits: { maxDrawdownPct: Number((dd / 1.25).toFixed(3)) } });
    const badge = page.locator('[data-testid="risk-stage"]');
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('DRAWDOWN: ENTRIES PAUSED');
    const blocked = (await call(s, 'orders.place', { account: acct.id, symbol: 'ETH/USDT', side: 'buy', type: 'market', quoteAmount: '100' })).body.result;
    expect(blocked).toMatchObject({ decision: 'SKIPPED', reasonCode: 'RISK_BLOCKED' });
    expect(blocked.reasonMessage).toMatch(/drawdown .* paused/);
    await expect.poll(() => page.locator('[data-testid="toast"]').allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/Bad day: drawdown [\d.]+% — new entries paused/)]));
    expect(Number((await call(s, 'positions.list', { account: acct.id })).body.result[0].qty)).toBe(qty);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'orders-drawdown-paused.png') });
    // 1.5×: positions are halved (the halving's own cost may already take the drawdown past 2×).
    const dd1 = (await call(s, 'risk.get', { account: acct.id })).body.result.state.drawdownPct as number;
    await call(s, 'risk.update', { account: acct.id, limits: { maxDrawdownPct: Number((dd1 / 1.75).toFixed(3)) } });
    const halved = async () => ((await call(s, 'orders.intents', { account: acct.id, limit: 100 })).body.result as Array<{ idempotencyKey: string; decision: string | null }>).some((i) => i.idempotencyKey.includes(':halve:') && i.decision === 'EXECUTED');
    await expect.poll(halved, { timeout: 20_000 }).toBe(true);
    // 2×: everything is closed.
    const dd2 = (await call(s, 'risk.get', { account: acct.id })).body.result.state.drawdownPct as number;
    await call(s, 'risk.update', { account: acct.id, limits: { maxDrawdownPct: Number((dd2 / 2.5).toFixed(3)) } });
    await expect.poll(async () => (await call(s, 'positions.list', { account: acct.id })).body.result.length, { timeout: 20_000 }).toBe(0);
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('DRAWDOWN: ALL CLOSED');
    const seen = await page.evaluate(() => (window as unknown as { __stages: string[] }).__stages);
    expect(seen).toEqual(['DRAWDOWN: ENTRIES PAUSED', 'DRAWDOWN: POSITIONS HALVED', 'DRAWDOWN: ALL CLOSED']);
    const intents = (await call(s, 'orders.intents', { account: acct.id, limit: 100 })).body.result as Array<{ origin: string; amount: string; decision: string; idempotencyKey: string }>;
    const risk = intents.filter((i) => i.origin === 'risk');
    expect(risk.map((i) => i.idempotencyKey.split(':')[3]).sort()).toEqual(['close', 'halve']);
    expect(Number(risk.find((i) => i.idempotencyKey.includes(':halve:'))!.amount)).toBeCloseTo(qty / 2, 5);
    const titles = ((await call(s, 'notifications.list', { kind: 'risk' })).body.result as Array<{ title: string }>).map((n) => n.title);
    for (const re of [/new entries paused/, /every position halved/, /every position closed/]) expect(titles.some((t) => re.test(t)), String(re)).toBe(true);
    expect((await call(s, 'diagnostics.invariants', { hours: 1 })).body.result.pass).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'orders-drawdown-closed.png') });
  }, 90_000);
});

describe('kill -9 mid-burst against the fake exchange', () => {
  let fx: FakeExchange;
  beforeAll(async () => {
    // Orders are accepted after 20 ms and answered 250 ms later: a kill lands between the two.
    fx = new FakeExchange({ orderDelayMs: 20, answerDelayMs: 250 });
    await fx.start();
  });
  const running: Served[] = [];
  afterAll(async () => {
    // A failed assertion must not leave a serve host running.
    await Promise.all(running.map((r) => r.stop('SIGKILL')));
    fx.stop();
  });

  it('restart reconciles, resending every key makes no duplicate, and the database is intact', async () => {
    const dataDir = tempDir('sd-crash-');
    let s = await startServe([], dataDir);
    running.push(s);
    const acct = (await call(s, 'accounts.create', { name: 'Fake Binance', kind: 'live', exchange: 'binance', apiKey: fx.apiKey, secret: fx.secret, urls: fx.urls })).body.result;
    expect((await call(s, 'accounts.update', { id: acct.id, liveEnabled: true, confirm: LIVE_CONFIRMATION })).status).toBe(200);
    const keys = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    const order = (k: string) => ({ account: acct.id, symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001', idempotencyKey: k });
    // Four lanes of ten orders each, sent back to back, so the kill lands mid-burst with orders
    // at every stage: decided, sent but unanswered, and not yet accepted.
    const lane = async (ks: string[]) => {
      for (const k of ks) await call(s, 'orders.place', order(k)).catch(() => null);
    };
    const burst = [0, 1, 2, 3].map((l) => lane(keys.filter((_, i) => i % 4 === l)));
    // Kill when some orders have reached the exchange and others are still in flight.
    await expect.poll(() => fx.accepted.length, { timeout: 20_000, interval: 5 }).toBeGreaterThan(3);
    await s.stop('SIGKILL');
    await Promise.all(burst);
    const acceptedAtKill = new Set(fx.accepted.map((o) => o.clientOrderId));
    expect(acceptedAtKill.size).toBeLessThan(keys.length);
    // What the crash left behind: intents that were sent but had no decision yet.
    const crashed = new BetterSqlite3(path.join(dataDir, 'signaldesk.db'), { readonly: true });
    const undecided = crashed.prepare(`SELECT idempotency_key AS key, client_order_id AS cid, status FROM order_intents WHERE decision IS NULL`).all() as Array<{ key: string; cid: string; status: string }>;
    crashed.close();
    s = await startServe([], dataDir);
    running.push(s);
    const results = await Promise.all(keys.map((k) => call(s, 'orders.place', order(k))));
    for (const r of results) expect(r.body.result.decision).toBe('EXECUTED');
    const counts = fx.countsByClientId();
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    expect(counts.size).toBe(keys.length);
    const intents = (await call(s, 'orders.intents', { limit: 100 })).body.result;
    expect(intents).toHaveLength(keys.length);
    // Sent before the crash and accepted by the exchange → reconciled by client order id, not resent.
    const sentNotAnswered = undecided.filter((x) => acceptedAtKill.has(x.cid));
    expect(sentNotAnswered.length).toBeGreaterThan(0);
    for (const u of sentNotAnswered) {
      expect(intents.find((i: any) => i.idempotencyKey === u.key)).toMatchObject({ decision: 'EXECUTED', reasonCode: 'EXEC_RECONCILED' });
    }
    const inv = (await call(s, 'diagnostics.invariants', { hours: 1 })).body.result;
    expect(inv).toMatchObject({ pass: true, counts: { intents: keys.length, null_decisions: 0 } });
    await s.stop();
    const db = new BetterSqlite3(path.join(dataDir, 'signaldesk.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 120_000);
});
