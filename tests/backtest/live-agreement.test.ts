/**
 * Live and backtest agree: the signals a channel produced on a stretch of the
 * simulated market — through the real signals pipeline on a real SQLite file — are exactly the
 * backtest's decisions on the same stored bars (same bar, side, levels and confidence).
 */
import { describe, expect } from 'vitest';
import { decide, loadStrategy } from '../../engine/backtest/decide';
import { runBacktest } from '../../engine/backtest/runner';
import { DEFAULT_SIM_SYMBOLS, SimSeries } from '../../engine/market/sim';
import type { Ohlcv } from '../../engine/api/timeframes';
import type { Bar } from '../../engine/indicators/types';
import { it, sigRig } from '../signals/setup';

const MIN = 60_000;
const START = Date.UTC(2025, 5, 15);
const WARM = 300;
const TOTAL = 900;

function simBars(n: number, specIndex: number): Ohlcv[] {
  const spec = DEFAULT_SIM_SYMBOLS[specIndex]!;
  const s = new SimSeries(spec, specIndex, 42, START);
  const out: Ohlcv[] = [];
  s.advance(START + (n + 1) * MIN, (b) => out.push([...b] as Ohlcv));
  return out.slice(0, n);
}
const toBar = (c: Ohlcv): Bar => ({ ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] });

describe('live vs backtest', () => {
  for (const [strategy, specIndex] of [
    ['ema_cross', 2],
    ['breakout', 4],
  ] as const) {
    it(`${strategy}: the channel's signals on a sim stretch equal the backtest's decisions on the stored bars`, async ({ track }) => {
      const r = track(await sigRig(undefined, { now: START }));
      const key = { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m' as const };
      const bars = simBars(TOTAL, specIndex);
      expect(bars).toHaveLength(TOTAL);
      r.candles.upsertMany(key, bars.slice(0, WARM));
      r.clock.now = bars[WARM - 1]![0] + MIN + 1000;
      await r.createChannel({ strategies: [{ id: strategy, params: {} }], minConfidence: 0 });
      for (const c of bars.slice(WARM)) {
        r.candles.upsertMany(key, [c]);
        r.clock.now = c[0] + MIN + 1000;
        r.bus.publish('candle.closed', { ...key, candle: c });
      }
      // every decision is persisted (delivered or rejected by a gate), so the table is the live record
      const live = r
        .list()
        .map((s) => ({ ts: s.barTime, side: s.side, stopLoss: s.stopLoss, takeProfit: s.takeProfit, confidence: s.confidence }))
        .sort((a, b) => a.ts - b.ts);
      const stored = r.candles.range(key, 10_000).map(toBar);
      expect(stored).toHaveLength(TOTAL);
      const d = decide(loadStrategy({ id: strategy }), stored, { symbol: 'AAA/USDT', timeframe: '1m' });
      const backtest = stored
        .map((b, i) => ({ b, d: d[i] }))
        .filter((x) => x.d && x.b.ts >= bars[WARM]![0])
        .map(({ b, d: x }) => ({ ts: b.ts, side: x!.side, stopLoss: x!.stopLoss, takeProfit: x!.takeProfit, confidence: x!.confidence }));
      expect(live.length).toBeGreaterThan(3);
      expect(backtest).toEqual(live);
      // and the runner trades on exactly those decisions
      const run = runBacktest({ strategy: { id: strategy }, timeframe: '1m', direction: 'both' }, [{ symbol: 'AAA/USDT', bars: stored }]);
      expect(run.decisions.filter((x) => x.ts >= bars[WARM]![0]).map((x) => [x.ts, x.side])).toEqual(live.map((x) => [x.ts, x.side]));
    });
  }
});
