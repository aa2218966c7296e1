/**
 * Indicators module: the indicators.* commands. Series are computed from the market module's
 * stored candles (through its public market.candles handler, so every source it knows works),
 * closed bars only, with extra history before the first returned row so values are warm; the
 * computation runs in the worker pool (engine/indicators/pool.ts).
 */
import { ApiError } from '../api/errors';
import type { IndicatorProfileInfo, IndicatorSeries } from '../api/contract';
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import type { MarketModule } from '../market/module';
import { createFeatureEngine } from './engine';
import { closePool, warmUp } from './pool';
import { PROFILES, PROFILE_NAMES, getProfile, profileSpecs } from './profiles';
import { SpecError, featureNames, formatSpec, parseSpecList, warmupBars } from './spec';
import type { IndicatorSpec } from './types';
import { barClose, formatExtSpec, isExtSpec, parseExtSpec, valueAt, type ExtSpec } from '../market/series/point-in-time';
import { StoreExtReader } from '../market/series/store-reader';

export const DEFAULT_PROFILE = 'full_v1';
const DEFAULT_LIMIT = 500;
/** Bars read before the first returned row beyond the formal warm-up, so EMAs have converged. */
const EXTRA_HISTORY = 250;

export function profileInfo(name: string): IndicatorProfileInfo {
  const p = getProfile(name);
  if (!p) throw new ApiError('NOT_FOUND', `Unknown feature profile: ${name}`, { profile: name, known: PROFILE_NAMES });
  const specs = profileSpecs(name);
  return {
    name: p.name,
    summary: p.summary,
    extends: p.extends ?? null,
    indicators: p.indicators.map(formatSpec),
    specs: specs.map(formatSpec),
    names: specs.flatMap(featureNames),
    warmup: specs.reduce((m, s) => Math.max(m, warmupBars(s)), 0),
  };
}

/** Specs for a request: a profile, an indicator set, or the default profile. ApiError on bad input. */
export function resolveSpecs(profile: string | undefined, set: string | undefined): IndicatorSpec[] {
  if (set !== undefined) {
    try {
      return parseSpecList(set);
    } catch (err) {
      if (err instanceof SpecError) throw new ApiError('BAD_INPUT', `Bad indicator set: ${err.message}`, { set });
      throw err;
    }
  }
  const name = profile ?? DEFAULT_PROFILE;
  if (!getProfile(name)) throw new ApiError('NOT_FOUND', `Unknown feature profile: ${name}`, { profile: name, known: PROFILE_NAMES });
  return profileSpecs(name);
}

export class IndicatorsModule implements EngineModule {
  readonly name = 'indicators';

  constructor(
    private readonly ctx: EngineContext,
    private readonly market: MarketModule,
  ) {}

  stop(): void {
    void closePool();
  }

  /** Closed candles, ascending: the market's reader, with a still-forming last bar left out. */
  private async closedCandles(source: string, symbol: string, timeframe: Timeframe, limit: number): Promise<Ohlcv[]> {
    const read = this.market.handlers['market.candles'];
    if (!read) throw new ApiError('UNAVAILABLE', 'The market module has no candle reader');
    const rows = await read({ source, symbol, timeframe, limit });
    const last = rows[rows.length - 1];
    if (last && last[0] + TIMEFRAME_MS[timeframe] > this.ctx.clock()) return rows.slice(0, -1);
    return rows;
  }

  readonly handlers: Partial<Handlers> = {
    'indicators.profiles': () => PROFILES.map((p) => profileInfo(p.name)),
    'indicators.series': async ({ source, symbol, timeframe, profile, set: rawSet, limit }): Promise<IndicatorSeries> => {
      // Point-in-time series entries (ext:<source>:<series>) are read from the store, not computed.
      const entries = rawSet?.split(',').map((x) => x.trim()) ?? [];
      const ext: ExtSpec[] = [];
      for (const e of entries.filter(isExtSpec)) {
        try {
          ext.push(parseExtSpec(e));
        } catch (err) {
          throw new ApiError('BAD_INPUT', `Bad indicator set: ${(err as Error).message}`, { set: rawSet });
        }
      }
      const rest = entries.filter((e) => !isExtSpec(e));
      const set = rawSet === undefined ? undefined : rest.length ? rest.join(',') : null;
      if (set === null) return this.extOnly(source, symbol, timeframe, ext, limit ?? DEFAULT_LIMIT);
      const specs = resolveSpecs(profile, set);
      const engine = createFeatureEngine(specs);
      const n = limit ?? DEFAULT_LIMIT;
      const candles = await this.closedCandles(source, symbol, timeframe, n + engine.warmup + EXTRA_HISTORY + 1);
      // The history runs in the worker pool, off the engine thread.
      const { series } = await warmUp(engine.specs, candles, { series: true });
      const from = Math.max(0, candles.length - n);
      const rows: IndicatorSeries['rows'] = [];
      const width = engine.names.length;
      for (let i = from; i < candles.length; i++) {
        const v = series![i]!;
        const row: [number, ...(number | null)[]] = [candles[i]![0]];
        for (let j = 0; j < width; j++) {
          const x = v[j]!;
          row.push(Number.isNaN(x) ? null : x);
        }
        rows.push(row);
      }
      const out = { names: [...engine.names], specs: engine.specs.map(formatSpec), rows };
      return ext.length ? this.addExt(out, symbol, timeframe, ext) : out;
    },
  };

  private reader: StoreExtReader | null = null;

  /** Appends one column per ext series: on each row, the newest point at or before the bar's close. */
  private addExt(out: IndicatorSeries, symbol: string, timeframe: Timeframe, ext: ExtSpec[]): IndicatorSeries {
    const reader = (this.reader ??= new StoreExtReader(this.ctx.db));
    const step = TIMEFRAME_MS[timeframe];
    const first = out.rows[0]?.[0] ?? 0;
    const last = out.rows[out.rows.length - 1]?.[0] ?? 0;
    for (const x of ext) {
      const pts = reader.points(x, symbol, barClose(first, step), barClose(last, step));
      out.names.push(`ext_${x.source}_${x.series}`);
      out.specs.push(formatExtSpec(x));
      for (const row of out.rows) row.push(valueAt(pts, barClose(row[0], step)) ?? null);
    }
    return out;
  }

  /** A set of ext series only: the closed bars' times, and the series' values at each close. */
  private async extOnly(source: string, symbol: string, timeframe: Timeframe, ext: ExtSpec[], n: number): Promise<IndicatorSeries> {
    const candles = await this.closedCandles(source, symbol, timeframe, n);
    const rows: IndicatorSeries['rows'] = candles.map((c) => [c[0]]);
    return this.addExt({ names: [], specs: [], rows }, symbol, timeframe, ext);
  }
}
