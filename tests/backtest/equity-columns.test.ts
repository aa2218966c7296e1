/**
 * The fill loop writes the equity series into columns and the metrics read them; the points are
 * built only when read. Both forms must give the same series and the same metrics.
 */
import { describe, expect, it } from 'vitest';
import { decide, loadStrategy } from '../../engine/backtest/decide';
import { simulate } from '../../engine/backtest/fills';
import { computeMetrics } from '../../engine/backtest/metrics';
import { runBacktest } from '../../engine/backtest/runner';
import { FILL_DEFAULTS } from '../../engine/backtest/types';
import type { Bar } from '../../engine/indicators/types';
import { readOhlcv } from '../helpers/ohlcv';

const bars: Bar[] = readOhlcv('bittrex_ETH-BTC_5m.csv').map(([ts, open, high, low, close, volume]) => ({ ts, open, high, low, close, volume }));

describe('equity series as columns', () => {
  it('the points built from the columns are the series, and metrics over either form are equal', () => {
    const decisions = decide(loadStrategy({ id: 'ema_cross' }), bars, { symbol: 'ETH/BTC', timeframe: '5m' });
    const fill = simulate([{ symbol: 'ETH/BTC', bars, decisions }], { ...FILL_DEFAULTS, direction: 'both', barMs: 300_000 });
    expect(fill.trades.length).toBeGreaterThan(10);
    const c = fill.equityColumns;
    expect(c.length).toBe(bars.length + 1);
    expect(fill.equity).toEqual(Array.from(c.ts, (ts, i) => ({ ts, equity: c.equity[i] })));
    expect(fill.equity[0]).toEqual({ ts: bars[0]!.ts, equity: FILL_DEFAULTS.initialBalance });
    const base = { initialBalance: FILL_DEFAULTS.initialBalance, trades: fill.trades, exposedBars: fill.exposedBars, totalBars: fill.totalBars, buyHold: [], goals: { monthlyReturnPct: 1 } };
    const fromColumns = computeMetrics({ ...base, equity: c });
    expect(fromColumns.maxDrawdownPct).toBeGreaterThan(0);
    expect(fromColumns).toEqual(computeMetrics({ ...base, equity: fill.equity }));
  });

  it('a run hands back the same equity points whether or not they were read before the metrics', () => {
    const r = runBacktest({ strategy: { id: 'ema_cross' }, timeframe: '5m', direction: 'both' }, [{ symbol: 'ETH/BTC', bars }]);
    expect(r.equity.length).toBe(bars.length + 1);
    expect(r.equity[r.equity.length - 1]!.equity).toBe(r.metrics.finalEquity);
  });
});
