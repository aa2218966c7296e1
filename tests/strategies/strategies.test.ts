/** Each strategy on crafted bar sequences (features handed in directly) that must and must not fire. */
import { describe, expect, it } from 'vitest';
import { STRATEGIES, STRATEGY_IDS, getStrategy, parseParams, strategyKey, type StrategyInput } from '../../engine/strategies';
import type { Bar, Features } from '../../engine/indicators/types';
import { ApiError } from '../../engine/api/errors';

const T0 = Date.UTC(2025, 0, 1);
function bar(i: number, close: number, o: Partial<Bar> = {}): Bar {
  return { ts: T0 + i * 60_000, open: close, high: close + 1, low: close - 1, close, volume: 100, ...o };
}
function input(b: Bar, features: Features, prev: Features | null, history: Bar[] = [b]): StrategyInput {
  return { symbol: 'ETH/USDT', timeframe: '1m', bar: b, features, prev, history };
}
const run = (id: string, inp: StrategyInput, params: unknown = {}) => getStrategy(id).evaluate(inp, parseParams(id, params));

describe('registry', () => {
  it('has every strategy with defaults from its schema', () => {
    expect(Object.keys(STRATEGIES).sort()).toEqual([...STRATEGY_IDS].sort());
    for (const id of STRATEGY_IDS) {
      const d = STRATEGIES[id];
      expect(d.id).toBe(id);
      const p = parseParams(id, {});
      expect(d.indicators(p).length).toBeGreaterThan(0);
      expect(d.lookback(p)).toBeGreaterThan(0);
    }
    expect(parseParams('ema_cross', {})).toMatchObject({ fast: 9, slow: 21 });
  });
  it('rejects unknown strategies and bad params with BAD_INPUT', () => {
    expect(() => getStrategy('nope')).toThrow(ApiError);
    expect(() => parseParams('ema_cross', { fast: 30, slow: 10 })).toThrow(/fast must be shorter/);
    expect(() => parseParams('breakout', { period: -1 })).toThrow(ApiError);
    expect(() => parseParams('ema_cross', { bogus: 1 })).toThrow(ApiError);
  });
  it('keys params canonically', () => {
    expect(strategyKey('ema_cross', parseParams('ema_cross', { slow: 21, fast: 9 }))).toBe(strategyKey('ema_cross', parseParams('ema_cross', {})));
    expect(strategyKey('ema_cross', parseParams('ema_cross', { fast: 5 }))).not.toBe(strategyKey('ema_cross', parseParams('ema_cross', {})));
  });
});

describe('ema_cross (reference)', () => {
  const atr = { atr_14: 10 };
  it('goes long when EMA(9) closes above EMA(21) after being at or below it', () => {
    const b = bar(1, 3247.5);
    const d = run('ema_cross', input(b, { ema_9: 3241, ema_21: 3240, ...atr }, { ema_9: 3240, ema_21: 3240, ...atr }));
    expect(d).not.toBeNull();
    expect(d!.side).toBe('buy');
    expect(d!.entry).toBe(3247.5);
    expect(d!.stopLoss).toBeCloseTo(3247.5 - 15);
    expect(d!.takeProfit).toBeCloseTo(3247.5 + 30);
    expect(d!.confidence).toBeGreaterThan(0);
    expect(d!.confidence).toBeLessThanOrEqual(1);
    expect(d!.reasons[0]).toContain('EMA(9) 3,241.00 crossed above EMA(21) 3,240.00');
  });
  it('exits (sell) on the opposite cross', () => {
    const d = run('ema_cross', input(bar(1, 3230), { ema_9: 3239, ema_21: 3240, ...atr }, { ema_9: 3241, ema_21: 3240, ...atr }));
    expect(d?.side).toBe('sell');
    expect(d!.stopLoss).toBeGreaterThan(d!.entry);
    expect(d!.takeProfit).toBeLessThan(d!.entry);
  });
  it('does not fire without a cross, when already above, or while warming up', () => {
    expect(run('ema_cross', input(bar(1, 3250), { ema_9: 3245, ema_21: 3240, ...atr }, { ema_9: 3244, ema_21: 3240, ...atr }))).toBeNull();
    expect(run('ema_cross', input(bar(1, 3230), { ema_9: 3235, ema_21: 3240, ...atr }, { ema_9: 3236, ema_21: 3240, ...atr }))).toBeNull();
    expect(run('ema_cross', input(bar(1, 3250), { ema_9: 3245, ema_21: 3240, ...atr }, null))).toBeNull();
    expect(run('ema_cross', input(bar(1, 3250), { ema_9: 3245, ema_21: 3240 }, { ema_9: 3240, ema_21: 3240 }))).toBeNull();
  });
  it('uses its params: EMA(5)/EMA(13)', () => {
    const d = run('ema_cross', input(bar(1, 100), { ema_5: 101, ema_13: 100, atr_14: 1 }, { ema_5: 99, ema_13: 100, atr_14: 1 }), { fast: 5, slow: 13 });
    expect(d?.side).toBe('buy');
  });
  it('on a crafted price path fires exactly once at the cross, the same as an EMA computed here', () => {
    // Flat then rising: EMA(2) crosses EMA(4) once.
    const closes = [10, 10, 10, 10, 10, 10, 11, 12, 13, 14];
    const ema = (n: number) => {
      const k = 2 / (n + 1);
      const out: number[] = [];
      closes.forEach((c, i) => out.push(i === 0 ? c : c * k + out[i - 1]! * (1 - k)));
      return out;
    };
    const e2 = ema(2);
    const e4 = ema(4);
    const fired: number[] = [];
    for (let i = 1; i < closes.length; i++) {
      const fs = { ema_2: e2[i], ema_4: e4[i], atr_14: 1 };
      const ps = { ema_2: e2[i - 1], ema_4: e4[i - 1], atr_14: 1 };
      const d = run('ema_cross', input(bar(i, closes[i]!), fs, ps), { fast: 2, slow: 4 });
      if (d) fired.push(i);
    }
    expect(fired).toEqual([6]);
  });
});

describe('breakout', () => {
  const hist = (last: Bar) => {
    const h: Bar[] = [];
    for (let i = 0; i < 20; i++) h.push(bar(i, 3230 + (i % 5), { high: 3240 - (i % 3), low: 3220 + (i % 4) }));
    h[7] = bar(7, 3235, { high: 3240, low: 3221 });
    h.push(last);
    return h;
  };
  it('fires on a close above the 20-bar high on volume, with a readable reason', () => {
    const last = bar(20, 3247.5, { high: 3249, low: 3238, volume: 180 });
    const d = run('breakout', input(last, { atr_14: 8, volume_ratio_20: 1.8 }, { atr_14: 8, volume_ratio_20: 1 }, hist(last)));
    expect(d?.side).toBe('buy');
    expect(d!.reasons[0]).toBe('Close 3,247.50 broke 20-bar high 3,240.00 on 1.8× average volume');
    expect(d!.stopLoss).toBeCloseTo(3247.5 - 12);
    expect(d!.takeProfit).toBeCloseTo(3247.5 + 24);
  });
  it('fires short below the low', () => {
    const last = bar(20, 3210, { high: 3222, low: 3209 });
    expect(run('breakout', input(last, { atr_14: 8, volume_ratio_20: 2 }, null, hist(last)))?.side).toBe('sell');
  });
  it('does not fire on thin volume, inside the range, or without enough history', () => {
    const last = bar(20, 3247.5);
    expect(run('breakout', input(last, { atr_14: 8, volume_ratio_20: 1.2 }, null, hist(last)))).toBeNull();
    const inside = bar(20, 3235);
    expect(run('breakout', input(inside, { atr_14: 8, volume_ratio_20: 3 }, null, hist(inside)))).toBeNull();
    expect(run('breakout', input(last, { atr_14: 8, volume_ratio_20: 3 }, null, hist(last).slice(-5)))).toBeNull();
  });
});

describe('momentum', () => {
  const base = { rsi_14: 60, ema_50: 90, atr_14: 2 };
  it('fires long when the MACD histogram turns positive with RSI confirming above EMA(50)', () => {
    const d = run('momentum', input(bar(1, 100), { ...base, macd_hist_12_26_9: 0.3 }, { ...base, macd_hist_12_26_9: -0.1 }));
    expect(d?.side).toBe('buy');
    expect(d!.reasons.join(' ')).toContain('RSI(14) 60.0');
  });
  it('fires short on the mirror', () => {
    const s = { rsi_14: 38, ema_50: 110, atr_14: 2 };
    expect(run('momentum', input(bar(1, 100), { ...s, macd_hist_12_26_9: -0.3 }, { ...s, macd_hist_12_26_9: 0.1 }))?.side).toBe('sell');
  });
  it('does not fire with RSI overbought, below the trend, or without a turn', () => {
    expect(run('momentum', input(bar(1, 100), { ...base, rsi_14: 82, macd_hist_12_26_9: 0.3 }, { ...base, macd_hist_12_26_9: -0.1 }))).toBeNull();
    expect(run('momentum', input(bar(1, 80), { ...base, macd_hist_12_26_9: 0.3 }, { ...base, macd_hist_12_26_9: -0.1 }))).toBeNull();
    expect(run('momentum', input(bar(1, 100), { ...base, macd_hist_12_26_9: 0.3 }, { ...base, macd_hist_12_26_9: 0.2 }))).toBeNull();
  });
});

describe('mean_reversion', () => {
  const bands = { bb_lower_20_2: 95, bb_upper_20_2: 105, bb_middle_20_2: 100, atr_14: 2 };
  it('fires long when the close leaves the lower band with RSI oversold', () => {
    const prevBar = bar(0, 97);
    const b = bar(1, 94);
    const d = run('mean_reversion', input(b, { ...bands, rsi_14: 25 }, { ...bands, rsi_14: 35 }, [prevBar, b]));
    expect(d?.side).toBe('buy');
    expect(d!.stopLoss).toBeCloseTo(92);
    expect(d!.takeProfit).toBeCloseTo(97);
    expect(d!.reasons[0]).toContain('lower Bollinger band 95.00');
  });
  it('fires short above the upper band with RSI overbought', () => {
    const b = bar(1, 106);
    expect(run('mean_reversion', input(b, { ...bands, rsi_14: 78 }, { ...bands }, [bar(0, 103), b]))?.side).toBe('sell');
  });
  it('does not fire when RSI is not extreme or the previous close was already outside', () => {
    const b = bar(1, 94);
    expect(run('mean_reversion', input(b, { ...bands, rsi_14: 40 }, { ...bands }, [bar(0, 97), b]))).toBeNull();
    expect(run('mean_reversion', input(b, { ...bands, rsi_14: 20 }, { ...bands }, [bar(0, 93), b]))).toBeNull();
  });
});

describe('scalping', () => {
  const base = { ema_21: 99, atr_14: 1, volume_ratio_20: 1.5 };
  it('fires long when RSI(7) snaps up through 30 above EMA(21) on volume', () => {
    const d = run('scalping', input(bar(1, 100), { ...base, rsi_7: 34 }, { ...base, rsi_7: 24 }));
    expect(d?.side).toBe('buy');
    expect(d!.stopLoss).toBeCloseTo(99.25);
    expect(d!.takeProfit).toBeCloseTo(101.125);
  });
  it('fires short through 70 below EMA(21)', () => {
    expect(run('scalping', input(bar(1, 98), { ...base, rsi_7: 66 }, { ...base, rsi_7: 75 }))?.side).toBe('sell');
  });
  it('does not fire on thin volume, against the trend, or without a cross', () => {
    expect(run('scalping', input(bar(1, 100), { ...base, volume_ratio_20: 0.8, rsi_7: 34 }, { ...base, rsi_7: 24 }))).toBeNull();
    expect(run('scalping', input(bar(1, 95), { ...base, rsi_7: 34 }, { ...base, rsi_7: 24 }))).toBeNull();
    expect(run('scalping', input(bar(1, 100), { ...base, rsi_7: 34 }, { ...base, rsi_7: 31 }))).toBeNull();
  });
});
