/**
 * Strategy decisions over stored bars through the SAME path as live signals: the strategy from
 * the registry (engine/strategies/registry.ts), its indicators from the live feature engine
 * (engine/indicators), and `evaluate` called with exactly the inputs the signals module gives
 * it on a closed bar (features after the bar, features after the bar before, the last
 * `lookback` bars). No second implementation of any strategy or indicator.
 */
import { TIMEFRAME_MS, type Timeframe } from '../api/timeframes';
import { barClose, extSpecsOf, formatExtSpec, valueAt, withExt, type Point } from '../market/series/point-in-time';
import { createFeatureEngine } from '../indicators/engine';
import type { Bar } from '../indicators/types';
import { getStrategy, parseParams } from '../strategies/registry';
import type { StrategyDecision, StrategyDef } from '../strategies/types';

export interface StrategyRef {
  id: string;
  params?: Record<string, unknown>;
}

export interface LoadedStrategy {
  id: string;
  def: StrategyDef;
  /** Parsed by the strategy's own schema (defaults filled). */
  params: Record<string, unknown>;
}

/** Loads a strategy through the registry; throws ApiError BAD_INPUT for an unknown id or refused params. */
export function loadStrategy(ref: StrategyRef): LoadedStrategy {
  const def = getStrategy(ref.id);
  return { id: ref.id, def, params: parseParams(ref.id, ref.params ?? {}) };
}

/** The live pipeline's test of a usable decision (engine/signals/module.ts validDecision). */
export function usableDecision(d: StrategyDecision): boolean {
  return [d.entry, d.stopLoss, d.takeProfit, d.confidence].every(Number.isFinite) && d.entry > 0;
}

export interface DecideOptions {
  symbol: string;
  timeframe: Timeframe;
  /** Decisions below this confidence produce nothing (default 0). */
  minConfidence?: number;
  /** Called every `every` bars with the bars done (progress; may throw to cancel). */
  onProgress?: (done: number) => void;
  every?: number;
  /** Bar length (default: the timeframe's): a bar's features are taken at open + barMs. */
  barMs?: number;
  /** Stored points of the strategy's ext series, by spec (`ext:bn:funding`), ascending. */
  ext?: Readonly<Record<string, readonly Point[]>>;
}

/** One entry per bar: the decision at that bar's close, or null. */
export function decide(s: LoadedStrategy, bars: readonly Bar[], o: DecideOptions): Array<StrategyDecision | null> {
  const fe = createFeatureEngine(s.def.indicators(s.params));
  const lookback = s.def.lookback(s.params);
  const minConf = o.minConfidence ?? 0;
  const every = o.every ?? 10_000;
  const out: Array<StrategyDecision | null> = new Array<StrategyDecision | null>(bars.length).fill(null);
  // Point-in-time series: each bar sees the newest point at or before its close, never later.
  const ext = extSpecsOf(s.def.ext?.(s.params) ?? []);
  const barMs = o.barMs ?? TIMEFRAME_MS[o.timeframe];
  let last: ReturnType<typeof fe.update> | null = null;
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    const prev = ext.length ? last : fe.bars > 0 ? fe.current() : null;
    const close = barClose(bar.ts, barMs);
    const features = withExt(fe.update(bar), ext, (x) => valueAt(o.ext?.[formatExtSpec(x)] ?? [], close));
    last = features;
    const history = bars.slice(Math.max(0, i + 1 - Math.max(1, lookback)), i + 1);
    const d = s.def.evaluate({ symbol: o.symbol, timeframe: o.timeframe, bar, features, prev, history }, s.params);
    if (d && usableDecision(d) && d.confidence >= minConf) out[i] = d;
    if (o.onProgress && (i + 1) % every === 0) o.onProgress(i + 1);
  }
  return out;
}
