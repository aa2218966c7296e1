/**
 * Point-in-time series features on the live pipeline: which ext series each feature series'
 * readers want (its strategies' `ext()`, other readers' demands such as alert rules), and adding
 * them to a closed bar's features — the newest stored value at or before the bar's close (and,
 * for `prev`, at or before the previous bar's close), by the rule in
 * engine/market/series/point-in-time.ts.
 */
import { TIMEFRAME_MS, type Ohlcv } from '../api/timeframes';
import type { Database } from '../../db/database';
import type { Features } from '../indicators/types';
import { barClose, extSpecsOf, formatExtSpec, withExt, type ExtReader, type ExtSpec } from '../market/series/point-in-time';
import { StoreExtReader } from '../market/series/store-reader';
import type { FeatureDemand, Series } from './planner';
import { seriesKey } from './tracker';

export class ExtFeatures {
  private demands = new Map<string, ExtSpec[]>();
  private reader: ExtReader | null = null;

  constructor(private readonly db: Database) {}

  /** Keeps the ext series other readers asked for, per series key (on each rebuild). */
  setDemands(demands: readonly FeatureDemand[]): void {
    const ext = new Map<string, ExtSpec[]>();
    for (const d of demands) {
      if (!d.ext?.length) continue;
      const k = seriesKey(d.source, d.symbol, d.timeframe);
      ext.set(k, extSpecsOf([...(ext.get(k) ?? []).map(formatExtSpec), ...d.ext]));
    }
    this.demands = ext;
  }

  private specsFor(s: Series): ExtSpec[] {
    const names = (this.demands.get(s.key) ?? []).map(formatExtSpec);
    for (const ev of s.evaluators) if (ev.def.ext) names.push(...ev.def.ext(ev.params));
    return names.length ? extSpecsOf(names) : [];
  }

  /** The bar's features with its ext features; `s.prev` gets the previous close's values. */
  apply(s: Series, c: Ohlcv, raw: Features): Features {
    const ext = this.specsFor(s);
    if (!ext.length) return raw;
    const reader = (this.reader ??= new StoreExtReader(this.db));
    const close = barClose(c[0], TIMEFRAME_MS[s.timeframe]);
    if (s.prev) s.prev = withExt(s.prev, ext, (x) => reader.valueAt(x, s.symbol, c[0]));
    return withExt(raw, ext, (x) => reader.valueAt(x, s.symbol, close));
  }
}
