/**
 * The signals planner: which (source, symbol, timeframe) series the enabled channels need, with
 * ONE feature engine per series (the union of the indicators its channels read) and ONE
 * evaluator per (strategy + params) fanned out to every channel that wants it; new series are
 * warmed up from stored bars (in the indicator worker pool for long histories), bars arriving
 * meanwhile are queued and replayed after.
 */
import { performance } from 'node:perf_hooks';
import type { Channel } from '../api/commands/signals';
import type { SourceKind } from '../api/commands/market';
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import type { EngineContext } from '../core/context';
import { createFeatureEngine, formatSpec, getProfile, profileSpecs, uniqueSpecs, warmUpEngine, warmupBars } from '../indicators';
import type { Bar, FeatureEngine, Features, IndicatorSpec } from '../indicators/types';
import { getStrategy, parseParams, strategyKey } from '../strategies/registry';
import type { StrategyDef } from '../strategies/types';
import { seriesKey } from './tracker';

/** History kept per series beyond what strategies ask for, and the cap on warm-up bars. */
const MAX_WARMUP = 2000;
/**
 * A strategy's decisions are trusted after WARMUP_FACTOR × the bars its slowest indicator needs
 * for a first value (EMA/RSI/ATR carry their seed for a while); before that a signal is
 * rejected NOT_WARMED_UP.
 */
export const WARMUP_FACTOR = 2;

/** Where the module reads market data: the market module's public handlers. */
export interface MarketReader {
  symbols(source: string): string[] | Promise<string[]>;
  candles(source: string, symbol: string, timeframe: Timeframe, limit: number): Ohlcv[] | Promise<Ohlcv[]>;
  /** The kind of a source (which clock its bars follow); absent: only 'sim' is known, others keep wall time. */
  kind?(source: string): SourceKind | undefined;
}

export interface Evaluator {
  key: string;
  strategy: string;
  def: StrategyDef;
  params: Record<string, unknown>;
  warmup: number;
  lookback: number;
  channels: Channel[];
}

/** Indicators another module (alerts) wants on a series: added to the one feature engine of that series. */
export interface FeatureDemand {
  source: string;
  symbol: string;
  timeframe: Timeframe;
  specs: IndicatorSpec[];
  /** Point-in-time series read on each bar (`ext:<source>:<series>`). */
  ext?: string[];
}
/** A series' features after a live closed bar, for other readers of the same feature engine. */
export interface FeaturesEvent {
  source: string;
  symbol: string;
  timeframe: Timeframe;
  ts: number;
  features: Features;
  prev: Features | null;
}

export interface Series {
  key: string;
  source: string;
  symbol: string;
  timeframe: Timeframe;
  specsKey: string;
  specs: IndicatorSpec[];
  fe: FeatureEngine;
  history: Bar[];
  maxHistory: number;
  prev: Features | null;
  lastTs: number;
  warming: boolean;
  queue: Ohlcv[];
  evaluators: Evaluator[];
}

export const toBar = (c: Ohlcv): Bar => ({ ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] });

export interface PlannerOptions {
  /** Warm-ups of at least `poolMinBars` bars run in the indicator worker pool (in process otherwise, or when the pool fails). */
  usePool: boolean;
  poolMinBars: number;
}

export class Planner {
  series = new Map<string, Series>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly market: MarketReader,
    private readonly opts: PlannerOptions,
    private readonly stats: { pooledWarmUps: number },
    /** Runs a bar that arrived during warm-up, once the series is warm. */
    private readonly onBar: (s: Series, c: Ohlcv, received: number) => void,
  ) {}

  /** Recomputes which series and evaluators the enabled channels need; warms up new series. */
  async plan(channels: Channel[], demands: readonly FeatureDemand[] = []): Promise<void> {
    interface Want {
      source: string;
      symbol: string;
      timeframe: Timeframe;
      specs: IndicatorSpec[];
      evaluators: Map<string, Evaluator>;
    }
    const want = new Map<string, Want>();
    for (const ch of channels) {
      if (!ch.enabled) continue;
      let symbols: string[];
      try {
        symbols = await this.resolveSymbols(ch);
      } catch (e) {
        console.error(`[signals] channel ${ch.id}: cannot resolve symbols:`, e);
        continue;
      }
      const extra = ch.profile && getProfile(ch.profile) ? profileSpecs(ch.profile) : [];
      for (const s of ch.strategies) {
        // A paused strategy stays in the channel but is not evaluated for it: no signals there.
        if (s.paused) continue;
        let def: StrategyDef;
        let params: Record<string, unknown>;
        try {
          def = getStrategy(s.id);
          params = parseParams(s.id, s.params);
        } catch (e) {
          console.error(`[signals] channel ${ch.id}: strategy ${s.id}:`, e);
          continue;
        }
        const ekey = strategyKey(s.id, params);
        const specs = uniqueSpecs(def.indicators(params));
        const warmup = Math.max(def.lookback(params), WARMUP_FACTOR * Math.max(1, ...specs.map(warmupBars)));
        for (const symbol of symbols) {
          const k = seriesKey(ch.symbols.source, symbol, ch.timeframe);
          let w = want.get(k);
          if (!w) want.set(k, (w = { source: ch.symbols.source, symbol, timeframe: ch.timeframe, specs: [], evaluators: new Map() }));
          w.specs.push(...specs, ...extra);
          let ev = w.evaluators.get(ekey);
          if (!ev) w.evaluators.set(ekey, (ev = { key: ekey, strategy: s.id, def, params, warmup, lookback: def.lookback(params), channels: [] }));
          if (!ev.channels.some((c) => c.id === ch.id)) ev.channels.push(ch);
        }
      }
    }
    for (const d of demands) {
      const k = seriesKey(d.source, d.symbol, d.timeframe);
      if (!want.has(k)) want.set(k, { source: d.source, symbol: d.symbol, timeframe: d.timeframe, specs: [], evaluators: new Map() });
      want.get(k)!.specs.push(...d.specs);
    }
    const next = new Map<string, Series>();
    const toWarm: Series[] = [];
    for (const [k, w] of want) {
      const specs = uniqueSpecs(w.specs);
      const specsKey = specs.map(formatSpec).sort().join(',');
      const evaluators = [...w.evaluators.values()];
      const maxHistory = Math.max(2, ...evaluators.map((e) => e.lookback));
      const old = this.series.get(k);
      if (old && old.specsKey === specsKey && !old.warming) {
        old.evaluators = evaluators;
        old.maxHistory = Math.max(old.maxHistory, maxHistory);
        next.set(k, old);
        continue;
      }
      const s: Series = {
        key: k,
        source: w.source,
        symbol: w.symbol,
        timeframe: w.timeframe,
        specsKey,
        specs,
        fe: createFeatureEngine(specs),
        history: [],
        maxHistory,
        prev: null,
        lastTs: -Infinity,
        warming: true,
        queue: [],
        evaluators,
      };
      next.set(k, s);
      toWarm.push(s);
    }
    this.series = next;
    await Promise.all(toWarm.map((s) => this.warmUp(s)));
  }

  private async resolveSymbols(ch: Channel): Promise<string[]> {
    if ('symbols' in ch.symbols) return ch.symbols.symbols;
    return await this.market.symbols(ch.symbols.source);
  }

  /**
   * Feeds stored closed bars through the new series' feature engine (O(1) per bar), so a
   * channel starts warm. Bars arriving meanwhile are queued and applied after.
   */
  private async warmUp(s: Series): Promise<void> {
    const need = Math.min(MAX_WARMUP, Math.max(300, 3 * Math.max(1, ...s.specs.map(warmupBars)), ...s.evaluators.map((e) => e.warmup * 3 + e.lookback)));
    try {
      const tf = TIMEFRAME_MS[s.timeframe];
      const now = this.ctx.clock();
      const rows = (await this.market.candles(s.source, s.symbol, s.timeframe, need + 1)).filter((c) => c[0] + tf <= now);
      let pooled = false;
      if (this.opts.usePool && rows.length >= this.opts.poolMinBars) {
        try {
          s.fe = await warmUpEngine(s.specs, rows);
          s.lastTs = rows[rows.length - 1]![0];
          s.history = rows.slice(-s.maxHistory).map(toBar);
          s.prev = null;
          pooled = true;
          this.stats.pooledWarmUps++;
        } catch (e) {
          console.error(`[signals] pool warm-up of ${s.key} failed, warming up in process:`, e);
          s.fe = createFeatureEngine(s.specs);
        }
      }
      if (!pooled) for (const c of rows) this.apply(s, c);
    } catch (e) {
      console.error(`[signals] warm-up of ${s.key} failed (it will warm up live):`, e);
    }
    s.warming = false;
    for (const c of s.queue.splice(0)) this.onBar(s, c, performance.now());
  }

  /** Applies one closed bar to a series; returns the features, or null for an old/duplicate bar. */
  apply(s: Series, c: Ohlcv): Features | null {
    if (c[0] <= s.lastTs) return null;
    s.prev = s.fe.bars > 0 ? s.fe.current() : null;
    const bar = toBar(c);
    const f = s.fe.update(bar);
    s.lastTs = c[0];
    s.history.push(bar);
    if (s.history.length > s.maxHistory) s.history.splice(0, s.history.length - s.maxHistory);
    return f;
  }
}
