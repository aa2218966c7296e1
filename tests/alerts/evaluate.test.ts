import { describe, expect, it } from 'vitest';
import { exposures, healthMatches, indicatorCheck, movesPct, performanceCheck, priceCross, throttleAllows } from '../../engine/alerts/evaluate';
import { featureSpec } from '../../engine/alerts/features';
import { summaryMessage } from '../../engine/alerts/delivery';
import type { Alert } from '../../engine/api';

describe('alerts: the pure evaluators', () => {
  it('priceCross fires only on a change of side in its direction, never on the first price', () => {
    expect(priceCross('crosses_above', 100, undefined, 101)).toEqual({ side: 'above', fired: false });
    expect(priceCross('crosses_above', 100, 'below', 100)).toEqual({ side: 'above', fired: true });
    expect(priceCross('crosses_above', 100, 'above', 99)).toEqual({ side: 'below', fired: false });
    expect(priceCross('crosses_below', 100, 'above', 99.99)).toEqual({ side: 'below', fired: true });
    expect(priceCross('crosses_below', 100, 'below', 98)).toEqual({ side: 'below', fired: false });
  });

  it('movesPct measures from the window’s low or high after the last firing', () => {
    const s = [
      { ts: 0, price: 100 },
      { ts: 60_000, price: 90 },
      { ts: 120_000, price: 95 },
    ];
    expect(movesPct(s, 95, 120_000, 300_000, 5, -Infinity)).toMatchObject({ fired: true, from: 90 });
    expect(movesPct(s, 95, 120_000, 30_000, 5, -Infinity)?.fired).toBe(false); // only the last sample is in a 30 s window
    expect(movesPct(s, 95, 120_000, 300_000, 5, 100_000)?.fired).toBe(false); // samples before the last firing are ignored
    expect(movesPct(s, 94, 120_000, 300_000, 5, -Infinity)?.fired).toBe(true); // −6 % from 100 … and +4.4 % from 90: the fall counts
  });

  it('indicatorCheck: comparisons fire when they become true, crossings on the bar that crosses, missing values never fire', () => {
    const lt = { source: 'sim', symbol: 'A/B', timeframe: '1m' as const, feature: 'rsi_14', op: '<' as const, value: 30 };
    expect(indicatorCheck(lt, { rsi_14: 29 }, null, undefined).fired).toBe(true);
    expect(indicatorCheck(lt, { rsi_14: 29 }, null, true).fired).toBe(false);
    expect(indicatorCheck(lt, { rsi_14: 31 }, null, false)).toMatchObject({ fired: false, truth: false });
    expect(indicatorCheck(lt, {}, null, false).fired).toBe(false);
    const x = { ...lt, feature: 'ema_9', op: 'crosses_above' as const, value: undefined, otherFeature: 'ema_21' };
    expect(indicatorCheck(x, { ema_9: 11, ema_21: 10 }, { ema_9: 9, ema_21: 10 }, undefined).fired).toBe(true);
    expect(indicatorCheck(x, { ema_9: 12, ema_21: 10 }, { ema_9: 11, ema_21: 10 }, true).fired).toBe(false);
    expect(indicatorCheck(x, { ema_9: 11, ema_21: 10 }, null, undefined).fired).toBe(false);
  });

  it('performanceCheck needs N outcomes; win rate in %, expectancy as mean profit %', () => {
    const o = [
      { result: 'loss', profitPct: -1 },
      { result: 'win', profitPct: 2 },
      { result: 'loss', profitPct: -1 },
    ];
    expect(performanceCheck({ metric: 'win_rate', below: 50, lastN: 4, channel: 1 }, o)).toBeNull();
    expect(performanceCheck({ metric: 'win_rate', below: 50, lastN: 3, channel: 1 }, o)).toEqual({ value: 100 / 3, truth: true });
    expect(performanceCheck({ metric: 'expectancy', below: 0, lastN: 2, channel: 1 }, o)).toEqual({ value: 0.5, truth: false });
  });

  it('health, exposure, throttle', () => {
    const h = { status: 'healthy', circuit: 'closed', feeds: [{ status: 'healthy', freshness: 'stale' }] };
    expect(healthMatches('stale', h)).toBe(true);
    expect(healthMatches('failed', h)).toBe(false);
    expect(healthMatches('circuit_open', { ...h, circuit: 'open' })).toBe(true);
    expect(exposures(1000, [{ symbol: 'A', notional: -250 }])).toEqual([{ symbol: 'A', pct: 25 }]);
    expect(exposures(0, [{ symbol: 'A', notional: 1 }])).toEqual([]);
    expect(throttleAllows(null, 10, 0)).toBe(true);
    expect(throttleAllows(0, 10, 599_999)).toBe(false);
    expect(throttleAllows(0, 10, 600_000)).toBe(true);
  });

  it('feature names map to the indicator that computes them; unknown names do not', () => {
    expect(featureSpec('rsi_14')).toEqual({ kind: 'rsi', params: [14] });
    expect(featureSpec('bb_lower_20_2')).toEqual({ kind: 'bb', params: [20, 2] });
    expect(featureSpec('macd_signal_12_26_9')).toEqual({ kind: 'macd', params: [12, 26, 9] });
    expect(featureSpec('pdi_14')).toEqual({ kind: 'adx', params: [14] });
    expect(featureSpec('obv')).toEqual({ kind: 'obv', params: [] });
    for (const bad of ['rsi', 'rsi_x', 'rsi_14_2', 'foo_3', 'macd_26_12_9', 'ema_0']) expect(featureSpec(bad)).toBeNull();
  });

  it('a burst summary lists five and counts the rest, with the highest priority', () => {
    const a = (i: number, priority: Alert['priority']) => ({ id: i, message: `m${i}`, priority }) as Alert;
    const m = summaryMessage([a(1, 'low'), a(2, 'critical'), ...[3, 4, 5, 6, 7].map((i) => a(i, 'medium'))]);
    expect(m).toMatchObject({ summary: true, priority: 'critical', title: '7 more alerts within a minute' });
    expect(m.body.split('\n')).toEqual(['• m1', '• m2', '• m3', '• m4', '• m5', '… and 2 more']);
  });
});
