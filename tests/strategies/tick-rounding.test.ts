/** Signals' stop and target are rounded to the market's tick (never 102.18989051357224). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decision } from '../../engine/strategies/common';
import { priceTick, roundToTick, tickDecimals } from '../../engine/api';

const bar = (close: number) => ({ ts: Date.UTC(2025, 0, 1), open: close, high: close, low: close, close, volume: 1 });

describe('tick rounding of stop and target', () => {
  it('a sell at 100 with a 2.18989051357224 stop distance gives stop 102.19 and target 95.62', () => {
    const d = decision('sell', bar(100), 1.4599270090481483, { stopAtr: 1.5, rewardRisk: 2 }, 0.7, []);
    expect(d!.stopLoss).toBe(102.19);
    expect(d!.takeProfit).toBe(95.62);
    expect(d!.reasons[0]).toContain('Stop 102.19');
  });
  it('ticks by magnitude: 64,000 → 0.1, 3,200 → 0.01, 102 → 0.001, 0.62 → 0.000001', () => {
    expect(priceTick(64_000)).toBe(0.1);
    expect(priceTick(3_200)).toBe(0.01);
    expect(priceTick(102.5)).toBe(0.001);
    expect(priceTick(0.62)).toBe(0.000001);
    expect(roundToTick(64_123.456, 0.1)).toBe(64_123.5);
    expect(roundToTick(0.1 + 0.2, '0.01')).toBe(0.3);
    expect(tickDecimals('0.00001')).toBe(5);
  });
  it('any decision: stop and target carry no more decimals than the tick, and stay on their side of the entry', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 200_000, noNaN: true }), fc.double({ min: 0.001, max: 0.05, noNaN: true }), fc.constantFrom<'buy' | 'sell'>('buy', 'sell'), (close, atrFrac, side) => {
        const d = decision(side, bar(close), close * atrFrac, { stopAtr: 1.5, rewardRisk: 2 }, 0.5, [])!;
        const dec = tickDecimals(priceTick(close));
        for (const v of [d.stopLoss, d.takeProfit]) {
          const s = String(v);
          const places = s.includes('e-') ? Number(s.split('e-')[1]) : (s.split('.')[1] ?? '').length;
          expect(places).toBeLessThanOrEqual(dec);
        }
        if (side === 'buy') expect(d.stopLoss).toBeLessThan(close);
        else expect(d.stopLoss).toBeGreaterThan(close);
      }),
    );
  });
});
