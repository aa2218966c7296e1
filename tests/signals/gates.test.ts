/**
 * Every quality gate: a reference channel without limits delivers the same decision the gated
 * channel rejects, and the rejection is stored with its reason (never dropped).
 */
import { describe, expect } from 'vitest';
import { MIN, T0, ohlcv, sigRig, vPath, zigzag, type SigRig, it, type Track } from './setup';
import type { ChannelInput, Signal } from '../../engine/api';
import { checkGates } from '../../engine/signals/gates';
import { ChannelInputSchema } from '../../engine/api';

const ZZ = zigzag();
const EMA = [{ id: 'ema_cross', params: {} }];
const LOOSE = { staleBars: 1000, maxAgeSeconds: 86_400, maxDriftPct: 100 };

/** A reference channel R (no limits) and a test channel T on AAA/USDT; 60 bars of history stored. */
async function pair(track: Track, t: Partial<ChannelInput>): Promise<{ r: SigRig; ref: number; test: number }> {
  const r = track(await sigRig());
  r.store('AAA/USDT', ZZ.slice(0, 60));
  const ref = await r.createChannel({ name: 'R', strategies: EMA, gates: LOOSE });
  const test = await r.createChannel({ name: 'T', strategies: EMA, ...t });
  return { r, ref, test };
}
function play(r: SigRig, to = ZZ.length, from = 60, lag?: (i: number) => number): void {
  for (let i = from; i < to; i++) r.close('AAA/USDT', i, ZZ[i]!, lag ? { clockLag: lag(i) } : {});
}
const of = (r: SigRig, ch: number): Signal[] => r.list().filter((s) => s.channelId === ch);

describe('quality gates', () => {
  it('reference: the zigzag gives buy, sell, buy on ema_cross(9, 21)', async ({ track }) => {
    const { r, ref, test } = await pair(track, {});
    play(r);
    expect(of(r, ref).map((s) => `${s.side}:${s.status}`)).toEqual(['buy:delivered', 'sell:delivered', 'buy:delivered']);
    expect(of(r, test).map((s) => s.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('PAUSED: the persisted pause switch holds every delivery; signals are stored as rejected', async ({ track }) => {
    const { r, ref } = await pair(track, {});
    const st = await r.call('signals.pause', { paused: true });
    expect(st.paused).toBe(true);
    play(r, 80);
    const s = of(r, ref);
    expect(s.map((x) => [x.status, x.rejectReason])).toEqual([['rejected', 'PAUSED']]);
    expect(r.created()).toHaveLength(0);
    expect(r.events.filter((e) => e.topic === 'notification.created')).toHaveLength(0);
    expect(r.events.some((e) => e.topic === 'signal.updated' && (e.payload as Signal).id === s[0]!.id)).toBe(true);
    // survives a restart
    const r2 = track(await r.restart());
    expect((await r2.call('signals.status', {})).paused).toBe(true);
    await r2.call('signals.pause', { paused: false });
    r2.store('AAA/USDT', ZZ.slice(60, 80), 60);
    const r3 = track(await r2.restart());
    expect(r3.signals.status().paused).toBe(false);
    for (let i = 80; i < ZZ.length; i++) r3.close('AAA/USDT', i, ZZ[i]!);
    expect(of(r3, ref).map((x) => x.status)).toEqual(['rejected', 'delivered', 'delivered']);
  });

  it('NOT_WARMED_UP: a cross seen before the indicators had enough bars is rejected', async ({ track }) => {
    const r = track(await sigRig());
    const ch = await r.createChannel({ strategies: EMA, gates: LOOSE });
    const path = vPath(25, 20);
    for (let i = 0; i < path.length; i++) r.close('AAA/USDT', i, path[i]!);
    const s = of(r, ch);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ status: 'rejected', rejectReason: 'NOT_WARMED_UP' });
    expect(s[0]!.rejectDetail).toMatch(/of the 42 bars/);
    expect(r.created()).toHaveLength(0);
  });

  it('STALE_DATA: a bar that closed more than staleBars bars ago', async ({ track }) => {
    const { r, ref, test } = await pair(track, { gates: { staleBars: 3, maxAgeSeconds: 86_400, maxDriftPct: 100 } });
    play(r, 80, 60, () => 5 * MIN);
    expect(of(r, test).map((s) => s.rejectReason)).toEqual(['STALE_DATA']);
    expect(of(r, ref).map((s) => s.status)).toEqual(['delivered']);
  });

  it('SIGNAL_TOO_OLD: more than maxAgeSeconds between the bar close and now', async ({ track }) => {
    const { r, ref, test } = await pair(track, { gates: { staleBars: 1000, maxAgeSeconds: 30, maxDriftPct: 100 } });
    play(r, 80, 60, () => 45_000);
    expect(of(r, test).map((s) => s.rejectReason)).toEqual(['SIGNAL_TOO_OLD']);
    expect(of(r, test)[0]!.rejectDetail).toMatch(/45 s old, limit 30 s/);
    expect(of(r, ref).map((s) => s.status)).toEqual(['delivered']);
  });

  it('STALE_DATA and SIGNAL_TOO_OLD read engine time at any sim speed, allowing one sim tick', async ({ track }) => {
    // A 600× sim with 500 ms ticks publishes the 1m bars of five engine minutes at once: the oldest
    // of them closed up to 5 min (of engine time) before it reaches the engine.
    const r = track(await sigRig(undefined, undefined, { opts: { simSpeed: 600, tickMs: 500 } }));
    r.store('AAA/USDT', ZZ.slice(0, 60));
    const strict = await r.createChannel({ name: 'S', strategies: EMA, gates: { staleBars: 3, maxAgeSeconds: 120, maxDriftPct: 100 } });
    expect(r.signals.gateClock('sim')).toEqual({ now: r.clock.now, slackMs: 300_000 });
    play(r, ZZ.length, 60, () => 4.5 * MIN);
    expect(of(r, strict).map((s) => s.status)).toEqual(['delivered', 'delivered', 'delivered']);
    // …but a bar later than one tick plus the limit is still stale.
    const r2 = track(await sigRig(undefined, undefined, { opts: { simSpeed: 600, tickMs: 500 } }));
    r2.store('AAA/USDT', ZZ.slice(0, 60));
    const s2 = await r2.createChannel({ name: 'S', strategies: EMA, gates: { staleBars: 3, maxAgeSeconds: 86_400, maxDriftPct: 100 } });
    play(r2, 80, 60, () => 8.5 * MIN);
    expect(of(r2, s2).map((s) => s.rejectReason)).toEqual(['STALE_DATA']);
    expect(of(r2, s2)[0]!.rejectDetail).toMatch(/allowing 5 min for the source's delivery/);
  });

  it('an exchange source is gated on wall time, not on the running sim clock', async ({ track }) => {
    let wall = T0;
    // The sim runs 60× (its clock hours ahead of the wall); bars of source "ex" close in real time.
    const r = track(await sigRig(undefined, { now: T0 + 10 * 3_600_000 }, { opts: { simSpeed: 60, tickMs: 500 }, sources: ['ex'], signals: { wallNow: () => wall } }));
    r.candles.upsertMany({ source: 'ex', symbol: 'AAA/USDT', timeframe: '1m' }, ZZ.slice(0, 60).map((c, k) => ohlcv(k, c)));
    const ch = await r.createChannel({ name: 'X', strategies: EMA, symbols: { source: 'ex', symbols: ['AAA/USDT'] }, gates: { staleBars: 3, maxAgeSeconds: 120, maxDriftPct: 100 } });
    for (let i = 60; i < ZZ.length; i++) {
      const candle = ohlcv(i, ZZ[i]!);
      wall = candle[0] + MIN + 800;
      r.clock.now += 60 * MIN; // the sim races ahead meanwhile
      r.bus.publish('candle.closed', { source: 'ex', symbol: 'AAA/USDT', timeframe: '1m', candle });
    }
    expect(r.signals.gateClock('ex')).toEqual({ now: wall, slackMs: 0 });
    expect(of(r, ch).map((s) => `${s.side}:${s.status}`)).toEqual(['buy:delivered', 'sell:delivered', 'buy:delivered']);
    // A bar that reaches the engine 5 min (wall) after its close is stale.
    const late = ohlcv(ZZ.length, ZZ[ZZ.length - 1]!);
    wall = late[0] + 6 * MIN;
    expect(checkGates({ channel: r.signals.channels.get(ch)!, timeframe: '1m', barTime: late[0], decision: { side: 'buy', entry: 1, stopLoss: 0.9, takeProfit: 1.2, confidence: 1, reasons: [] }, ...r.signals.gateClock('ex'), paused: false, barsSeen: 100, warmupNeeded: 1, lastPrice: undefined, lastDeliveredBar: () => undefined, deliveredToday: () => 0 })?.reason).toBe('STALE_DATA');
  });

  it('a replay source is gated on its playback clock: an old file plays as if live', async ({ track }) => {
    // Wall time is a year after the file's bars; the sim clock is elsewhere again.
    const wall = T0 + 365 * 86_400_000;
    const r = track(await sigRig(undefined, { now: T0 + 10 * 3_600_000 }, { opts: { simSpeed: 60, tickMs: 500 }, sources: ['rp', 'ex'], kinds: { rp: 'replay' }, signals: { wallNow: () => wall } }));
    const chans: number[] = [];
    for (const source of ['rp', 'ex']) {
      r.candles.upsertMany({ source, symbol: 'AAA/USDT', timeframe: '1m' }, ZZ.slice(0, 60).map((c, k) => ohlcv(k, c)));
      chans.push(await r.createChannel({ name: source, strategies: EMA, symbols: { source, symbols: ['AAA/USDT'] }, gates: { staleBars: 3, maxAgeSeconds: 120, maxDriftPct: 100 } }));
    }
    for (let i = 60; i < ZZ.length; i++) for (const source of ['rp', 'ex']) r.bus.publish('candle.closed', { source, symbol: 'AAA/USDT', timeframe: '1m', candle: ohlcv(i, ZZ[i]!) });
    expect(r.signals.gateClock('rp', 'AAA/USDT', '1m')).toEqual({ now: T0 + ZZ.length * MIN, slackMs: 0 });
    expect(of(r, chans[0]!).map((s) => `${s.side}:${s.status}`)).toEqual(['buy:delivered', 'sell:delivered', 'buy:delivered']);
    // the same bars from an exchange source arrive a year late: stale
    expect(of(r, chans[1]!).map((s) => s.rejectReason)).toEqual(['STALE_DATA', 'STALE_DATA', 'STALE_DATA']);
  });

  it('PRICE_DRIFT: the live price moved more than maxDriftPct from the entry', async ({ track }) => {
    const { r, ref, test } = await pair(track, { gates: { staleBars: 1000, maxAgeSeconds: 86_400, maxDriftPct: 1 } });
    for (let i = 60; i < 80; i++) {
      // the forming bar after i already trades 3 % higher
      r.bus.publish('candle.updated', { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', candle: [T0 + (i + 1) * MIN, ZZ[i]!, ZZ[i]! * 1.03, ZZ[i]!, ZZ[i]! * 1.03, 1] });
      r.close('AAA/USDT', i, ZZ[i]!);
    }
    expect(of(r, test).map((s) => s.rejectReason)).toEqual(['PRICE_DRIFT']);
    expect(of(r, test)[0]!.rejectDetail).toMatch(/3\.00 % from entry/);
    expect(of(r, ref).map((s) => s.status)).toEqual(['delivered']);
  });

  it('LOW_CONFIDENCE: below the channel minimum', async ({ track }) => {
    const { r, ref, test } = await pair(track, { minConfidence: 0.99, gates: LOOSE });
    play(r, 80);
    const t = of(r, test);
    expect(t.map((s) => s.rejectReason)).toEqual(['LOW_CONFIDENCE']);
    expect(t[0]!.confidence).toBeLessThan(0.99);
    expect(of(r, ref).map((s) => s.status)).toEqual(['delivered']);
  });

  it('COOLDOWN: a second signal on the same symbol within the cooldown', async ({ track }) => {
    const { r, ref, test } = await pair(track, { cooldownMinutes: 24 * 60, gates: LOOSE });
    play(r);
    expect(of(r, test).map((s) => s.rejectReason)).toEqual([null, 'COOLDOWN', 'COOLDOWN']);
    expect(of(r, ref).map((s) => s.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('DAILY_LIMIT: more signals than maxPerDay in one UTC day', async ({ track }) => {
    const { r, test } = await pair(track, { maxPerDay: 2, gates: LOOSE });
    play(r);
    expect(of(r, test).map((s) => s.rejectReason)).toEqual([null, null, 'DAILY_LIMIT']);
    expect(r.created().filter((s) => s.channelId === test)).toHaveLength(2);
  });

  it('checks gates in a fixed order (unit)', () => {
    const channel = { ...ChannelInputSchema.parse({ name: 'x', strategies: EMA, symbols: { source: 'sim', symbols: ['AAA/USDT'] }, timeframe: '1m', minConfidence: 0.5 }), id: 1, createdAt: 0, updatedAt: 0 };
    const base = {
      channel,
      timeframe: '1m' as const,
      barTime: T0,
      decision: { side: 'buy' as const, entry: 100, stopLoss: 99, takeProfit: 102, confidence: 0.9, reasons: [] },
      now: T0 + MIN + 500,
      paused: false,
      barsSeen: 100,
      warmupNeeded: 42,
      lastPrice: 100.2,
      lastDeliveredBar: () => undefined,
      deliveredToday: () => 0,
    };
    expect(checkGates(base)).toBeNull();
    expect(checkGates({ ...base, paused: true, barsSeen: 0 })?.reason).toBe('PAUSED');
    expect(checkGates({ ...base, barsSeen: 10, now: T0 + 100 * MIN })?.reason).toBe('NOT_WARMED_UP');
    expect(checkGates({ ...base, now: T0 + 100 * MIN })?.reason).toBe('STALE_DATA');
    expect(checkGates({ ...base, now: T0 + MIN + 121_000 })?.reason).toBe('SIGNAL_TOO_OLD');
    expect(checkGates({ ...base, lastPrice: 101.5 })?.reason).toBe('PRICE_DRIFT');
    expect(checkGates({ ...base, decision: { ...base.decision, confidence: 0.4 } })?.reason).toBe('LOW_CONFIDENCE');
    expect(checkGates({ ...base, deliveredToday: () => 100 })?.reason).toBe('DAILY_LIMIT');
  });
});
