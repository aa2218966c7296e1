import { describe, expect } from 'vitest';
import { rigTest as it } from '../helpers/rig';
import { alertRig, type AlertRig } from './rig';
import { vPath } from '../signals/setup';


/** Stores `closes` as 1m history, then returns a closer for the next bars. */
function history(rig: AlertRig, closes: number[]): (close: number) => number {
  rig.s.store('AAA/USDT', closes);
  let i = closes.length;
  return (close) => {
    rig.s.close('AAA/USDT', i, close);
    return i++;
  };
}

describe('alerts: indicator rules on the signals’ feature engines', () => {
  it('rsi_14 < 30 fires once when it becomes true on a closed bar, not again while it stays true, nor for a bar seen twice or after a restart', async ({ track }) => {
    let r = track(await alertRig());
    const flat = Array.from({ length: 60 }, (_, k) => 100 + (k % 2 ? 0.5 : -0.5));
    const close = history(r, flat);
    const id = await r.create({ kind: 'indicator', condition: { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', feature: 'rsi_14', op: '<', value: 30 } });
    expect(r.s.signals.status().featureEngines).toBe(1); // the rule added the series the signals did not have
    let p = 100;
    for (let k = 0; k < 6; k++) close((p -= 1.5));
    expect(r.fired()).toHaveLength(1);
    const a = r.fired()[0]!;
    expect(a.ruleId).toBe(id);
    expect(a.message).toMatch(/^rsi_14 on AAA\/USDT 1m is below 30 at \d+(\.\d+)?$/);
    expect(Number(a.values.rsi_14)).toBeLessThan(30);
    const bar = Number(a.values.barTs);
    for (let k = 0; k < 3; k++) close((p -= 1));
    expect(r.fired()).toHaveLength(1); // still below: no new firing
    // the same bar delivered again: not twice
    r.s.bus.publish('candle.closed', { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', candle: [bar, p, p, p, p, 1] });
    expect(r.fired()).toHaveLength(1);
    r = track(await r.restart());
    r.s.bus.publish('candle.closed', { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', candle: [bar, p, p, p, p, 1] });
    expect(r.fired()).toHaveLength(0);
    expect(r.alerts.alerts.list({ status: 'active' })).toHaveLength(1); // not lost
  });

  it('ema_9 crosses_above ema_21 reads the channel’s own feature engine (one per series) and fires once per crossing', async ({ track }) => {
    const r = track(await alertRig());
    const v = vPath(60, 40);
    r.s.store('AAA/USDT', v.slice(0, 60));
    await r.s.createChannel({ strategies: [{ id: 'ema_cross', params: {} }] });
    await r.create({ kind: 'indicator', condition: { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', feature: 'ema_9', op: 'crosses_above', otherFeature: 'ema_21' } });
    expect(r.s.signals.status().featureEngines).toBe(1);
    for (let i = 60; i < v.length; i++) r.s.close('AAA/USDT', i, v[i]!);
    const fired = r.fired();
    expect(fired).toHaveLength(1);
    expect(fired[0]!.message).toMatch(/^ema_9 on AAA\/USDT 1m crossed above ema_21 \(/);
    expect(Number(fired[0]!.values.ema_9)).toBeGreaterThan(Number(fired[0]!.values.ema_21));
    // the strategy on the same engine saw the same crossing
    expect(r.s.created().filter((s) => s.side === 'buy').length).toBeGreaterThanOrEqual(1);
  });

  it('an indicator rule respects its throttle', async ({ track }) => {
    const r = track(await alertRig());
    const close = history(r, Array.from({ length: 40 }, () => 100));
    await r.create({ kind: 'indicator', condition: { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', feature: 'sma_2', op: '>', value: 100 }, throttleMinutes: 5 });
    close(101); // sma_2 100.5 > 100: fires
    close(99); // sma 100: false
    close(103); // true again 1 min later: throttled
    close(98);
    close(97);
    close(96);
    close(95);
    close(110); // true again 7 min after the first: fires
    expect(r.fired()).toHaveLength(2);
    expect(r.alerts.stats.throttled).toBe(1);
  });
});
