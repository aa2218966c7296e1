/**
 * Backtest area: runs of a live strategy over stored candles with the fill rules of
 * docs/backtest.md, parameter sweeps with an out-of-sample check, and their progress. Runs are
 * persisted (migration 014) and computed off the engine's thread, in the worker pool.
 */
import { z } from 'zod';
import { command, SourceId, SymbolSchema, TimeframeSchema } from './define';

export const BACKTEST_DIRECTIONS = ['long', 'short', 'both'] as const;
export const BACKTEST_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];
/** Metrics a sweep can rank by; maxDrawdownPct ranks lowest first, the rest highest first. */
export const BACKTEST_OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'totalReturnPct', 'cagrPct', 'profitFactor', 'winRatePct', 'expectancy', 'finalEquity', 'maxDrawdownPct'] as const;
export type BacktestObjective = (typeof BACKTEST_OBJECTIVES)[number];

const ParamValue = z.union([z.number(), z.boolean(), z.string().max(100)]);

export const BacktestGoalsSchema = z
  .object({
    monthlyReturnPct: z.number().min(-100).max(1000).optional(),
    monthlyIncome: z.number().min(0).optional(),
    portfolioValue: z.number().gt(0).optional(),
  })
  .strict();

const runFields = {
  strategy: z.object({ id: z.string().min(1).max(64), params: z.record(z.string().max(64), ParamValue).optional() }).strict(),
  source: SourceId,
  symbols: z.array(SymbolSchema).min(1).max(20),
  timeframe: TimeframeSchema,
  /** Open times (ms UTC), inclusive. */
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
  initialBalance: z.number().gt(0).max(1e12).optional(),
  stake: z
    .object({ mode: z.enum(['quoteAmount', 'equityPercent']), value: z.number().gt(0) })
    .strict()
    .refine((s) => s.mode !== 'equityPercent' || s.value <= 100, { message: 'equityPercent is at most 100', path: ['value'] })
    .optional(),
  takerBps: z.number().min(0).max(1000).optional(),
  makerBps: z.number().min(0).max(1000).optional(),
  slippageBps: z.number().min(0).max(1000).optional(),
  direction: z.enum(BACKTEST_DIRECTIONS).optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  /** Goals for the goal evaluation (default: the account's goals, when the goals module provides them). */
  goals: BacktestGoalsSchema.optional(),
};
const fromBeforeTo = (v: { from?: number; to?: number }): boolean => v.from === undefined || v.to === undefined || v.from < v.to;

export const BacktestRunInputSchema = z.object(runFields).strict().refine(fromBeforeTo, { message: 'from must be before to', path: ['to'] });
export type BacktestRunInput = z.output<typeof BacktestRunInputSchema>;

export const BacktestSweepInputSchema = z
  .object({
    ...runFields,
    /** Values per strategy parameter; every combination runs. */
    grid: z.record(z.string().min(1).max(64), z.array(ParamValue).min(1).max(100)).refine((g) => Object.keys(g).length >= 1 && Object.keys(g).length <= 4, { message: 'one to four parameters' }),
    objective: z.enum(BACKTEST_OBJECTIVES).optional(),
    /** Share of the range held back, from its end (default 30). */
    outOfSamplePct: z.number().min(5).max(70).optional(),
  })
  .strict()
  .refine(fromBeforeTo, { message: 'from must be before to', path: ['to'] });
export type BacktestSweepInput = z.output<typeof BacktestSweepInputSchema>;

export interface BacktestTrade {
  symbol: string;
  side: 'long' | 'short';
  entryTs: number;
  entryPrice: number;
  exitTs: number;
  exitPrice: number;
  amount: number;
  fees: number;
  pnl: number;
  exitReason: 'stop' | 'target' | 'signal' | 'end_of_data';
}

export interface BacktestMonth {
  month: string;
  startEquity: number;
  endEquity: number;
  returnPct: number;
  income: number;
}

export interface BacktestGoalEvaluation {
  monthlyReturnGoalPct: number | null;
  monthsReachedGoalPct: number | null;
  avgMonthlyIncome: number | null;
  monthlyIncomeGoal: number | null;
  monthsReachedIncomePct: number | null;
  portfolioValueGoal: number | null;
  monthsToPortfolioGoal: number | null;
}

export interface BacktestMetricsView {
  initialBalance: number;
  finalEquity: number;
  totalReturnPct: number;
  cagrPct: number | null;
  maxDrawdownPct: number;
  maxDrawdownDurationMs: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  profitFactor: number | null;
  winRatePct: number | null;
  expectancy: number | null;
  trades: number;
  avgTradePct: number | null;
  avgTradeDurationMs: number | null;
  exposurePct: number;
  feesPaid: number;
  bestTrade: number | null;
  worstTrade: number | null;
  buyHoldReturnPct: number | null;
  monthly: BacktestMonth[];
  goals: BacktestGoalEvaluation | null;
}

/** [ts, equity] after each bar (close time), thinned to at most a few thousand points. */
export type EquityRow = [number, number];

export interface SweepRow {
  params: Record<string, number | boolean | string>;
  /** The objective's value in-sample (null: undefined for this run, e.g. no losing trade). */
  objective: number | null;
  metrics: BacktestMetricsView | null;
  /** Why the strategy's schema refused this combination. */
  error?: string;
}

export interface SweepResult {
  objective: BacktestObjective;
  outOfSamplePct: number;
  /** The cut: bars before it are in-sample, from it on out-of-sample. */
  splitTs: number;
  /** Ranked best first (refused combinations last). */
  rows: SweepRow[];
  best: { params: Record<string, number | boolean | string>; inSample: BacktestMetricsView; outOfSample: BacktestMetricsView | null } | null;
}

export interface BacktestRun {
  id: number;
  kind: 'run' | 'sweep';
  status: BacktestStatus;
  input: BacktestRunInput | BacktestSweepInput;
  metrics: BacktestMetricsView | null;
  trades: BacktestTrade[];
  equity: EquityRow[];
  sweep: SweepResult | null;
  error: string | null;
  barsDone: number;
  barsTotal: number;
  createdAt: number;
  finishedAt: number | null;
}

export type BacktestSummary = Omit<BacktestRun, 'trades' | 'equity' | 'sweep'> & { bestParams: SweepRow['params'] | null };

export interface BacktestProgress {
  id: number;
  kind: 'run' | 'sweep';
  status: BacktestStatus;
  /** Bars evaluated so far (a sweep counts every combination's bars). */
  barsDone: number;
  barsTotal: number;
  /** Estimated time left (ms), null until measurable. */
  etaMs: number | null;
  /** Sweeps: combinations finished / in total. */
  combosDone?: number;
  combosTotal?: number;
  error?: string | null;
}

const Id = z.object({ id: z.number().int().min(1) }).strict();

export const backtestCommands = {
  'backtest.run': command<{ id: number }>()('Starts a backtest of a strategy over stored candles; progress arrives as backtest.progress events.', BacktestRunInputSchema),
  'backtest.sweep': command<{ id: number; combinations: number }>()(
    'Starts a parameter sweep: every combination of the grid in the worker pool, ranked by the objective, the best re-run on the held-back last share of the range.',
    BacktestSweepInputSchema,
  ),
  'backtest.get': command<BacktestRun>()('A backtest or sweep with its status, input, metrics, trades and equity curve.', Id),
  'backtest.list': command<BacktestSummary[]>()('Past backtests and sweeps, newest first (no trades or curves).', z.object({ limit: z.number().int().min(1).max(500).optional() }).strict()),
  'backtest.cancel': command<{ id: number; status: BacktestStatus }>()('Cancels a queued or running backtest or sweep (a finished one keeps its status).', Id),
  'backtest.delete': command<{ id: number; deleted: boolean }>()('Deletes a backtest or sweep (cancelling it first if it runs).', Id),
} as const;

export interface BacktestEvents {
  'backtest.progress': BacktestProgress;
}
export const BACKTEST_TOPICS = ['backtest.progress'] as const satisfies readonly (keyof BacktestEvents)[];

