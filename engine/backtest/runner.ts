/**
 * One backtest: load the strategy through the registry, compute its decisions on each symbol's
 * bars with the live indicator kernels over the bars as columns (decide.ts, the batch path), apply the fill rules (fills.ts) and the
 * metrics (metrics.ts). Pure over its inputs: bars come from the caller (the store, a CSV).
 */
import { TIMEFRAME_MS, type Timeframe } from '../api/timeframes';
import type { BarColumns, ColumnCache } from '../indicators/batch';
import type { Bar } from '../indicators/types';
import { decide, loadStrategy, type StrategyRef } from './decide';
import { simulate } from './fills';
import { computeMetrics, type BacktestGoals, type BacktestMetrics } from './metrics';
import { FILL_DEFAULTS, type BarDecision, type Direction, type EquityPoint, type Stake, type Trade } from './types';

export interface RunSettings {
  strategy: StrategyRef;
  timeframe: Timeframe;
  /** Bar length when it is not the timeframe's (a CSV with another spacing); default TIMEFRAME_MS[timeframe]. */
  barMs?: number;
  initialBalance?: number;
  stake?: Stake;
  takerBps?: number;
  makerBps?: number;
  slippageBps?: number;
  direction?: Direction;
  minConfidence?: number;
  /** The account's goals for the goal evaluation (see goals-hook.ts). */
  goals?: BacktestGoals | null;
  /** Stored points of the strategy's ext series, per symbol then spec (loaded before the run). */
  ext?: Record<string, Record<string, Array<[number, number]>>>;
}

export interface SymbolSeries {
  symbol: string;
  bars: readonly Bar[];
  /** The same bars as columns, when the caller already has them (the pool task keeps them per data set). */
  columns?: BarColumns;
  /** Indicator columns over these bars shared between runs on the same bars (a sweep's combinations). */
  cache?: ColumnCache;
}

export interface RunResult {
  metrics: BacktestMetrics;
  trades: Trade[];
  equity: EquityPoint[];
  /** Decisions per symbol: bar open time → side (what the strategy decided at that close). */
  decisions: Array<{ symbol: string; ts: number; side: 'buy' | 'sell'; confidence: number }>;
}

export interface RunHooks {
  /** Bars evaluated so far (across symbols); may throw to cancel. */
  onProgress?: (done: number) => void;
  every?: number;
}

export function runBacktest(s: RunSettings, series: readonly SymbolSeries[], hooks: RunHooks = {}): RunResult {
  const strategy = loadStrategy(s.strategy);
  let done = 0;
  const decided = series.map((x) => {
    const base = done;
    const d = decide(strategy, x.bars, {
      symbol: x.symbol,
      timeframe: s.timeframe,
      barMs: s.barMs,
      ext: s.ext?.[x.symbol],
      minConfidence: s.minConfidence ?? 0,
      every: hooks.every,
      columns: x.columns,
      cache: x.cache,
      onProgress: hooks.onProgress ? (n) => hooks.onProgress!(base + n) : undefined,
    });
    done += x.bars.length;
    return d;
  });
  const initialBalance = s.initialBalance ?? FILL_DEFAULTS.initialBalance;
  const fill = simulate(
    series.map((x, k) => ({ symbol: x.symbol, bars: x.bars, decisions: decided[k] as ReadonlyArray<BarDecision | null> })),
    {
      initialBalance,
      stake: s.stake ?? FILL_DEFAULTS.stake,
      takerBps: s.takerBps ?? FILL_DEFAULTS.takerBps,
      makerBps: s.makerBps ?? FILL_DEFAULTS.makerBps,
      slippageBps: s.slippageBps ?? FILL_DEFAULTS.slippageBps,
      direction: s.direction ?? FILL_DEFAULTS.direction,
      barMs: s.barMs ?? TIMEFRAME_MS[s.timeframe],
    },
  );
  const metrics = computeMetrics({
    initialBalance,
    equity: fill.equityColumns,
    trades: fill.trades,
    exposedBars: fill.exposedBars,
    totalBars: fill.totalBars,
    buyHold: series.filter((x) => x.bars.length).map((x) => ({ firstOpen: x.bars[0]!.open, lastClose: x.bars[x.bars.length - 1]!.close })),
    goals: s.goals ?? null,
  });
  const decisions: RunResult['decisions'] = [];
  series.forEach((x, k) => {
    decided[k]!.forEach((d, i) => {
      if (d) decisions.push({ symbol: x.symbol, ts: x.bars[i]!.ts, side: d.side, confidence: d.confidence });
    });
  });
  hooks.onProgress?.(done);
  // The equity points are built only when read (a sweep's combinations never read them).
  return {
    metrics,
    trades: fill.trades,
    get equity(): EquityPoint[] {
      return fill.equity;
    },
    decisions,
  };
}
