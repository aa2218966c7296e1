/**
 * One backtest: load the strategy through the registry, compute its decisions on each symbol's
 * bars with the live indicator kernels over the bars as columns (decide.ts, the batch path), apply the fill rules (fills.ts) and the
 * metrics (metrics.ts). Pure over its inputs: bars come from the caller (the store, a CSV).
 */
import { TIMEFRAME_MS, type Timeframe } from '../api/timeframes';
import { barColumns, type BarColumns, type ColumnCache } from '../indicators/batch';
import type { Bar } from '../indicators/types';
import { decideColumns, loadStrategy, type DecisionColumns, type StrategyRef } from './decide';
import { simulate } from './fills';
import { simulateColumns } from './fills-columns';
import { computeMetrics, type BacktestGoals, type BacktestMetrics } from './metrics';
import { FILL_DEFAULTS, type BarDecision, type Direction, type FillConfig, type EquityPoint, type Stake, type Trade } from './types';

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
  /** Only the metrics are read (a sweep's combination): the equity series may live in reused buffers. */
  metricsOnly?: boolean;
  /** Evaluate bar by bar even when the strategy has `decideColumns` (the reference path; tests, bench). */
  perBar?: boolean;
}

/** Decision columns as the general fill loop's per-bar objects. */
function decisionObjects(d: DecisionColumns): Array<BarDecision | null> {
  const out = new Array<BarDecision | null>(d.length).fill(null);
  for (let k = 0; k < d.count; k++) out[d.at[k]!] = { side: d.side[k] === 1 ? 'buy' : 'sell', stopLoss: d.stop[k]!, takeProfit: d.target[k]! };
  return out;
}

export function runBacktest(s: RunSettings, series: readonly SymbolSeries[], hooks: RunHooks = {}): RunResult {
  const strategy = loadStrategy(s.strategy);
  let done = 0;
  const columns = series.map((x) => x.columns ?? barColumns(x.bars));
  const decided = series.map((x, k) => {
    const base = done;
    const d = decideColumns(strategy, () => x.bars, {
      symbol: x.symbol,
      timeframe: s.timeframe,
      barMs: s.barMs,
      ext: s.ext?.[x.symbol],
      minConfidence: s.minConfidence ?? 0,
      every: hooks.every,
      columns: columns[k],
      cache: x.cache,
      perBar: hooks.perBar,
      onProgress: hooks.onProgress ? (n) => hooks.onProgress!(base + n) : undefined,
    });
    done += columns[k]!.length;
    return d;
  });
  const initialBalance = s.initialBalance ?? FILL_DEFAULTS.initialBalance;
  const cfg: FillConfig = {
    initialBalance,
    stake: s.stake ?? FILL_DEFAULTS.stake,
    takerBps: s.takerBps ?? FILL_DEFAULTS.takerBps,
    makerBps: s.makerBps ?? FILL_DEFAULTS.makerBps,
    slippageBps: s.slippageBps ?? FILL_DEFAULTS.slippageBps,
    direction: s.direction ?? FILL_DEFAULTS.direction,
    barMs: s.barMs ?? TIMEFRAME_MS[s.timeframe],
  };
  // One symbol (every CLI run and sweep combination): the fill loop over typed arrays; several:
  // the general loop that interleaves symbols by open time. The same rules (fills-columns.ts).
  const fill =
    series.length === 1
      ? simulateColumns(series[0]!.symbol, columns[0]!, decided[0]!, cfg, hooks.metricsOnly === true)
      : simulate(
          series.map((x, k) => ({ symbol: x.symbol, bars: x.bars, decisions: decisionObjects(decided[k]!) })),
          cfg,
        );
  const metrics = computeMetrics({
    initialBalance,
    equity: fill.equityColumns,
    trades: fill.trades,
    exposedBars: fill.exposedBars,
    totalBars: fill.totalBars,
    buyHold: columns.filter((c) => c.length).map((c) => ({ firstOpen: c.open[0]!, lastClose: c.close[c.length - 1]! })),
    goals: s.goals ?? null,
  });
  // The decisions list is built only when read (a sweep's combinations and the bench never read it).
  let decisions: RunResult['decisions'] | null = null;
  const decisionList = (): RunResult['decisions'] => {
    if (decisions) return decisions;
    const out: RunResult['decisions'] = [];
    series.forEach((x, k) => {
      const d = decided[k]!;
      for (let j = 0; j < d.count; j++) out.push({ symbol: x.symbol, ts: columns[k]!.ts[d.at[j]!]!, side: d.side[j] === 1 ? 'buy' : 'sell', confidence: d.confidence[j]! });
    });
    return (decisions = out);
  };
  hooks.onProgress?.(done);
  // The equity points are built only when read (a sweep's combinations never read them).
  return {
    metrics,
    trades: fill.trades,
    get equity(): EquityPoint[] {
      return fill.equity;
    },
    get decisions(): RunResult['decisions'] {
      return decisionList();
    },
  };
}
