/**
 * The strategy interface, version 1. One module per strategy, registered by name in a
 * static map (engine/strategies/registry.ts). Live signals and backtests run the same code
 * through the same path. Decisions happen only on closed bars.
 */
import type { z } from 'zod';
import type { Timeframe } from '../api/timeframes';
import type { Bar, Features, IndicatorSpec } from '../indicators/types';

export const STRATEGY_INTERFACE_VERSION = 1;

export interface StrategyInput {
  symbol: string;
  timeframe: Timeframe;
  /** The bar that just closed. */
  bar: Bar;
  /** Features after `bar`, and after the bar before it (null on the first bar). */
  features: Features;
  prev: Features | null;
  /** The most recent closed bars, oldest first, ending with `bar` (at most `lookback(params)`). */
  history: readonly Bar[];
}

export interface StrategyDecision {
  side: 'buy' | 'sell';
  entry: number;
  stopLoss: number;
  takeProfit: number;
  /** 0..1, from the formula the strategy documents. */
  confidence: number;
  /** Sentences a trader can read: "Close 3,247.50 broke 20-bar high 3,240.00 on 1.8× average volume". */
  reasons: string[];
}

export interface StrategyDef<P extends object = Record<string, unknown>> {
  readonly id: string;
  readonly version: typeof STRATEGY_INTERFACE_VERSION;
  readonly summary: string;
  /** Validates and fills defaults: schema.parse({}) gives the defaults. */
  readonly schema: z.ZodType<P>;
  /** Indicators the strategy reads, for these parameters. */
  indicators(p: P): IndicatorSpec[];
  /**
   * Point-in-time series it reads, as specs `ext:<source>:<series>` (optional). Their features
   * (`ext_<source>_<series>`) hold the newest value published at or before the bar's close.
   */
  ext?(p: P): string[];
  /** Bars of history the strategy needs in `history`. */
  lookback(p: P): number;
  /** A decision on a closed bar, or null. Pure: same input, same answer. */
  evaluate(input: StrategyInput, p: P): StrategyDecision | null;
  /**
   * Optional columnar form of `evaluate` for backtests: the same rule over a whole history of
   * pre-resolved columns, calling `emit` only at the bars where `evaluate` would return a
   * decision, with that decision's side, levels and confidence (reasons are not written). It
   * must share its rule with `evaluate` (same helpers), and equal it decision for decision
   * (tests/backtest/decide-columns.test.ts). The backtest runner uses it when present.
   */
  decideColumns?(cols: DecisionColumnsInput, p: P, emit: DecisionSink): void;
}

/** What `decideColumns` reads: the bars and the strategy's feature columns, as typed arrays. */
export interface DecisionColumnsInput {
  readonly length: number;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /**
   * The column of a feature name the strategy's `indicators()` produce: the live engine's value
   * after each bar, NaN while it warms up. Resolve names once, before the loop.
   */
  column(name: string): Float64Array;
}

/** A decision at bar `i`'s close (entry = that bar's close). */
export type DecisionSink = (i: number, side: 'buy' | 'sell', stopLoss: number, takeProfit: number, confidence: number) => void;
