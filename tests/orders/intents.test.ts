import { describe, expect } from 'vitest';
import { CandlesRepo } from '../../db/repos/candles';
import { it, rig, type Rig } from './setup';

const place = (rr: Rig, input: Record<string, unknown>) => rr.call('orders.place', input) as Promise<any>;

/** The signals table as its migration defines it (created here when that migration is not in the tree yet). */
function insertSignal(rr: Rig, s: { autopilot: boolean; side?: string; entry?: number; stop?: number; target?: number; status?: string; bar?: number; createdAt?: number }) {
  const row = { channel_id: 1, autopilot: s.autopilot ? 1 : 0, source: 'sim', symbol: 'BTC/USDT', timeframe: '15m', strategy: 'breakout', bar_time: s.bar ?? 0, side: s.side ?? 'buy', entry: s.entry ?? 60000, stop_loss: s.stop ?? 59000, take_profit: s.target ?? 62000, confidence: 0.78, reasons: '["broke the 20-bar high"]', status: s.status ?? 'delivered', reject_reason: null, created_at: s.createdAt ?? Date.now() };
  const id = Number(rr.db.prepare(`INSERT INTO signals (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row)).lastInsertRowid);
  return { id, channelId: 1, autopilot: s.autopilot, source: 'sim', symbol: 'BTC/USDT', timeframe: '15m' as const, strategy: 'breakout', barTime: row.bar_time, side: (s.side ?? 'buy') as 'buy', entry: row.entry, stopLoss: row.stop_loss, takeProfit: row.take_profit, confidence: 0.78, reasons: ['broke the 20-bar high'], status: row.status as 'delivered', rejectReason: null, createdAt: row.created_at };
}

describe('idempotent intents', () => {
  it('50 concurrent calls with one key make one intent and one order', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    const results = await Promise.all(Array.from({ length: 50 }, () => place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.01', idempotencyKey: 'same-key' })));
    const ids = new Set(results.map((x) => x.id));
    expect(ids.size).toBe(1);
    expect(results.filter((x) => !x.duplicate)).toHaveLength(1);
    expect(results.every((x) => x.decision === 'EXECUTED')).toBe(true);
    expect(r.db.prepare('SELECT COUNT(*) AS n FROM orders').get()).toEqual({ n: 1 });
    expect(r.db.prepare('SELECT COUNT(*) AS n FROM order_intents').get()).toEqual({ n: 1 });
  });

  it('the same key after a restart returns the first intent and places nothing new', async ({ track }) => {
    let r = track(await rig());
    r.price('BTC/USDT', 60000);
    const first = await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.01', idempotencyKey: 'restart-key' });
    r = track(await r.restart());
    r.price('BTC/USDT', 60000);
    const again = await place(r, { symbol: 'BTC/USDT', side: 'sell', amount: '5', idempotencyKey: 'restart-key' });
    expect(again).toMatchObject({ id: first.id, side: 'buy', duplicate: true, decision: 'EXECUTED' });
    expect(r.db.prepare('SELECT COUNT(*) AS n FROM orders').get()).toEqual({ n: 1 });
  });

  it('resumes an accepted intent a crash left undecided (paper): on restart its one order is placed and it is decided EXECUTED', async ({ track }) => {
    let r = track(await rig());
    r.price('BTC/USDT', 60000);
    const { clientOrderIdFor } = await import('../../engine/orders/module');
    r.orders.intents.insertOrGet({ idempotencyKey: 'left', accountId: 1, signalId: null, origin: 'manual', symbol: 'BTC/USDT', side: 'buy', type: 'market', request: { account: 1, symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.01', idempotencyKey: 'left' }, price: null, stopPrice: null, stopLoss: null, takeProfit: null, clientOrderId: clientOrderIdFor('left'), createdAt: Date.now() });
    // The market module has stored candles by the time orders start (here: one row).
    new CandlesRepo(r.db).upsertMany({ source: 'sim', symbol: 'BTC/USDT', timeframe: '1m' }, [[0, 60000, 60000, 60000, 60000, 1]]);
    r = track(await r.restart());
    const resumed = r.orders.intents.byKey('left')!;
    expect(resumed).toMatchObject({ decision: 'EXECUTED', status: 'done' });
    // Exactly one order, the resumed intent's, under the client order id its key gives.
    expect(r.db.prepare('SELECT id, client_order_id AS coid FROM orders').all()).toEqual([{ id: resumed.orderId, coid: clientOrderIdFor('left') }]);
    const inv = await r.call('diagnostics.invariants', { hours: 1 });
    expect(inv).toMatchObject({ pass: true, counts: { intents: 1, executed: 1, null_decisions: 0 } });
  });
});

describe('risk gate', () => {
  it('blocks each limit as SKIPPED RISK_BLOCKED with the rule, and lets reductions through', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    r.price('ETH/USDT', 3000);
    await r.call('risk.update', { limits: { maxPositionNotional: '1000', maxOpenPositions: 1, maxSymbolExposurePct: 5 } });
    const big = await place(r, { symbol: 'BTC/USDT', side: 'buy', quoteAmount: '1200' });
    expect(big).toMatchObject({ decision: 'SKIPPED', reasonCode: 'RISK_BLOCKED' });
    expect(big.reasonMessage).toMatch(/maxPositionNotional/);
    const exp = await place(r, { symbol: 'BTC/USDT', side: 'buy', quoteAmount: '600' });
    expect(exp.reasonMessage).toMatch(/maxSymbolExposure.*6\.0% of equity/);
    const ok = await place(r, { symbol: 'BTC/USDT', side: 'buy', quoteAmount: '300' });
    expect(ok.decision).toBe('EXECUTED');
    r.price('BTC/USDT', 60000);
    const second = await place(r, { symbol: 'ETH/USDT', side: 'buy', quoteAmount: '100' });
    expect(second.reasonMessage).toMatch(/maxOpenPositions/);
    const reduce = await r.call('positions.close', { symbol: 'BTC/USDT', fraction: 0.5 });
    expect(reduce).toMatchObject({ decision: 'EXECUTED' });
  });

  it('stops new entries past the daily loss limit', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.08' });
    r.price('BTC/USDT', 60000); // fill, first snapshot of the day
    r.orders.snapshot(r.orders.account());
    r.price('BTC/USDT', 55000); // −400 on 10,000 → −4 % > 3 %
    const i = await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.001' });
    expect(i).toMatchObject({ decision: 'SKIPPED', reasonCode: 'RISK_BLOCKED' });
    expect(i.reasonMessage).toMatch(/daily loss limit/);
  });

  it('drawdown stages: pause at the limit, halve at 1.5×, close all at 2× — with notifications', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await r.call('risk.update', { limits: { maxPositionNotional: '100000', maxSymbolExposurePct: 1000, dailyLossLimitPct: 100, maxDrawdownPct: 2 } });
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.15' }); // 9,000 notional
    r.price('BTC/USDT', 60000);
    const a = () => r.orders.account();
    expect(r.orders.snapshot(a()).stage).toBe('normal');
    r.clock.now += 86_400_000; // next day: the daily limit is not what trips
    r.price('BTC/USDT', 58600); // ≈ −2.1 % drawdown
    expect(r.orders.snapshot(a()).stage).toBe('paused');
    const blocked = await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.001' });
    expect(blocked.reasonMessage).toMatch(/drawdown .* paused/);
    r.price('BTC/USDT', 57900); // ≈ −3.2 % → halve
    expect(r.orders.snapshot(a()).stage).toBe('reduced');
    await r.settled();
    r.price('BTC/USDT', 57900);
    expect((await r.call('positions.list', {}))[0]!.qty).toBe('0.075');
    r.price('BTC/USDT', 52000); // ≥ 4 % → close all
    expect(r.orders.snapshot(a()).stage).toBe('closed');
    await r.settled();
    r.price('BTC/USDT', 52000);
    expect(await r.call('positions.list', {})).toEqual([]);
    const risk = r.notify.repo.list({ kind: 'risk' }).map((n) => n.title);
    expect(risk.some((t) => /new entries paused/.test(t))).toBe(true);
    expect(risk.some((t) => /halved/.test(t))).toBe(true);
    expect(risk.some((t) => /every position closed/.test(t))).toBe(true);
  });
});

describe('drawdown episodes', () => {
  it('drawdown reductions run under the kill switch (reduce-only), once: releasing the switch reduces nothing more', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await r.call('risk.update', { limits: { maxPositionNotional: '100000', maxSymbolExposurePct: 1000, dailyLossLimitPct: 100, maxDrawdownPct: 2 } });
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.15' });
    r.price('BTC/USDT', 60000);
    const a = () => r.orders.account();
    expect(r.orders.snapshot(a()).stage).toBe('normal');
    await r.orders.setKillSwitch(true, 'test', false);
    r.clock.now += 86_400_000;
    r.price('BTC/USDT', 57900); // ≈ −3.2 % → halve, with the switch on
    expect(r.orders.snapshot(a()).stage).toBe('reduced');
    const riskDecided = async () => {
      for (;;) {
        const risk = r.orders.intents.list({}).filter((i) => i.origin === 'risk');
        if (risk.length > 0 && risk.every((i) => i.decision !== null)) return risk;
        await new Promise((res) => setImmediate(res));
      }
    };
    expect((await riskDecided()).map((i) => i.decision)).toEqual(['EXECUTED']);
    r.price('BTC/USDT', 57900);
    expect((await r.call('positions.list', {}))[0]!.qty).toBe('0.075');
    await r.orders.setKillSwitch(false, undefined, false);
    r.orders.snapshot(a());
    r.price('BTC/USDT', 57900);
    expect((await r.call('positions.list', {}))[0]!.qty).toBe('0.075');
    expect(r.orders.intents.list({}).filter((i) => i.origin === 'risk')).toHaveLength(1);
  });

  it('a restart in a drawdown stage neither notifies nor reduces again; a later episode in the same month reduces again', async ({ track }) => {
    let r = track(await rig());
    r.price('BTC/USDT', 60000);
    await r.call('risk.update', { limits: { maxPositionNotional: '100000', maxSymbolExposurePct: 1000, dailyLossLimitPct: 100, maxDrawdownPct: 2 } });
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.15' });
    r.price('BTC/USDT', 60000);
    const a = () => r.orders.account();
    expect(r.orders.snapshot(a()).stage).toBe('normal');
    r.clock.now += 86_400_000;
    r.price('BTC/USDT', 57900); // ≈ −3.2 % → halve
    expect(r.orders.snapshot(a()).stage).toBe('reduced');
    await r.settled();
    r.price('BTC/USDT', 57900);
    const qty = async () => (await r.call('positions.list', {}))[0]?.qty;
    expect(await qty()).toBe('0.075');
    const halvedNotes = () => r.notify.repo.list({ kind: 'risk' }).filter((n) => /halved/.test(n.title)).length;
    expect(halvedNotes()).toBe(1);
    // Restart while still in the stage: same stage, no second popup, no second halving.
    r = track(await r.restart());
    r.price('BTC/USDT', 57900);
    expect((await r.call('orders.status', {})).accounts[0]!.stage).toBe('reduced');
    r.clock.now += 60_000;
    expect(r.orders.snapshot(a()).stage).toBe('reduced');
    await r.settled();
    r.price('BTC/USDT', 57900);
    expect(await qty()).toBe('0.075');
    expect(halvedNotes()).toBe(1);
    // Recovery, then a second fall in the same month: halved again.
    r.clock.now += 60_000;
    r.price('BTC/USDT', 61000);
    expect(r.orders.snapshot(a()).stage).toBe('normal');
    r.clock.now += 60_000;
    r.price('BTC/USDT', 57600);
    expect(r.orders.snapshot(a()).stage).toBe('reduced');
    await r.settled();
    r.price('BTC/USDT', 57600);
    expect(await qty()).toBe('0.0375');
    expect(halvedNotes()).toBe(2);
  });
});

describe('kill switch', () => {
  it('stops every new order, cancels open ones on request, and survives a restart', async ({ track }) => {
    let r = track(await rig());
    r.price('BTC/USDT', 60000);
    const lim = await place(r, { symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '50000', amount: '0.01' });
    const ks = await r.call('system.killSwitch', { on: true, reason: 'bad day', cancelOpen: true });
    expect(ks).toMatchObject({ on: true, reason: 'bad day', canceled: 1 });
    expect(r.orders.orders.get(lim.orderId)!.status).toBe('canceled');
    expect(await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.01' })).toMatchObject({ decision: 'SKIPPED', reasonCode: 'KILL_SWITCH' });
    r = track(await r.restart());
    r.price('BTC/USDT', 60000);
    expect((await r.call('orders.status', {})).killSwitch).toMatchObject({ on: true, reason: 'bad day' });
    const s = await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.01' });
    expect(s).toMatchObject({ decision: 'SKIPPED', reasonCode: 'KILL_SWITCH' });
    expect(s.reasonMessage).toContain('bad day');
    await r.call('system.killSwitch', { on: false });
    expect(await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.01' })).toMatchObject({ decision: 'EXECUTED' });
  });
});

describe('signals to orders', () => {
  it('autopilot: one intent per autopilot signal (duplicate deliveries too); manual execution shares the key', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    const s = insertSignal(r, { autopilot: true, stop: 58000 });
    const publish = r.bus.publish.bind(r.bus) as unknown as (t: string, p: unknown) => void;
    publish('signal.created', s);
    publish('signal.created', s);
    await r.settled();
    const manual = await r.call('signals.execute', { id: s.id });
    const intents = r.orders.intents.bySignal(s.id);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ idempotencyKey: `signal:${s.id}`, origin: 'autopilot', stopLoss: '58000', takeProfit: '62000', decision: 'EXECUTED' });
    expect(manual.intent).toMatchObject({ id: intents[0]!.id, duplicate: true });
    // Default signal sizing: 1 % of 10,000 at risk over the 2,000 stop distance → 0.05 BTC.
    expect(intents[0]!.amount).toBe('0.05');
    const inv = await r.call('diagnostics.invariants', { hours: 1 });
    expect(inv).toMatchObject({ pass: true, counts: { signals: 1, missing_intent: 0 } });
  });

  it('manual execution bridge attaches the signal stop and target; an unknown signal says so', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await r.call('risk.update', { limits: { signalSizing: { mode: 'quoteAmount', value: '500' } } });
    const s = insertSignal(r, { autopilot: false });
    const ex = await r.call('signals.execute', { id: s.id });
    expect(ex).toMatchObject({ reasonCode: 'EXEC_ORDER_PLACED', intent: { origin: 'signal', signalId: s.id, amount: '0.008333' } });
    r.price('BTC/USDT', 60000);
    const legs = (await r.call('orders.list', { status: 'open' })).map((o) => o.role).sort();
    expect(legs).toEqual(['stop', 'target']);
    expect(await r.call('signals.execute', { id: 999 })).toMatchObject({ intent: null, reasonCode: 'SIGNAL_NOT_FOUND' });
  });

  it('autopilot sizing is cut to the risk limits instead of being blocked (risk % over a tight stop)', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    // 1 % of 10,000 over a 30 USDT stop asks for 3.33 BTC (≈ 200,000 USDT): cut to the 5,000 limit.
    const s = insertSignal(r, { autopilot: true, entry: 60000, stop: 59970, target: 60060 });
    const publish = r.bus.publish.bind(r.bus) as unknown as (t: string, p: unknown) => void;
    publish('signal.created', s);
    await r.settled();
    const [i] = r.orders.intents.bySignal(s.id);
    expect(i).toMatchObject({ decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED', amount: '0.083333' });
    expect(i!.reasonMessage).toMatch(/size cut from 3\.333333 to the risk limits/);
    // A manual order of the same size is still refused by the gate, with the rule.
    const manual = await place(r, { symbol: 'ETH/USDT', side: 'buy', quoteAmount: '200000', price: '3000', type: 'limit' });
    expect(manual).toMatchObject({ decision: 'SKIPPED', reasonCode: 'RISK_BLOCKED' });
    // The next autopilot signal on the same side finds no room left: blocked, not cut to zero.
    r.price('BTC/USDT', 60000);
    const s2 = insertSignal(r, { autopilot: true, entry: 60000, stop: 59970, target: 60060, bar: 60_000 });
    publish('signal.created', s2);
    await r.settled();
    expect(r.orders.intents.bySignal(s2.id)[0]).toMatchObject({ decision: 'SKIPPED', reasonCode: 'RISK_BLOCKED' });
  });

  it('diagnostics window signals on the wall clock when the engine (sim) clock runs ahead', async ({ track }) => {
    const r = track(await rig({}, undefined, { now: Date.now() + 10 * 3_600_000 }));
    insertSignal(r, { autopilot: true }); // stamped with the wall clock, never turned into an intent
    const inv = await r.call('diagnostics.invariants', { hours: 1 });
    expect(inv).toMatchObject({ pass: false, counts: { signals: 1, missing_intent: 1 } });
  });

  it('after a crash between signal and intent, start-up gives every autopilot signal its intent: fresh ones trade, old ones are SKIPPED SIGNAL_EXPIRED', async ({ track }) => {
    let r = track(await rig());
    r.price('BTC/USDT', 60000);
    // Persisted by the signals area, but the host died before the order engine heard of them.
    const fresh = insertSignal(r, { autopilot: true, stop: 58000 });
    const old = insertSignal(r, { autopilot: true, stop: 58000, bar: 60_000, createdAt: Date.now() - 3 * 3_600_000 });
    const manual = insertSignal(r, { autopilot: false, bar: 120_000 });
    expect((await r.call('diagnostics.invariants', { hours: 24 })).counts.missing_intent).toBe(2);
    // The market module has stored candles by the time orders start (here: one row).
    new CandlesRepo(r.db).upsertMany({ source: 'sim', symbol: 'BTC/USDT', timeframe: '1m' }, [[0, 60000, 60000, 60000, 60000, 1]]);
    r = track(await r.restart());
    r.price('BTC/USDT', 60000);
    await r.settled();
    expect(r.orders.intents.bySignal(fresh.id)).toEqual([expect.objectContaining({ idempotencyKey: `signal:${fresh.id}`, origin: 'autopilot', decision: 'EXECUTED' })]);
    expect(r.orders.intents.bySignal(old.id)).toEqual([expect.objectContaining({ decision: 'SKIPPED', reasonCode: 'SIGNAL_EXPIRED' })]);
    expect(r.orders.intents.bySignal(manual.id)).toEqual([]);
    // A late duplicate delivery of the fresh one changes nothing.
    (r.bus.publish.bind(r.bus) as unknown as (t: string, p: unknown) => void)('signal.created', fresh);
    await r.settled();
    expect(r.orders.intents.bySignal(fresh.id)).toHaveLength(1);
    expect(r.db.prepare("SELECT COUNT(*) AS n FROM orders WHERE role = 'entry'").get()).toEqual({ n: 1 });
    const inv = await r.call('diagnostics.invariants', { hours: 24 });
    expect(inv).toMatchObject({ pass: true, counts: { missing_intent: 0, null_decisions: 0 } });
  });

  it('diagnostics report every violated invariant', async ({ track }) => {
    const r = track(await rig());
    insertSignal(r, { autopilot: true }); // never turned into an intent
    insertSignal(r, { autopilot: true, status: 'rejected' }); // rejected by a quality gate: no intent expected
    const { clientOrderIdFor } = await import('../../engine/orders/module');
    const old = r.clock.now - 120_000;
    r.orders.intents.insertOrGet({ idempotencyKey: 'stuck', accountId: 1, signalId: null, origin: 'manual', symbol: 'BTC/USDT', side: 'buy', type: 'market', request: {}, price: null, stopPrice: null, stopLoss: null, takeProfit: null, clientOrderId: clientOrderIdFor('stuck'), createdAt: old });
    const f = r.orders.intents.insertOrGet({ idempotencyKey: 'silent-fail', accountId: 1, signalId: null, origin: 'manual', symbol: 'BTC/USDT', side: 'buy', type: 'market', request: {}, price: null, stopPrice: null, stopLoss: null, takeProfit: null, clientOrderId: clientOrderIdFor('silent-fail'), createdAt: old }).intent;
    r.orders.intents.decide(f.id, { decision: 'FAILED', reasonCode: 'TIMEOUT', reasonMessage: 'x' }, old);
    const inv = await r.call('diagnostics.invariants', { hours: 1 });
    expect(inv.pass).toBe(false);
    expect(inv.counts).toMatchObject({ signals: 2, intents: 2, failed: 1, missing_intent: 1, null_decisions: 1, failed_without_notification: 1 });
    expect(inv.violations.map((v) => v.invariant).sort()).toEqual([2, 3, 4]);
  });
});
