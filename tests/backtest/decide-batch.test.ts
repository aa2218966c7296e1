/**
 * The backtest's decisions come from the batch path (indicator columns from the live kernels,
 * evaluate called with views over them): they must equal, decision for decision, what the
 * live path gives — the incremental engine's Features after each bar, the previous bar's, and
 * the history slice, as engine/signals/module.ts passes them — on real candles, for every
 * strategy, reasons included.
 */
import { describe, expect, it } from 'vitest';
import { decide, loadStrategy, usableDecision } from '../../engine/backtest/decide';
import { barColumns, ColumnCache, createFeatureEngine } from '../../engine/indicators';
import type { Bar, Features } from '../../engine/indicators/types';
import { STRATEGY_IDS, type StrategyDecision } from '../../engine/strategies';
import { readOhlcv } from '../helpers/ohlcv';

const FILES = ['unknown-exchange_BTC-USDT_5m.csv', 'bittrex_ETH-BTC_1m.csv'];

/** The live path, bar by bar. */
function liveDecisions(id: string, bars: readonly Bar[], params: Record<string, unknown>): Array<StrategyDecision | null> {
  const s = loadStrategy({ id, params });
  const fe = createFeatureEngine(s.def.indicators(s.params));
  const lookback = s.def.lookback(s.params);
  let prev: Features | null = null;
  return bars.map((bar, i) => {
    const features = fe.update(bar);
    const history = bars.slice(Math.max(0, i + 1 - lookback), i + 1);
    const d = s.def.evaluate({ symbol: 'X/USDT', timeframe: '5m', bar, features, prev, history }, s.params);
    prev = features;
    return d && usableDecision(d) ? d : null;
  });
}

const plain = (d: StrategyDecision | null) => (d ? { side: d.side, entry: d.entry, stopLoss: d.stopLoss, takeProfit: d.takeProfit, confidence: d.confidence, reasons: [...d.reasons] } : null);

describe.each(FILES)('backtest decisions on %s', (file) => {
  const bars: Bar[] = readOhlcv(file).map(([ts, open, high, low, close, volume]) => ({ ts, open, high, low, close, volume }));

  // (funding_fade reads point-in-time series, which these candle files lack: tests/market/point-in-time.test.ts covers it)
  it.each(STRATEGY_IDS.filter((id) => id !== 'funding_fade'))('%s: the batch path decides exactly what the live path decides, on the same bars', (id) => {
    const want = liveDecisions(id, bars, {});
    const got = decide(loadStrategy({ id }), bars, { symbol: 'X/USDT', timeframe: '5m' });
    expect(got.length).toBe(bars.length);
    expect(want.filter(Boolean).length).toBeGreaterThan(0);
    got.forEach((d, i) => {
      if (JSON.stringify(plain(d)) !== JSON.stringify(plain(want[i]!))) expect(plain(d), `bar ${i}`).toEqual(plain(want[i]!));
    });
  });
});

describe('indicator columns shared between parameter sets', () => {
  it('runs that share a column cache decide the same as runs that do not', () => {
    const bars: Bar[] = readOhlcv('binance-futures_XRP-USDT_5m.csv').map(([ts, open, high, low, close, volume]) => ({ ts, open, high, low, close, volume }));
    const columns = barColumns(bars);
    const cache = new ColumnCache();
    for (const params of [{ fast: 5, slow: 21 }, { fast: 9, slow: 21 }, { fast: 9, slow: 30 }]) {
      const s = loadStrategy({ id: 'ema_cross', params });
      const shared = decide(s, bars, { symbol: 'X', timeframe: '5m', columns, cache }).map(plain);
      const alone = liveDecisions('ema_cross', bars, params).map(plain);
      expect(shared).toEqual(alone);
    }
    // ema:21 and atr:14 were computed once for three parameter sets
    expect(cache.misses).toBe(5);
    expect(cache.hits).toBe(4);
  });
});
