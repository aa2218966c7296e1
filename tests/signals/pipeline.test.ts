/** The signals pipeline: delivery, persistence before delivery, fan-out computed once, dedup, restart. */
import { describe, expect } from 'vitest';
import { MIN, T0, sigRig, vPath, type SigRig, it, type Track } from './setup';
import type { Notification, Signal } from '../../engine/api';

async function rig(track: Track): Promise<SigRig> {
  const r = track(await sigRig());
  return r;
}
const PATH = vPath(60, 30); // EMA(9) crosses above EMA(21) at bar 71
const CROSS = 71;

function play(r: SigRig, symbol = 'AAA/USDT', from = 60, to = PATH.length): void {
  for (let i = from; i < to; i++) r.close(symbol, i, PATH[i]!);
}

describe('signals pipeline', () => {
  it('delivers an ema_cross signal: persisted first, then a desktop notification, a delivery row with latency and signal.created', async ({ track }) => {
    const r = await rig(track);
    r.store('AAA/USDT', PATH.slice(0, 60));
    const ch = await r.createChannel({ name: 'Crosses', strategies: [{ id: 'ema_cross', params: {} }] });
    const seenInDb: boolean[] = [];
    r.bus.subscribe('signal.created', (s) => seenInDb.push(r.db.prepare('SELECT 1 FROM signals WHERE id = ?').get(s.id) !== undefined));
    const wallBefore = performance.timeOrigin + performance.now();
    play(r);
    const wallAfter = performance.timeOrigin + performance.now();
    const all = r.list();
    expect(all).toHaveLength(1);
    const s = all[0]!;
    expect(s).toMatchObject({ channelId: ch, channelName: 'Crosses', symbol: 'AAA/USDT', timeframe: '1m', strategy: 'ema_cross', side: 'buy', status: 'delivered', barTime: T0 + CROSS * MIN, rejectReason: null });
    expect(s.entry).toBe(PATH[CROSS]);
    expect(s.stopLoss).toBeLessThan(s.entry);
    expect(s.takeProfit).toBeGreaterThan(s.entry);
    expect(s.reasons[0]).toMatch(/^EMA\(9\) [\d.,]+ crossed above EMA\(21\) [\d.,]+/);
    expect(seenInDb).toEqual([true]);
    expect(r.created().map((x) => x.id)).toEqual([s.id]);
    const notes = r.events.filter((e) => e.topic === 'notification.created').map((e) => e.payload as Notification);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ kind: 'signal', refType: 'signal', refId: String(s.id) });
    // The journey's popup: "BUY ETH/USDT 3,247.50 — stop 3,212.00, target 3,350.00, confidence 78 % — <reason>"
    // Literals: entry 76.5, stop 74.2412, target 81.0177, confidence 0.876 on this path.
    expect(notes[0]!.title).toBe('BUY AAA/USDT 76.50');
    expect(notes[0]!.body).toBe('stop 74.241, target 81.018, confidence 88 % — EMA(9) 74.775 crossed above EMA(21) 74.686 (was 74.344 ≤ 74.505)\nema_cross · 1m · Crosses');
    expect(notes[0]!.actions.map((a) => a.label)).toEqual(['Acknowledge', 'Snooze 15 min', 'Execute']);
    expect(notes[0]!.actions.map((a) => a.command)).toEqual(['signals.ack', 'signals.snooze', 'signals.execute']);
    expect(r.events.some((e) => e.topic === 'notification.popup')).toBe(true);
    const d = r.signals.deliveries.forSignal(s.id);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ target: 'desktop', notificationId: notes[0]!.id, ok: true });
    // No wall-clock window: the latency lies within the time the bars took to play, whatever the load.
    expect(d[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(d[0]!.latencyMs).toBeLessThanOrEqual(Math.ceil(wallAfter - wallBefore));
    expect(d[0]!.deliveredAt).toBeGreaterThanOrEqual(Math.floor(wallBefore));
    expect(d[0]!.deliveredAt).toBeLessThanOrEqual(Math.ceil(wallAfter));
    // signals.list filters
    expect(await r.call('signals.list', { channel: ch })).toHaveLength(1);
    expect(await r.call('signals.list', { symbol: 'BBB/USDT' })).toHaveLength(0);
    expect(await r.call('signals.list', { status: 'rejected' })).toHaveLength(0);
    expect(await r.call('signals.list', { since: s.createdAt + 1 })).toHaveLength(0);
  });

  it('evaluates each (symbol, timeframe, strategy+params) once per bar and fans out to every channel', async ({ track }) => {
    const r = await rig(track);
    r.store('AAA/USDT', PATH.slice(0, 60));
    r.store('BBB/USDT', PATH.slice(0, 60));
    const a = await r.createChannel({ name: 'A', strategies: [{ id: 'ema_cross', params: {} }] });
    const b = await r.createChannel({ name: 'B', strategies: [{ id: 'ema_cross', params: { slow: 21, fast: 9 } }], symbols: { source: 'sim', symbols: ['AAA/USDT', 'BBB/USDT'] } });
    const c = await r.createChannel({ name: 'C', strategies: [{ id: 'ema_cross', params: { fast: 9 } }, { id: 'ema_cross', params: { fast: 5, slow: 13 } }] });
    const st = r.signals.status();
    expect(st.featureEngines).toBe(2); // AAA/1m and BBB/1m, shared by the channels
    expect(st.evaluators).toBe(3); // AAA: ema 9/21 and 5/13; BBB: 9/21
    const before = r.signals.stats.evaluations;
    r.close('AAA/USDT', 60, PATH[60]!);
    expect(r.signals.stats.evaluations - before).toBe(2);
    play(r, 'AAA/USDT', 61);
    expect(r.signals.stats.evaluations - before).toBe(2 * (PATH.length - 60));
    const s = r.list().filter((x) => x.strategy === 'ema_cross' && x.barTime === T0 + CROSS * MIN);
    expect(s.map((x) => x.channelId).sort()).toEqual([a, b, c].sort());
    // one decision for the 9/21 cross, fanned out to three channels
    expect(new Set(s.map((x) => x.entry)).size).toBe(1);
  });

  it('deduplicates by (channel, symbol, timeframe, bar time, side): a repeated bar and a restart deliver nothing twice', async ({ track }) => {
    const r = await rig(track);
    r.store('AAA/USDT', PATH.slice(0, 60));
    await r.createChannel({ strategies: [{ id: 'ema_cross', params: {} }] });
    play(r, 'AAA/USDT', 60, CROSS + 1);
    expect(r.list()).toHaveLength(1);
    // the same closed bar again (a revision or a duplicate event)
    r.close('AAA/USDT', CROSS, PATH[CROSS]!);
    expect(r.list()).toHaveLength(1);
    // the repository refuses the key itself
    const s = r.list()[0]!;
    const dup = r.signals.signals.insert({ ...s, strategyKey: 'x', reasons: [], status: 'delivered', rejectDetail: null });
    expect(dup).toBeNull();
    expect(r.signals.signals.insert({ ...s, strategyKey: 'x', reasons: [], status: 'rejected', rejectReason: 'PAUSED', rejectDetail: null })).toBeNull();
    // and the database itself refuses a second deliverable row with the key
    expect(() =>
      r.db
        .prepare("INSERT INTO signals (channel_id, autopilot, source, symbol, timeframe, strategy, bar_time, side, entry, stop_loss, take_profit, confidence, reasons, status, created_at) VALUES (?, 0, 'sim', ?, '1m', 'x', ?, 'buy', 1, 1, 1, 1, '[]', 'delivered', 0)")
        .run(s.channelId, s.symbol, s.barTime),
    ).toThrow(/UNIQUE constraint failed/);
    // restart: a new module re-warms from stored candles up to the bar before, then sees the bar again
    r.store('AAA/USDT', PATH.slice(60, CROSS), 60);
    const r2 = track(await r.restart());
    r2.close('AAA/USDT', CROSS, PATH[CROSS]!);
    expect(r2.signals.stats.decisions).toBe(1);
    expect(r2.signals.stats.duplicates).toBe(1);
    expect(r2.list()).toHaveLength(1);
    expect(r2.created()).toHaveLength(0);
  });

  it('publishes nothing and stores nothing when no strategy fires', async ({ track }) => {
    const r = await rig(track);
    r.store('AAA/USDT', PATH.slice(0, 60));
    await r.createChannel({ strategies: [{ id: 'ema_cross', params: {} }] });
    for (let i = 60; i < 80; i++) r.close('AAA/USDT', i, PATH[59]! - (i - 59) * 0.5); // still falling: no cross
    expect(r.list()).toHaveLength(0);
    expect(r.created()).toHaveLength(0);
    expect(r.signals.stats.evaluations).toBe(20);
  });

  it('warms up from stored candles: a channel created after history exists evaluates on the first live bar', async ({ track }) => {
    const r = await rig(track);
    r.store('AAA/USDT', PATH.slice(0, CROSS));
    await r.createChannel({ strategies: [{ id: 'ema_cross', params: {} }] });
    r.close('AAA/USDT', CROSS, PATH[CROSS]!);
    expect(r.list().map((s: Signal) => s.status)).toEqual(['delivered']);
  });
});

describe('warm-up in the indicator worker pool', () => {
  it('warms long histories in the pool and continues live from its state, the same as in process', async ({ track }) => {
    const { closePool } = await import('../../engine/indicators');
    const { SignalsModule } = await import('../../engine/signals/module');
    const r = track(await sigRig());
    try {
      const long = vPath(400, 60, 300, 0.5);
      r.store('AAA/USDT', long.slice(0, 400));
      r.store('BBB/USDT', long.slice(0, 400));
      // a second module on the same store, with the pool on for histories of 100+ bars
      const pooled = new SignalsModule({ db: r.db, bus: r.bus, opts: { dataDir: r.dataDir } as never, clock: () => r.clock.now }, r.delivery, {
        symbols: () => ['AAA/USDT', 'BBB/USDT'],
        candles: (source, symbol, timeframe, limit) => r.candles.range({ source, symbol, timeframe }, limit),
      }, { usePool: true, poolMinBars: 100 });
      pooled.start();
      try {
        await r.createChannel({ name: 'in-process', strategies: [{ id: 'ema_cross', params: {} }] });
        await pooled.rebuild();
        expect(pooled.status()).toMatchObject({ channels: 1, featureEngines: 1, evaluators: 1 });
        expect(pooled.stats.pooledWarmUps).toBe(1);
        expect(r.signals.stats.pooledWarmUps).toBe(0);
        // both modules see the same live bars; the in-process one persists first, the pooled one
        // computes the same decision (same entry and bar) and hits the dedup key
        for (let i = 400; i < long.length; i++) r.close('AAA/USDT', i, long[i]!);
        expect(r.signals.stats.decisions).toBe(1);
        expect(pooled.stats.decisions).toBe(1);
        expect(pooled.stats.duplicates).toBe(1);
        expect(r.list()).toHaveLength(1);
      } finally {
        pooled.stop();
      }
    } finally {
      r.stop();
      await closePool();
    }
  });
});
