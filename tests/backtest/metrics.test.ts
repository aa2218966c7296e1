/** Metrics on a known equity series and known trades; every expected number written out. */
import { describe, expect, it } from 'vitest';
import { computeMetrics, dailyReturns, drawdownSeries, evaluateGoals, maxDrawdown, monthlyReturns, profitFactor, sharpe, sortino } from '../../engine/backtest/metrics';
import type { EquityPoint, Trade } from '../../engine/backtest/types';

const H = 3_600_000;
const T = Date.UTC(2025, 0, 30); // 30 Jan 2025 00:00 UTC
/** 10,000 → 11,000 → 9,900 (−10 % from the peak) → 10,890 → 12,000 (recovered), across Jan/Feb. */
const EQUITY: EquityPoint[] = [
  { ts: T, equity: 10_000 },
  { ts: T + 12 * H, equity: 11_000 },
  { ts: T + 36 * H, equity: 9_900 },
  { ts: T + 60 * H, equity: 10_890 },
  { ts: T + 84 * H, equity: 12_000 },
];
const trade = (pnl: number, entryTs: number, exitTs: number): Trade => ({ symbol: 'AAA/USDT', side: 'long', entryTs, entryPrice: 100, exitTs, exitPrice: 100, amount: 10, fees: 1, pnl, exitReason: 'signal' });

describe('metrics', () => {
  it('drawdown: largest fall from the running peak, and its duration from that peak to recovery', () => {
    expect(maxDrawdown(EQUITY)).toEqual({ pct: 10, durationMs: 72 * H });
    expect(maxDrawdown([{ ts: 0, equity: 100 }, { ts: 1, equity: 80 }, { ts: 2, equity: 90 }])).toEqual({ pct: 20, durationMs: 2 }); // never recovered: to the end
    expect(drawdownSeries(EQUITY).map((p) => p.equity)).toEqual([0, 0, -10, -1, 0]);
  });

  it('drawdown duration: from the last point at the peak before the fall to the first point back at it after the trough', () => {
    // Flat at the peak (no position: equity = cash) for three points, then a fall and a recovery.
    // The duration runs from the last flat point (t = 3) to the recovery (t = 7): 4, not the
    // 1 from the first flat point to the second one.
    const flat = [100, 100, 100, 100, 90, 95, 99, 100, 101].map((equity, ts) => ({ ts, equity }));
    expect(maxDrawdown(flat)).toEqual({ pct: 10, durationMs: 4 });
    // A second, shallower drawdown later does not move the deepest one's duration.
    const two = [100, 80, 100, 100, 95, 96].map((equity, ts) => ({ ts, equity }));
    expect(maxDrawdown(two)).toEqual({ pct: 20, durationMs: 2 });
    // Never back at the peak: to the last point.
    const under = [50, 100, 100, 70, 80].map((equity, ts) => ({ ts, equity }));
    expect(maxDrawdown(under)).toEqual({ pct: 30, durationMs: 2 });
  });

  it('daily returns from each UTC day’s last equity; Sharpe and Sortino annualised with 365 days', () => {
    const d = dailyReturns(EQUITY);
    expect(d).toHaveLength(4);
    expect(d[0]).toBeCloseTo(0.1, 12);
    expect(d[1]).toBeCloseTo(-0.1, 12);
    expect(sharpe(d)).toBeCloseTo(9.613297796841913, 9);
    expect(sortino(d)).toBeCloseTo(19.289180904875867, 9);
    expect(sharpe([0.01])).toBeNull();
    expect(sortino([0.01, 0.02])).toBeNull(); // no downside
  });

  it('monthly table and goal evaluation', () => {
    const m = monthlyReturns(EQUITY);
    expect(m.map((x) => [x.month, x.startEquity, x.endEquity, x.income])).toEqual([
      ['2025-01', 10_000, 9_900, -100],
      ['2025-02', 9_900, 12_000, 2_100],
    ]);
    expect(m[0]!.returnPct).toBeCloseTo(-1, 12);
    expect(m[1]!.returnPct).toBeCloseTo(21.212121212121215, 9);
    const g = evaluateGoals(m, 12_000, { monthlyReturnPct: 5, monthlyIncome: 1_000, portfolioValue: 24_000 });
    expect(g.monthsReachedGoalPct).toBe(50);
    expect(g.monthsReachedIncomePct).toBe(50);
    expect(g.avgMonthlyIncome).toBe(1_000);
    expect(g.monthsToPortfolioGoal).toBeCloseTo(7.199741174143377, 9); // ln 2 / ln 1.10106…
    expect(evaluateGoals(m, 30_000, { portfolioValue: 24_000 }).monthsToPortfolioGoal).toBe(0);
    expect(evaluateGoals([{ month: '2025-01', startEquity: 100, endEquity: 90, returnPct: -10, income: -10 }], 90, { portfolioValue: 200 }).monthsToPortfolioGoal).toBeNull();
  });

  it('computeMetrics on the known series: returns, CAGR, Calmar, trade statistics, exposure, buy-and-hold', () => {
    const trades = [trade(300, T, T + 12 * H), trade(-100, T + 36 * H, T + 60 * H)];
    const x = computeMetrics({ initialBalance: 10_000, equity: EQUITY, trades, exposedBars: 3, totalBars: 12, buyHold: [{ firstOpen: 100, lastClose: 150 }, { firstOpen: 10, lastClose: 9 }], goals: null });
    expect(x.finalEquity).toBe(12_000);
    expect(x.totalReturnPct).toBeCloseTo(20, 12);
    expect(x.cagrPct).toBeCloseTo(18091425983.22803, 0);
    expect(x.calmar).toBeCloseTo(1809142598.322803, 0);
    expect(x.maxDrawdownPct).toBe(10);
    expect(x.profitFactor).toBe(3);
    expect(x.winRatePct).toBe(50);
    expect(x.expectancy).toBe(100);
    expect(x.trades).toBe(2);
    expect(x.avgTradePct).toBeCloseTo(10, 12); // (300 + −100) / 2 over a 1,000 notional
    expect(x.avgTradeDurationMs).toBe(18 * H);
    expect(x.exposurePct).toBe(25);
    expect(x.feesPaid).toBe(2);
    expect([x.bestTrade, x.worstTrade]).toEqual([300, -100]);
    expect(x.buyHoldReturnPct).toBeCloseTo(20, 12); // (+50 % and −10 %) / 2
    expect(x.goals).toBeNull();
    expect(profitFactor([trade(5, 0, 1)])).toBeNull(); // no losses
  });
});
