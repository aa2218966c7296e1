/**
 * End-to-end through the real serve host: signals become orders.
 *  - An autopilot channel on the sim market: every delivered signal becomes exactly one intent
 *    (key `signal:<id>`), entries carry the signal's stop and target as a one-cancels-other pair,
 *    and diagnostics.invariants passes.
 *  - kill -9 of the host while autopilot trades: after the restart every autopilot signal has one
 *    intent with a decision, diagnostics pass, and PRAGMA integrity_check is ok.
 *  - One signal executed from the Signals view (E) AND from its popup's Execute action in
 *    Chromium is one order, not two.
 *  - The kill switch survives a restart of the host: the next order is SKIPPED KILL_SWITCH and
 *    the status bar says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { call, startServe, tempDir, type Served } from '../helpers/serve';
import { launch, SCREENSHOTS } from '../helpers/browser';

const FAST = ['--sim-speed', '600', '--tick-ms', '200', '--sim-symbols', '4'];
// The sim clock runs 600× here: loosen the time gates so bars closed within a tick count as fresh.
const GATES = { staleBars: 1000, maxAgeSeconds: 86400, maxDriftPct: 50 };
const EMA = { id: 'ema_cross', params: { fast: 2, slow: 5, atr: 3 } };

interface Sig {
  id: number;
  status: string;
  autopilot: boolean;
  stopLoss: number;
  takeProfit: number;
  symbol: string;
}
interface Intent {
  id: number;
  signalId: number | null;
  idempotencyKey: string;
  origin: string;
  decision: string | null;
  reasonCode: string | null;
  orderId: number | null;
  stopLoss: string | null;
  takeProfit: string | null;
}
interface Ord {
  id: number;
  intentId: number | null;
  role: string;
  type: string;
  status: string;
  ocoGroup: string | null;
  price: string | null;
  stopPrice: string | null;
}

const running: Served[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop('SIGKILL')));
});

async function serve(extra: string[] = FAST, dataDir?: string): Promise<Served> {
  const s = await startServe(extra, dataDir);
  running.push(s);
  return s;
}

async function dropStarter(s: Served): Promise<void> {
  for (const c of (await call(s, 'signals.channels.list', {})).body.result) expect((await call(s, 'signals.channels.delete', { id: c.id })).status).toBe(200);
}

describe('autopilot on the sim market', () => {
  it('turns every delivered signal into exactly one intent, brackets entries with an OCO pair, and passes diagnostics', async () => {
    const s = await serve();
    await dropStarter(s);
    const ch = await call(s, 'signals.channels.create', { name: 'Auto', strategies: [EMA], symbols: { source: 'sim', symbols: ['BTC/USDT', 'ETH/USDT'] }, timeframe: '1m', autopilot: true, gates: GATES });
    expect(ch.status).toBe(200);
    const signals = async (): Promise<Sig[]> => (await call(s, 'signals.list', { channel: ch.body.result.id, limit: 5000 })).body.result;
    const intents = async (): Promise<Intent[]> => (await call(s, 'orders.intents', { limit: 5000 })).body.result;
    // Wait for a few delivered signals and for an entry whose stop and target legs are open or done.
    await expect.poll(async () => (await signals()).filter((x) => x.status !== 'rejected').length, { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(4);
    await expect.poll(async () => (await call(s, 'orders.list', { limit: 5000 })).body.result.filter((o: Ord) => o.ocoGroup).length, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    // Freeze the pipeline so the picture below is complete: no new signals while we look.
    expect((await call(s, 'signals.pause', { paused: true })).status).toBe(200);
    const delivered = (await signals()).filter((x) => x.status !== 'rejected');
    await expect.poll(async () => {
      const all = await intents();
      return delivered.every((sg) => all.some((i) => i.signalId === sg.id && i.decision !== null));
    }, { timeout: 20_000 }).toBe(true);
    const all = await intents();
    for (const sg of delivered) {
      expect(sg.autopilot).toBe(true);
      const mine = all.filter((i) => i.signalId === sg.id);
      expect(mine, `signal ${sg.id}`).toHaveLength(1);
      expect(mine[0]).toMatchObject({ idempotencyKey: `signal:${sg.id}`, origin: 'autopilot' });
      expect(Number(mine[0]!.stopLoss)).toBeCloseTo(sg.stopLoss, 6);
      expect(Number(mine[0]!.takeProfit)).toBeCloseTo(sg.takeProfit, 6);
    }
    // Rejected signals made no intent.
    const rejected = new Set((await signals()).filter((x) => x.status === 'rejected').map((x) => x.id));
    expect(all.filter((i) => i.signalId !== null && rejected.has(i.signalId))).toEqual([]);
    // At least one autopilot signal traded (signal sizing is cut to the risk limits, not blocked).
    const executed = all.filter((i) => i.origin === 'autopilot' && i.decision === 'EXECUTED');
    expect(executed.length).toBeGreaterThan(0);
    // Each filled entry's stop and target are one OCO group, at the signal's levels; at most one leg filled.
    const orders: Ord[] = (await call(s, 'orders.list', { limit: 5000 })).body.result;
    const groups = new Map<string, Ord[]>();
    for (const o of orders) if (o.ocoGroup) groups.set(o.ocoGroup, [...(groups.get(o.ocoGroup) ?? []), o]);
    expect(groups.size).toBeGreaterThan(0);
    for (const [g, legs] of groups) {
      expect(legs.map((l) => l.role).sort(), g).toEqual(['stop', 'target']);
      const intent = all.find((i) => i.id === legs[0]!.intentId)!;
      expect(intent.origin).toBe('autopilot');
      expect(legs.find((l) => l.role === 'stop')!.stopPrice).toBe(intent.stopLoss);
      expect(legs.find((l) => l.role === 'target')!.price).toBe(intent.takeProfit);
      expect(legs.filter((l) => l.status === 'filled').length).toBeLessThanOrEqual(1);
      if (legs.some((l) => l.status === 'filled')) expect(legs.find((l) => l.status !== 'filled')!.status).toBe('canceled');
    }
    const inv = (await call(s, 'diagnostics.invariants', { hours: 1 })).body.result;
    expect(inv.violations).toEqual([]);
    expect(inv.pass).toBe(true);
    expect(inv.counts.signals).toBeGreaterThanOrEqual(delivered.length);
    expect(inv.counts).toMatchObject({ missing_intent: 0, null_decisions: 0, failed_without_notification: 0 });
    await s.stop();
  }, 150_000);
});

describe('after a crash', () => {
  it('kill -9 while autopilot trades: on restart every autopilot signal has one intent with a decision, and the database is intact', async () => {
    const dataDir = tempDir('sd-auto-crash-');
    let s = await serve(FAST, dataDir);
    await dropStarter(s);
    const ch = await call(s, 'signals.channels.create', { name: 'Auto', strategies: [EMA], symbols: { source: 'sim', symbols: ['BTC/USDT', 'ETH/USDT'] }, timeframe: '1m', autopilot: true, gates: GATES });
    expect(ch.status).toBe(200);
    await expect.poll(async () => (await call(s, 'orders.intents', { limit: 5000 })).body.result.length, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(3);
    await s.stop('SIGKILL');
    s = await serve(FAST, dataDir);
    await expect.poll(async () => (await call(s, 'orders.status', {})).body.result.reconciled, { timeout: 20_000 }).toBe(true);
    expect((await call(s, 'signals.pause', { paused: true })).status).toBe(200);
    await expect.poll(async () => (await call(s, 'diagnostics.invariants', { hours: 1 })).body.result.violations, { timeout: 20_000 }).toEqual([]);
    const signals = (await call(s, 'signals.list', { channel: ch.body.result.id, limit: 5000 })).body.result.filter((x: Sig) => x.status !== 'rejected');
    const intents: Intent[] = (await call(s, 'orders.intents', { limit: 5000 })).body.result;
    for (const sg of signals) expect(intents.filter((i) => i.signalId === sg.id), `signal ${sg.id}`).toHaveLength(1);
    await s.stop();
    const db = new BetterSqlite3(path.join(dataDir, 'signaldesk.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 150_000);
});

describe('in Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('executing one signal from the Signals view and from its popup places one order', async () => {
    const s = await serve();
    await dropStarter(s);
    await page.goto(`${s.url}/?token=${s.token}`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-bars')) > 50, null, { timeout: 30_000 });
    expect((await call(s, 'risk.update', { limits: { signalSizing: { mode: 'quoteAmount', value: '500' }, priceMoveTolerancePct: 100 } })).status).toBe(200);
    // One signal a day: exactly one popup.
    const ch = await call(s, 'signals.channels.create', { name: 'Manual', strategies: [EMA], symbols: { source: 'sim', symbols: ['BTC/USDT'] }, timeframe: '1m', maxPerDay: 1, autopilot: false, gates: GATES });
    expect(ch.status).toBe(200);
    const toast = page.locator('[data-testid="toast"]', { has: page.locator('[data-testid="toast-action-execute"]') });
    await toast.first().waitFor({ timeout: 60_000 });
    // The popup's Execute action first (a popup lives 12 s)…
    await toast.first().locator('[data-testid="toast-action-execute"]').click();
    await call(s, 'signals.pause', { paused: true });
    const mineSoFar = async () => ((await call(s, 'orders.intents', { limit: 500 })).body.result as Intent[]).filter((i) => i.signalId !== null);
    await expect.poll(async () => (await mineSoFar()).length, { timeout: 10_000 }).toBe(1);
    const made: Sig[] = (await call(s, 'signals.list', { channel: ch.body.result.id, limit: 100 })).body.result.filter((x: Sig) => x.status !== 'rejected');
    expect(made).toHaveLength(1);
    const id = made[0]!.id;
    expect((await mineSoFar())[0]!.signalId).toBe(id);
    // …then the same signal from the Signals view with E.
    await page.click('[data-testid="nav-signals"]');
    await page.locator('[data-testid="view-signals"]').waitFor();
    await page.selectOption('[data-testid="filter-status"]', 'executed');
    await page.locator(`[data-testid="signal-row"][data-id="${id}"]`).click({ timeout: 15_000 });
    await page.keyboard.press('e');
    await expect.poll(() => page.locator('[data-testid="signals-msg"]').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^Execute #${id}: (Market order placed, filling at the next price|Filled [\\d.]+ at [\\d,.]+) — already sent under this key, nothing new placed$`));
    const intents: Intent[] = (await call(s, 'orders.intents', { limit: 500 })).body.result;
    const mine = intents.filter((i) => i.signalId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ idempotencyKey: `signal:${id}`, origin: 'signal', decision: 'EXECUTED' });
    const entries = (await call(s, 'orders.list', { limit: 500 })).body.result.filter((o: Ord) => o.role === 'entry');
    expect(entries).toHaveLength(1);
    expect(entries[0].intentId).toBe(mine[0]!.id);
    // A third try through the API says it is the same intent.
    expect((await call(s, 'signals.execute', { id })).body.result.intent).toMatchObject({ id: mine[0]!.id, duplicate: true });
    expect((await call(s, 'diagnostics.invariants', { hours: 1 })).body.result.pass).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'orders-signal-execute-once.png') });
    await s.stop();
  }, 150_000);

  it('the kill switch survives a restart of the host: the next order is SKIPPED KILL_SWITCH and the status bar shows it', async () => {
    const dataDir = tempDir('sd-kill-');
    let s = await serve(['--sim-speed', '1', '--tick-ms', '250'], dataDir);
    const on = await call(s, 'system.killSwitch', { on: true, reason: 'bad day' });
    expect(on.body.result).toMatchObject({ on: true, reason: 'bad day' });
    await s.stop('SIGKILL');
    s = await serve(['--sim-speed', '1', '--tick-ms', '250'], dataDir);
    const placed = (await call(s, 'orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.01', idempotencyKey: 'after-restart' })).body.result;
    expect(placed).toMatchObject({ decision: 'SKIPPED', reasonCode: 'KILL_SWITCH' });
    expect(placed.reasonMessage).toContain('bad day');
    expect((await call(s, 'orders.list', {})).body.result).toEqual([]);
    await page.goto(`${s.url}/?token=${s.token}`);
    await expect.poll(() => page.locator('[data-testid="kill-switch"]').textContent(), { timeout: 15_000 }).toBe('KILL SWITCH ON');
    // Released by keyboard (K, Enter): orders flow again.
    await page.locator('[data-testid="chart"]').waitFor();
    await page.keyboard.press('k');
    await page.locator('[data-testid="kill-dialog"]').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="kill-switch"]').textContent(), { timeout: 5000 }).toContain('K: kill switch');
    expect((await call(s, 'orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.01', idempotencyKey: 'released' })).body.result.decision).toBe('EXECUTED');
    await s.stop();
  }, 120_000);
});
