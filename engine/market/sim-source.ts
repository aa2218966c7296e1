import { TIMEFRAMES, TIMEFRAME_MS, bucketStart, foldCandle, type Ohlcv, type Timeframe } from '../api/timeframes';
import type { CandleEvent } from '../api/contract';
import type { CandlesRepo } from '../../db/repos/candles';
import { SimClock, SimSeries, simSymbols } from './sim';

export interface SimSourceOptions {
  id: string;
  seed: number;
  speed: number;
  symbolCount: number;
  historyDays: number;
  now?: () => number;
}

export interface SimTickResult {
  closed: CandleEvent[];
  updated: CandleEvent[];
}

const HIGHER: readonly Timeframe[] = TIMEFRAMES.filter((t) => t !== '1m');

/**
 * The sim market as a source: back-fills history on first start (and any gap since the last
 * run), then advances the clock on every tick, persisting closed 1m bars in one transaction and
 * reporting closed bars of every timeframe plus the forming 1m bars.
 */
export class SimSource {
  readonly id: string;
  readonly series: SimSeries[];
  readonly clock: SimClock;
  private readonly bySymbol: Map<string, SimSeries>;
  /** Forming aggregates per symbol per higher timeframe. */
  private readonly forming = new Map<string, Map<Timeframe, Ohlcv>>();

  constructor(
    private readonly opts: SimSourceOptions,
    private readonly candles: CandlesRepo,
  ) {
    this.id = opts.id;
    const realNow = opts.now ?? Date.now;
    const specs = simSymbols(opts.symbolCount);
    const nowMinute = bucketStart(realNow(), '1m');
    const historyStart = nowMinute - opts.historyDays * TIMEFRAME_MS['1d'];
    let resumeAt = nowMinute;
    this.series = specs.map((spec, i) => {
      const last = candles.latest({ source: this.id, symbol: spec.symbol, timeframe: '1m' });
      if (last) {
        const next = last[0] + TIMEFRAME_MS['1m'];
        resumeAt = Math.max(resumeAt, next);
        return new SimSeries(spec, i, opts.seed, next, last[4]);
      }
      return new SimSeries(spec, i, opts.seed, historyStart);
    });
    this.clock = new SimClock(resumeAt, opts.speed, realNow);
    this.bySymbol = new Map(this.series.map((s) => [s.spec.symbol, s]));
  }

  symbols(): string[] {
    return this.series.map((s) => s.spec.symbol);
  }

  /** Generates and stores every bar from each series' position up to the clock. Returns bars written. */
  backfill(): number {
    const until = bucketStart(this.clock.now(), '1m');
    let written = 0;
    for (const s of this.series) {
      let batch: Ohlcv[] = [];
      const key = { source: this.id, symbol: s.spec.symbol, timeframe: '1m' as const };
      s.advance(until, (bar) => {
        batch.push([...bar] as Ohlcv);
        if (batch.length >= 5000) {
          this.candles.upsertMany(key, batch);
          written += batch.length;
          batch = [];
        }
      });
      this.candles.upsertMany(key, batch);
      written += batch.length;
      // Seed the higher-timeframe aggregates with the bucket in progress.
      const tfMap = new Map<Timeframe, Ohlcv>();
      for (const tf of HIGHER) {
        const rows = this.candles.aggregated(this.id, s.spec.symbol, tf, 1);
        const row = rows[rows.length - 1];
        if (row && row[0] === bucketStart(until, tf) && until > row[0]) tfMap.set(tf, row);
      }
      this.forming.set(s.spec.symbol, tfMap);
    }
    return written;
  }

  /** Advances every series to the clock; persists closed 1m bars in one transaction. */
  tick(): SimTickResult {
    const now = this.clock.now();
    const closed: CandleEvent[] = [];
    const updated: CandleEvent[] = [];
    const groups: Array<{ key: { source: string; symbol: string; timeframe: Timeframe }; rows: Ohlcv[] }> = [];
    for (const s of this.series) {
      const symbol = s.spec.symbol;
      const rows: Ohlcv[] = [];
      s.advance(now, (bar) => {
        const c = [...bar] as Ohlcv;
        rows.push(c);
        closed.push({ source: this.id, symbol, timeframe: '1m', candle: c });
        const tfMap = this.forming.get(symbol) ?? new Map<Timeframe, Ohlcv>();
        this.forming.set(symbol, tfMap);
        for (const tf of HIGHER) {
          const agg = foldCandle(tfMap.get(tf), c, tf);
          if (c[0] + TIMEFRAME_MS['1m'] === agg[0] + TIMEFRAME_MS[tf]) {
            closed.push({ source: this.id, symbol, timeframe: tf, candle: agg });
            tfMap.delete(tf);
          } else tfMap.set(tf, agg);
        }
      });
      if (rows.length) groups.push({ key: { source: this.id, symbol, timeframe: '1m' }, rows });
      if (s.bar) updated.push({ source: this.id, symbol, timeframe: '1m', candle: [...s.bar] as Ohlcv });
    }
    this.candles.upsertGroups(groups);
    return { closed, updated };
  }

  hasSymbol(symbol: string): boolean {
    return this.bySymbol.has(symbol);
  }

  /** The forming 1m bar of a symbol, if any. */
  formingBar(symbol: string): Ohlcv | undefined {
    const s = this.bySymbol.get(symbol);
    return s?.bar ? ([...s.bar] as Ohlcv) : undefined;
  }
}
