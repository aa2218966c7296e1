/**
 * Strategy decisions over stored bars through the SAME path as live signals: the strategy from
 * the registry (engine/strategies/registry.ts), its indicators from the live feature engine
 * (engine/indicators), and `evaluate` called with exactly the inputs the signals module gives
 * it on a closed bar (features after the bar, features after the bar before, the last
 * `lookback` bars). No second implementation of any strategy or indicator.
 */
import { TIMEFRAME_MS, type Timeframe } from '../api/timeframes';
import { barClose, extFeature, extSpecsOf, formatExtSpec, type ExtSpec, type Point } from '../market/series/point-in-time';
import { barColumns, featureColumns, type BarColumns, type ColumnCache, type FeatureColumns } from '../indicators/batch';
import type { Bar, Features } from '../indicators/types';
import { getStrategy, parseParams } from '../strategies/registry';
import { usableDecision } from '../strategies/common';
import type { StrategyDecision, StrategyDef, StrategyInput } from '../strategies/types';

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

/** The live pipeline's test of a usable decision (one rule, engine/strategies/common.ts). */
export { usableDecision };

export interface DecideOptions {
  symbol: string;
  timeframe: Timeframe;
  /** Decisions below this confidence produce nothing (default 0). */
  minConfidence?: number;
  /** Called every `every` bars with the bars done (progress; may throw to cancel). */
  onProgress?: (done: number) => void;
  every?: number;
  /** The same bars as columns, when the caller has them (else built here). */
  columns?: BarColumns;
  /** Indicator columns already computed over these bars (a sweep shares them between combinations). */
  cache?: ColumnCache;
  /** Bar length (default: the timeframe's): a bar's features are taken at open + barMs. */
  barMs?: number;
  /** Stored points of the strategy's ext series, by spec (`ext:bn:funding`), ascending. */
  ext?: Readonly<Record<string, readonly Point[]>>;
}

/**
 * Point-in-time series as columns: each bar gets the newest point whose time is at or before the
 * bar's close (engine/market/series/point-in-time.ts), never a later one; NaN (undefined to the
 * strategy) before the first point.
 */
function extColumns(ts: ArrayLike<number>, specs: readonly ExtSpec[], points: DecideOptions['ext'], barMs: number): FeatureColumns {
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const spec of specs) {
    const pts = points?.[formatExtSpec(spec)] ?? [];
    const col = new Float64Array(ts.length).fill(NaN);
    let j = -1;
    for (let i = 0; i < ts.length; i++) {
      const close = barClose(ts[i]!, barMs);
      while (j + 1 < pts.length && pts[j + 1]![0] <= close) j++;
      if (j >= 0) col[i] = pts[j]![1];
    }
    names.push(extFeature(spec));
    columns.push(col);
  }
  return { names, columns };
}

/** The strategy's indicator columns, with its point-in-time series columns after them. */
function withExt(s: LoadedStrategy, ind: FeatureColumns, ts: ArrayLike<number>, o: DecideOptions): FeatureColumns {
  // Point-in-time series: each bar sees the newest point at or before its close, never later.
  const ext = extColumns(ts, extSpecsOf(s.def.ext?.(s.params) ?? []), o.ext, o.barMs ?? TIMEFRAME_MS[o.timeframe]);
  return ext.names.length ? { names: [...ind.names, ...ext.names], columns: [...ind.columns, ...ext.columns] } : ind;
}

/**
 * The input `evaluate` receives, reused from bar to bar (nothing is allocated per bar): `i` is
 * the bar, `features` / `prev` read the indicator columns at `i` / `i − 1`; `history` is the
 * same slice live gives (engine/signals/module.ts: the last `lookback` bars ending with `bar`),
 * built only when the strategy reads it.
 */
class InputCursor implements StrategyInput {
  bar: Bar;
  prev: Features | null = null;
  i = 0;
  readonly features: Features;
  private readonly prevView: Features;
  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
    private readonly bars: readonly Bar[],
    private readonly lookback: number,
    cols: FeatureColumns,
  ) {
    this.bar = bars[0]!;
    this.features = featureView(cols, this, 0);
    this.prevView = featureView(cols, this, 1);
  }
  at(i: number): void {
    this.i = i;
    this.bar = this.bars[i]!;
    this.prev = i > 0 ? this.prevView : null;
  }
  get history(): readonly Bar[] {
    return this.bars.slice(Math.max(0, this.i + 1 - this.lookback), this.i + 1);
  }
}

/**
 * A Features object over indicator columns: each name reads its column at the cursor's bar
 * (`back` bars before it) — the live engine's value after that bar, undefined while warming
 * up (NaN in the column), as live. Values are read, never copied: no per-bar stores or boxes.
 */
function featureView(cols: FeatureColumns, cursor: { i: number }, back: number): Features {
  const view: Record<string, number | undefined> = {};
  cols.names.forEach((name, j) => {
    const col = cols.columns[j]!;
    Object.defineProperty(view, name, {
      enumerable: true,
      get(): number | undefined {
        const v = col[cursor.i - back]!;
        return v === v ? v : undefined;
      },
    });
  });
  return Object.freeze(view);
}

/**
 * One entry per bar: the decision at that bar's close, or null. The strategy's indicators come
 * from the batch path (engine/indicators/batch.ts: the live kernels run over the bars as
 * columns), and `evaluate` sees at each bar the features after it and after the bar before it
 * — the values the live engine gives, a name undefined while its indicator warms up.
 */
export function decide(s: LoadedStrategy, bars: readonly Bar[], o: DecideOptions): Array<StrategyDecision | null> {
  const n = bars.length;
  const out: Array<StrategyDecision | null> = new Array<StrategyDecision | null>(n).fill(null);
  if (n === 0) return out;
  const c = o.columns ?? barColumns(bars);
  const cols = withExt(s, featureColumns(s.def.indicators(s.params), c, o.cache), c.ts, o);
  const lookback = Math.max(1, s.def.lookback(s.params));
  const minConf = o.minConfidence ?? 0;
  const every = o.every ?? 10_000;
  const input = new InputCursor(o.symbol, o.timeframe, bars, lookback, cols);
  const def = s.def;
  const params = s.params;
  let nextProgress = o.onProgress ? every : Infinity;
  for (let i = 0; i < n; i++) {
    input.at(i);
    const d = def.evaluate(input, params);
    if (d && usableDecision(d) && d.confidence >= minConf) out[i] = d;
    if (i + 1 === nextProgress) {
      nextProgress += every;
      o.onProgress!(i + 1);
    }
  }
  return out;
}

/**
 * Decisions as columns, only where there is one (a few per thousand bars): the k-th decision
 * was taken at bar `at[k]`'s close (ascending), `side[k]` 1 buy / −1 sell, `stop[k]` /
 * `target[k]` its absolute levels, `confidence[k]`; every column has `count` entries. What the
 * one-symbol fill loop (fills-columns.ts) reads; nothing of the size of the history is
 * allocated for them.
 */
export interface DecisionColumns {
  /** Bars the decisions are over. */
  readonly length: number;
  /** Decisions. */
  readonly count: number;
  readonly at: Int32Array;
  readonly side: Int8Array;
  readonly stop: Float64Array;
  readonly target: Float64Array;
  readonly confidence: Float64Array;
}

/** `to` with `from` copied into its start. */
function withAll<T extends { set(a: ArrayLike<number>): void }>(to: T, from: ArrayLike<number>): T {
  to.set(from);
  return to;
}

/**
 * Collects decisions in typed columns that double when full (no boxed numbers, no per-decision
 * objects); `columns()` hands them out trimmed to the count.
 */
export class DecisionWriter {
  private n = 0;
  private at = new Int32Array(64);
  private side = new Int8Array(64);
  private stop = new Float64Array(64);
  private target = new Float64Array(64);
  private confidence = new Float64Array(64);
  constructor(private readonly bars: number) {}

  push(i: number, side: 1 | -1, stop: number, target: number, confidence: number): void {
    if (this.n === this.at.length) this.grow();
    const k = this.n++;
    this.at[k] = i;
    this.side[k] = side;
    this.stop[k] = stop;
    this.target[k] = target;
    this.confidence[k] = confidence;
  }

  private grow(): void {
    const cap = this.at.length * 2;
    this.at = withAll(new Int32Array(cap), this.at);
    this.side = withAll(new Int8Array(cap), this.side);
    this.stop = withAll(new Float64Array(cap), this.stop);
    this.target = withAll(new Float64Array(cap), this.target);
    this.confidence = withAll(new Float64Array(cap), this.confidence);
  }

  columns(): DecisionColumns {
    const n = this.n;
    return {
      length: this.bars,
      count: n,
      at: this.at.subarray(0, n),
      side: this.side.subarray(0, n),
      stop: this.stop.subarray(0, n),
      target: this.target.subarray(0, n),
      confidence: this.confidence.subarray(0, n),
    };
  }
}

/**
 * The decisions of `decide`, as columns. Through the strategy's `decideColumns` when it has one
 * (pre-resolved feature columns, no name lookups or objects per bar; the same rule as
 * `evaluate`, tests/backtest/decide-columns.test.ts), else through `decide` bar by bar. The
 * same filter either way: a usable decision (the live pipeline's test) at or above minConfidence.
 */
export function decideColumns(s: LoadedStrategy, barsOf: readonly Bar[] | (() => readonly Bar[]), o: DecideOptions & { perBar?: boolean }): DecisionColumns {
  // Bars as objects only for the per-bar path (a pool worker keeps only columns until then).
  const bars = (): readonly Bar[] => (typeof barsOf === 'function' ? barsOf() : barsOf);
  const n = o.columns ? o.columns.length : bars().length;
  const out = new DecisionWriter(n);
  if (n === 0) return out.columns();
  const minConf = o.minConfidence ?? 0;
  if (!s.def.decideColumns || o.perBar) {
    decide(s, bars(), o).forEach((d, i) => {
      if (d) out.push(i, d.side === 'buy' ? 1 : -1, d.stopLoss, d.takeProfit, d.confidence);
    });
    return out.columns();
  }
  const c = o.columns ?? barColumns(bars());
  const fc = withExt(s, featureColumns(s.def.indicators(s.params), c, o.cache), c.ts, o);
  const byName = new Map(fc.names.map((name, j) => [name, fc.columns[j]!]));
  const input = {
    length: n,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    column(name: string): Float64Array {
      const col = byName.get(name);
      if (!col) throw new Error(`${s.id}: no indicator column '${name}' (not among its indicators or series)`);
      return col;
    },
  };
  const close = c.close;
  s.def.decideColumns(input, s.params, (i, side, stop, target, conf) => {
    const entry = close[i]!;
    if (!usableDecision({ entry, stopLoss: stop, takeProfit: target, confidence: conf })) return;
    if (conf >= minConf) out.push(i, side === 'buy' ? 1 : -1, stop, target, conf);
  });
  o.onProgress?.(n);
  return out.columns();
}
