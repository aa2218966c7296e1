/**
 * The backtest engine's shapes: decisions on bars, the fill configuration, trades and the
 * equity series. Names are public (checked from outside): trade fields
 * `symbol, side, entryTs, entryPrice, exitTs, exitPrice, amount, fees, pnl, exitReason`.
 */
import type { Bar } from '../indicators/types';

export type Direction = 'long' | 'short' | 'both';
export type StakeMode = 'quoteAmount' | 'equityPercent';
export type ExitReason = 'stop' | 'target' | 'signal' | 'end_of_data';

/** What a strategy decided at a bar's close (only what the fill rules read). */
export interface BarDecision {
  side: 'buy' | 'sell';
  /** Absolute stop and target levels for a position this decision opens. */
  stopLoss: number;
  takeProfit: number;
}

export interface Stake {
  mode: StakeMode;
  value: number;
}

export interface FillConfig {
  initialBalance: number;
  stake: Stake;
  takerBps: number;
  makerBps: number;
  slippageBps: number;
  direction: Direction;
  /** Bar length (ms): equity points are stamped at each bar's close (open + barMs). */
  barMs: number;
}

export const FILL_DEFAULTS: Omit<FillConfig, 'barMs'> = {
  initialBalance: 10_000,
  stake: { mode: 'quoteAmount', value: 1_000 },
  takerBps: 10,
  makerBps: 8,
  slippageBps: 5,
  direction: 'long',
};

/** One symbol's bars (ascending open times) and the decision taken at each bar's close (null: none). */
export interface SymbolBars {
  symbol: string;
  bars: readonly Bar[];
  decisions: ReadonlyArray<BarDecision | null>;
}

export interface Trade {
  symbol: string;
  side: 'long' | 'short';
  /** Open times of the bars whose fills opened and closed the position. */
  entryTs: number;
  entryPrice: number;
  exitTs: number;
  exitPrice: number;
  amount: number;
  /** Entry fee + exit fee (quote). */
  fees: number;
  /** (exit − entry) × amount × (+1 long, −1 short) − fees. */
  pnl: number;
  exitReason: ExitReason;
}

/** Account equity after a bar: ts is the bar's close time; the first point is the initial balance at the first open. */
export interface EquityPoint {
  ts: number;
  equity: number;
}

/** The equity series as columns: what the fill loop writes and the metrics read (no object per bar). */
export interface EquityColumns {
  readonly length: number;
  readonly ts: Float64Array;
  readonly equity: Float64Array;
}

export interface FillResult {
  trades: Trade[];
  /** The equity series as points, built from `equityColumns` when first read. */
  readonly equity: EquityPoint[];
  equityColumns: EquityColumns;
  /** Symbol-bars during which a position was held (open after the bar's open fills). */
  exposedBars: number;
  /** All symbol-bars. */
  totalBars: number;
}
