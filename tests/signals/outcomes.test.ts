/** Outcome tracking (win / loss / expired, profit %, time to outcome) and signals.performance. */
import { describe, expect } from 'vitest';
import { MIN, T0, sigRig, vPath, it } from './setup';
import { step, type Tracked } from '../../engine/signals/outcomes';
import type { Signal } from '../../engine/api';

const PATH = vPath(60, 30);
const CROSS = 71;

const tracked = (o: Partial<Tracked> = {}): Tracked => ({ id: 1, channelId: 1, strategy: 'x', side: 'buy', entry: 100, stopLoss: 98, takeProfit: 104, barTime: T0, timeframe: '1m', expiryBars: 3, bars: 0, ...o });

describe('outcome of one signal (unit)', () => {
  it('win at the target, loss at the stop, both in one bar is a loss, expiry at the close', () => {
    expect(step(tracked(), [T0 + MIN, 100, 104.5, 99, 104, 1])).toMatchObject({ result: 'win', exitPrice: 104, profitPct: 4, bars: 1, timeToOutcomeMs: MIN });
    expect(step(tracked(), [T0 + MIN, 100, 101, 97, 98, 1])).toMatchObject({ result: 'loss', exitPrice: 98, profitPct: -2 });
    expect(step(tracked(), [T0 + MIN, 100, 105, 97, 100, 1])).toMatchObject({ result: 'loss' });
    const t = tracked();
    expect(step(t, [T0 + MIN, 100, 101, 99, 100.5, 1])).toBeNull();
    expect(step(t, [T0 + 2 * MIN, 100, 101, 99, 100.5, 1])).toBeNull();
    expect(step(t, [T0 + 3 * MIN, 100, 101, 99, 101, 1])).toMatchObject({ result: 'expired', exitPrice: 101, profitPct: 1, bars: 3, timeToOutcomeMs: 3 * MIN });
    // shorts: mirrored
    expect(step(tracked({ side: 'sell', stopLoss: 102, takeProfit: 96 }), [T0 + MIN, 100, 100, 95.5, 96, 1])).toMatchObject({ result: 'win', profitPct: 4 });
    // the signal's own bar and older bars are ignored
    expect(step(tracked(), [T0, 100, 200, 1, 100, 1])).toBeNull();
  });
});

describe('outcomes in the pipeline and signals.performance', () => {
  it('follows delivered signals on later bars and aggregates per channel and strategy', async ({ track }) => {
    const r = track(await sigRig());
    r.store('AAA/USDT', PATH.slice(0, 60));
    r.store('BBB/USDT', PATH.slice(0, 60));
    const a = await r.createChannel({ name: 'Alpha', strategies: [{ id: 'ema_cross', params: {} }], expiryBars: 5 });
    const b = await r.createChannel({ name: 'Beta', strategies: [{ id: 'ema_cross', params: {} }], symbols: { source: 'sim', symbols: ['BBB/USDT'] }, expiryBars: 5 });
    for (let i = 60; i <= CROSS; i++) {
      r.close('AAA/USDT', i, PATH[i]!);
      r.close('BBB/USDT', i, PATH[i]!);
    }
    const [sa] = r.list().filter((s) => s.channelId === a);
    const [sb] = r.list().filter((s) => s.channelId === b);
    expect(sa && sb).toBeTruthy();
    expect(r.signals.status().tracking).toBe(2);
    // AAA: next bar reaches the target → win. BBB: falls through the stop → loss.
    r.close('AAA/USDT', CROSS + 1, sa!.takeProfit + 0.1, { high: sa!.takeProfit + 0.2, low: sa!.entry });
    r.close('BBB/USDT', CROSS + 1, sb!.entry, { high: sb!.entry, low: sb!.entry * 0.999 });
    r.close('BBB/USDT', CROSS + 2, sb!.stopLoss - 0.1, { high: sb!.entry, low: sb!.stopLoss - 0.2 });
    const wa = r.signals.signals.get(sa!.id)!;
    const lb = r.signals.signals.get(sb!.id)!;
    expect(wa.outcome).toMatchObject({ result: 'win', exitPrice: sa!.takeProfit, bars: 1, timeToOutcomeMs: MIN });
    expect(wa.outcome!.profitPct).toBeCloseTo(((sa!.takeProfit - sa!.entry) / sa!.entry) * 100, 6);
    expect(lb.outcome).toMatchObject({ result: 'loss', exitPrice: sb!.stopLoss, bars: 2, timeToOutcomeMs: 2 * MIN });
    expect(lb.outcome!.profitPct).toBeLessThan(0);
    expect(r.events.filter((e) => e.topic === 'signal.updated' && (e.payload as Signal).outcome)).toHaveLength(2);
    expect(r.signals.status().tracking).toBe(0);

    const h = (q: object) => r.call('signals.performance', q);
    const p = await h({});
    expect(p.total).toMatchObject({ count: 2, wins: 1, losses: 1, expired: 0, winRate: 0.5 });
    const win = wa.outcome!.profitPct;
    const loss = lb.outcome!.profitPct;
    expect(p.total.avgProfitPct).toBeCloseTo((win + loss) / 2, 9);
    expect(p.total.profitFactor).toBeCloseTo(win / -loss, 9);
    expect(p.total.expectancyPct).toBeCloseTo(0.5 * win - 0.5 * -loss, 9);
    expect(p.byChannel.map((c) => [c.label, c.count, c.wins])).toEqual([['Alpha', 1, 1], ['Beta', 1, 0]]);
    expect(p.byStrategy.map((c) => [c.label, c.count])).toEqual([['ema_cross', 2]]);
    expect((await h({ channel: b })).total).toMatchObject({ count: 1, losses: 1, profitFactor: 0 });
    expect((await h({ strategy: 'breakout' })).total.count).toBe(0);
    expect((await h({ since: Date.now() + 3_600_000 })).total.count).toBe(0);
  });

  it('expires after expiryBars and resumes following open signals after a restart', async ({ track }) => {
    const r = track(await sigRig());
    r.store('AAA/USDT', PATH.slice(0, 60));
    await r.createChannel({ strategies: [{ id: 'ema_cross', params: {} }], expiryBars: 3 });
    for (let i = 60; i <= CROSS; i++) r.close('AAA/USDT', i, PATH[i]!);
    const s = r.list()[0]!;
    const flat = (i: number) => r.close('AAA/USDT', i, s.entry, { high: s.entry * 1.0001, low: s.entry * 0.9999 });
    flat(CROSS + 1);
    const r2 = track(await r.restart());
    expect(r2.signals.status().tracking).toBe(1);
    flat(CROSS + 2);
    expect(r2.signals.signals.get(s.id)!.outcome).toBeNull();
    r2.close('AAA/USDT', CROSS + 3, s.entry, { high: s.entry * 1.0001, low: s.entry * 0.9999 });
    // the restarted tracker counts bars after the signal bar again from its stored bar time: 3 bars
    const o = r2.signals.signals.get(s.id)!.outcome;
    expect(o).toMatchObject({ result: 'expired', exitPrice: s.entry, profitPct: 0 });
    expect((await r2.call('signals.performance', {})).total).toMatchObject({ count: 1, expired: 1, winRate: 0 });
  });
});
