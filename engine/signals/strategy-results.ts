/**
 * The Strategies view's numbers: per channel and strategy (at its current params) the live
 * results from tracked outcomes, the latest matching backtest, and the ranking by a metric.
 */
import type { BacktestMatch, LiveResults, StrategyChannelRow, StrategyRankMetric } from '../api/commands/strategies';
import type { Channel } from '../api/commands/signals';
import type { FinishedBacktest, OutcomeSums, SignalCounts } from '../../db/repos/strategy-results';
import { parseParams, strategyKey } from '../strategies/registry';

const DAY = 86_400_000;

/** Live results from the outcome sums and signal counts of one (channel, strategy key); `now` is market time. */
export function liveResults(o: OutcomeSums | undefined, c: SignalCounts | undefined, now: number): LiveResults {
  const p = o?.perf;
  const n = p?.count ?? 0;
  const signals = c?.signals ?? 0;
  const days = c ? Math.max(1, (now - c.firstBar) / DAY) : 1;
  return {
    signals,
    signalsPerDay: signals / days,
    outcomes: n,
    wins: p?.wins ?? 0,
    losses: p?.losses ?? 0,
    expired: p?.expired ?? 0,
    winRate: p && n ? p.winRate : null,
    profitFactor: p ? p.profitFactor : null,
    expectancyPct: p && n ? p.expectancyPct : null,
    avgOutcomePct: p && n ? p.avgProfitPct : null,
    firstSignalAt: c?.firstBar ?? null,
  };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join('|') === [...b].sort().join('|');

/**
 * The newest finished backtest of the channel's strategy on its source, timeframe and symbols
 * (a channel of all a source's symbols matches any symbols of that source): with the same params
 * if there is one ('exact'), else with other params ('other_params'); null: no backtest yet.
 */
export function matchBacktest(ch: Pick<Channel, 'symbols' | 'timeframe'>, s: { id: string; params: Record<string, unknown> }, runs: readonly FinishedBacktest[]): BacktestMatch | null {
  const key = strategyKey(s.id, s.params);
  let other: FinishedBacktest | undefined;
  for (const r of runs) {
    if (r.input.strategy.id !== s.id || r.input.source !== ch.symbols.source || r.input.timeframe !== ch.timeframe) continue;
    if ('symbols' in ch.symbols && !sameSet(r.input.symbols, ch.symbols.symbols)) continue;
    let params: Record<string, unknown>;
    try {
      params = parseParams(s.id, r.input.strategy.params ?? {});
    } catch {
      continue;
    }
    if (strategyKey(s.id, params) === key) return toMatch(r, 'exact', params);
    other ??= r;
  }
  return other ? toMatch(other, 'other_params', other.input.strategy.params ?? {}) : null;
}

function toMatch(r: FinishedBacktest, match: BacktestMatch['match'], params: Record<string, unknown>): BacktestMatch {
  const m = r.metrics;
  return {
    id: r.id,
    match,
    params,
    symbols: r.input.symbols,
    timeframe: r.input.timeframe,
    finishedAt: r.finishedAt,
    trades: m.trades,
    totalReturnPct: m.totalReturnPct,
    winRatePct: m.winRatePct,
    profitFactor: m.profitFactor,
    expectancy: m.expectancy,
    maxDrawdownPct: m.maxDrawdownPct,
    sharpe: m.sharpe,
  };
}

/** A row's value for a ranking metric (null: not known yet). */
export function metricOf(r: Pick<StrategyChannelRow, 'live' | 'backtest'>, by: StrategyRankMetric): number | null {
  switch (by) {
    case 'outcomes':
      return r.live.outcomes;
    case 'signalsPerDay':
      return r.live.signalsPerDay;
    case 'backtestReturnPct':
      return r.backtest?.totalReturnPct ?? null;
    default:
      return r.live[by];
  }
}

/** Highest first; unknown values last; ties by more outcomes, then channel and position. Sets `rank` (1 = best). */
export function rankRows<T extends Omit<StrategyChannelRow, 'rank'>>(rows: T[], by: StrategyRankMetric): Array<T & { rank: number }> {
  const sorted = [...rows].sort((a, b) => {
    const va = metricOf(a, by);
    const vb = metricOf(b, by);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) return vb - va;
    return b.live.outcomes - a.live.outcomes || a.channelId - b.channelId || a.index - b.index;
  });
  return sorted.map((r, i) => ({ ...r, rank: i + 1 }));
}
