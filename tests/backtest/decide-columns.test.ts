/**
 * The columnar decision path (StrategyDef.decideColumns, used by the backtest runner) must
 * decide exactly what the per-bar path decides (`evaluate` bar by bar over the same indicator
 * values, itself equal to live: decide-batch.test.ts): the same bars, sides, stops, targets and
 * confidences — on real candles, for several parameter sets — and a run through it must give
 * the same trades and metrics as a run through the per-bar path.
 */
import { describe, expect, it } from 'vitest';
import { decide, decideColumns, loadStrategy } from '../../engine/backtest/decide';
import { runBacktest } from '../../engine/backtest/runner';
import type { Bar } from '../../engine/indicators/types';
import { getStrategy } from '../../engine/strategies/registry';
import { readOhlcv } from '../helpers/ohlcv';

const FILES = ['unknown-exchange_BTC-USDT_5m.csv', 'bittrex_ETH-BTC_1m.csv', 'binance-futures_XRP-USDT_5m.csv'];
const PARAMS: Array<Record<string, unknown>> = [{}, { fast: 3, slow: 8 }, { fast: 12, slow: 26, atr: 7, stopAtr: 0.8, rewardRisk: 1.2 }];
const load = (file: string): Bar[] => readOhlcv(file).map(([ts, open, high, low, close, volume]) => ({ ts, open, high, low, close, volume }));

describe('columnar decisions (decideColumns)', () => {
  it('ema_cross and momentum have a columnar path', () => {
    expect(typeof getStrategy('ema_cross').decideColumns).toBe('function');
    expect(typeof getStrategy('momentum').decideColumns).toBe('function');
  });

  describe.each(FILES)('on %s', (file) => {
    const bars = load(file);
    it.each(PARAMS.map((p) => [JSON.stringify(p), p] as const))('ema_cross %s: the same decisions as evaluate bar by bar', (_, params) => {
      const s = loadStrategy({ id: 'ema_cross', params });
      const perBar = decide(s, bars, { symbol: 'X/USDT', timeframe: '5m' });
      const want = perBar.flatMap((d, i) => (d ? [{ bar: i, side: d.side, stop: d.stopLoss, target: d.takeProfit, confidence: d.confidence }] : []));
      const cols = decideColumns(s, bars, { symbol: 'X/USDT', timeframe: '5m' });
      const got = Array.from(cols.at, (i, k) => ({ bar: i, side: cols.side[k] === 1 ? 'buy' : 'sell', stop: cols.stop[k], target: cols.target[k], confidence: cols.confidence[k] }));
      expect(want.length).toBeGreaterThan(3);
      expect(want.some((d) => d.side === 'buy') && want.some((d) => d.side === 'sell')).toBe(true);
      expect(got).toEqual(want);
    });

    it.each([{}, { rsiFloor: 40, rsiCeiling: 90, trend: 20, macdFast: 5, macdSlow: 13, macdSignal: 4 }].map((p) => [JSON.stringify(p), p] as const))(
      'momentum %s: the same decisions as evaluate bar by bar',
      (_, params) => {
        const s = loadStrategy({ id: 'momentum', params });
        const want = decide(s, bars, { symbol: 'X/USDT', timeframe: '5m' }).flatMap((d, i) =>
          d ? [{ bar: i, side: d.side, stop: d.stopLoss, target: d.takeProfit, confidence: d.confidence }] : [],
        );
        const cols = decideColumns(s, bars, { symbol: 'X/USDT', timeframe: '5m' });
        const got = Array.from(cols.at, (i, k) => ({ bar: i, side: cols.side[k] === 1 ? 'buy' : 'sell', stop: cols.stop[k], target: cols.target[k], confidence: cols.confidence[k] }));
        expect(want.length).toBeGreaterThan(0);
        expect(got).toEqual(want);
      },
    );

    it('minConfidence filters both paths alike', () => {
      const s = loadStrategy({ id: 'ema_cross' });
      const perBar = decideColumns(s, bars, { symbol: 'X/USDT', timeframe: '5m', minConfidence: 0.7, perBar: true });
      const cols = decideColumns(s, bars, { symbol: 'X/USDT', timeframe: '5m', minConfidence: 0.7 });
      const all = decideColumns(s, bars, { symbol: 'X/USDT', timeframe: '5m' });
      expect(cols.at.length).toBeLessThan(all.at.length);
      expect(cols.at).toEqual(perBar.at);
      expect(cols.confidence).toEqual(perBar.confidence);
      expect(cols.confidence.every((c) => c >= 0.7)).toBe(true);
    });

    it.each(['long', 'short', 'both'] as const)('a %s run gives the same trades and metrics through either path', (direction) => {
      const settings = { strategy: { id: 'ema_cross', params: { fast: 5, slow: 13 } }, timeframe: '5m' as const, direction };
      const a = runBacktest(settings, [{ symbol: 'X/USDT', bars }]);
      const b = runBacktest(settings, [{ symbol: 'X/USDT', bars }], { perBar: true });
      expect(a.trades.length).toBeGreaterThan(0);
      expect(a.trades).toEqual(b.trades);
      expect(a.decisions).toEqual(b.decisions);
      expect(a.metrics).toEqual(b.metrics);
      expect(a.equity).toEqual(b.equity);
    });
  });
});
