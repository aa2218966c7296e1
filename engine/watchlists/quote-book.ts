/**
 * The watchlist's quotes for many symbols at once. Live prices come from the bus (every
 * candle.updated / candle.closed, O(1) each); the 24 h reference is one index seek per symbol per
 * new last bar (cached while it stays); the hourly sparkline is cached per symbol and moves by one
 * point when an hour passes, and a cold start computes at most a budget of full sparklines per call
 * (the rest follow in the next calls), so no call holds the engine for long.
 */
import { TIMEFRAMES, TIMEFRAME_MS, type Timeframe } from '../api/timeframes';
import type { CandleEvent } from '../api/commands/market';
import type { Signal } from '../api/commands/signals';
import { SPARK_POINTS, type ChangeBasis, type WatchQuote, type WatchSymbol } from '../api/commands/watchlists';
import type { NewestSignal, PricePoint, WatchQuotesRepo } from '../../db/repos/watch-quotes';

export const WINDOW_MS = 24 * 3_600_000;
const HOUR = 3_600_000;

const key = (source: string, symbol: string): string => `${source}|${symbol}`;

interface Live {
  price: number;
  ts: number;
}
interface Spark {
  series: number;
  hour: number;
  points: number[];
}

export interface AlertCounts {
  rules: Map<string, number>;
  active: Map<string, number>;
}

export class QuoteBook {
  private readonly live = new Map<string, Live>();
  private readonly series = new Map<string, { id: number; tf: Timeframe }>();
  private readonly sparks = new Map<string, Spark>();
  private readonly refs = new Map<string, { series: number; end: number; ref: { p: PricePoint; basis: ChangeBasis } | undefined }>();
  private signals: Map<string, NewestSignal> | null = null;
  /** Full sparklines left to compute in this batch (a cold start spreads them over a few calls). */
  private budget = Infinity;

  constructor(private readonly repo: WatchQuotesRepo) {}

  /** Starts a batch: at most `fullSparks` sparklines are computed from scratch in it. */
  beginBatch(fullSparks: number): void {
    this.budget = fullSparks;
  }

  onCandle(e: CandleEvent): void {
    const k = key(e.source, e.symbol);
    const ts = e.candle[0];
    const prev = this.live.get(k);
    // Any timeframe's forming bar carries the live price; the newest event wins.
    if (!prev || ts >= prev.ts || e.timeframe === '1m') this.live.set(k, { price: e.candle[4], ts });
  }

  onSignal(s: Signal): void {
    if (s.status === 'rejected' || !this.signals) return;
    const k = key(s.source, s.symbol);
    const cur = this.signals.get(k);
    if (!cur || s.id >= cur.id) this.signals.set(k, { id: s.id, source: s.source, symbol: s.symbol, side: s.side, barTime: s.barTime });
  }

  /** The finest stored series of a symbol (1m on the sim), looked up once it exists. */
  private seriesOf(source: string, symbol: string): { id: number; tf: Timeframe } | undefined {
    const k = key(source, symbol);
    const hit = this.series.get(k);
    if (hit) return hit;
    for (const tf of TIMEFRAMES) {
      const id = this.repo.seriesId(source, symbol, tf);
      if (id !== undefined) {
        const s = { id, tf };
        this.series.set(k, s);
        return s;
      }
    }
    return undefined;
  }

  private spark(k: string, series: number, anchor: number): number[] {
    const hour = Math.floor(anchor / HOUR) * HOUR;
    const cached = this.sparks.get(k);
    if (cached && cached.series === series && cached.hour === hour) return cached.points;
    // Point i is the close at the end of the hour that ends (SPARK_POINTS - i - 1) hours before this one.
    const at = (end: number): number | undefined => this.repo.closeAtOrBefore(series, end - 1)?.price;
    let points: number[];
    if (cached && cached.series === series && cached.hour === hour - HOUR && cached.points.length === SPARK_POINTS) {
      const p = at(hour);
      points = p === undefined ? cached.points : [...cached.points.slice(1), p];
    } else if (this.budget <= 0) {
      // Over this batch's budget: the old line (or none yet) until a later call computes it.
      return cached && cached.series === series ? cached.points : [];
    } else {
      this.budget--;
      points = [];
      for (let i = SPARK_POINTS - 1; i >= 0; i--) {
        const p = at(hour - i * HOUR);
        if (p !== undefined) points.push(p);
      }
    }
    this.sparks.set(k, { series, hour, points });
    return points;
  }

  quote(item: WatchSymbol, alerts: AlertCounts, error: string | null = null): WatchQuote {
    const k = key(item.source, item.symbol);
    this.signals ??= new Map(this.repo.newestSignals().map((s) => [key(s.source, s.symbol), s]));
    const sig = this.signals.get(k);
    const base: WatchQuote = {
      source: item.source,
      symbol: item.symbol,
      last: null,
      ts: null,
      ref: null,
      changePct: null,
      basis: null,
      spark: [],
      signal: sig ? { id: sig.id, side: sig.side, barTime: sig.barTime } : null,
      alertRules: alerts.rules.get(k) ?? 0,
      activeAlerts: alerts.active.get(k) ?? 0,
      error,
    };
    if (error) return base;
    const s = this.seriesOf(item.source, item.symbol);
    const stored = s ? this.repo.latest(s.id) : undefined;
    const live = this.live.get(k);
    const last = live && (!stored || live.ts >= stored.ts) ? live : stored;
    if (!last) return base;
    base.last = last.price;
    base.ts = last.ts;
    if (!s) return { ...base, spark: [last.price] };
    // The window ends with the last bar (its close time on the finest series).
    const end = last.ts + TIMEFRAME_MS[s.tf];
    const ref = this.reference(k, s.id, end);
    if (ref && ref.p.price > 0) {
      base.ref = ref.p.price;
      base.basis = ref.basis;
      base.changePct = ((last.price - ref.p.price) / ref.p.price) * 100;
    }
    base.spark = [...this.spark(k, s.id, end), last.price];
    return base;
  }

  /** The price 24 h before `end` (or the session's first, with less stored), cached while `end` stays. */
  private reference(k: string, series: number, end: number): { p: PricePoint; basis: ChangeBasis } | undefined {
    const hit = this.refs.get(k);
    if (hit && hit.series === series && hit.end === end) return hit.ref;
    const day = this.repo.closeAtOrBefore(series, end - WINDOW_MS - 1);
    let ref: { p: PricePoint; basis: ChangeBasis } | undefined = day ? { p: day, basis: '24h' } : undefined;
    if (!ref) {
      const first = this.repo.openFrom(series, end - WINDOW_MS);
      ref = first ? { p: first, basis: 'session' } : undefined;
    }
    this.refs.set(k, { series, end, ref });
    return ref;
  }

  /** Drops cached series lookups of a source (it was removed or changed). */
  forgetSource(source: string): void {
    for (const m of [this.series, this.sparks, this.live, this.refs] as Array<Map<string, unknown>>) for (const k of m.keys()) if (k.startsWith(`${source}|`)) m.delete(k);
  }
}
