/**
 * Market module: the embedded sim (the default source) plus the collector (ccxt exchanges and
 * CSV replays managed at run time), and the market.* commands.
 */
import { ApiError } from '../api/errors';
import { TIMEFRAMES, TIMEFRAME_MS, foldCandle, type Ohlcv, type Timeframe } from '../api/timeframes';
import type { SourceHealth, SourceInfo, SourceView } from '../api/contract';
import { CandlesRepo } from '../../db/repos/candles';
import { SettingsRepo } from '../../db/repos/settings';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import { SimSource } from './sim-source';
import { Collector, type CollectorOptions } from './collector';
import { CcxtRuntime } from './ccxt-runtime';
import { seriesHandlers } from './series/handlers';

export const SIM_SOURCE_ID = 'sim';

export class MarketModule implements EngineModule {
  readonly name = 'market';
  readonly candles: CandlesRepo;
  readonly sim: SimSource;
  readonly seed: number;
  readonly collector: Collector;
  private timer: NodeJS.Timeout | null = null;
  private readonly createdAt = Date.now();
  backfilled = 0;

  constructor(
    private readonly ctx: EngineContext,
    collectorOpts: Partial<CollectorOptions> = {},
  ) {
    this.candles = new CandlesRepo(ctx.db);
    this.collector = new Collector(ctx.db, this.candles, ctx.opts.dataDir, (topic, payload) => ctx.bus.publish(topic, payload), collectorOpts);
    Object.assign(this.handlers, seriesHandlers(this.collector));
    this.collector.series.knownSource = (id) => id === SIM_SOURCE_ID || this.collector.has(id);
    const settings = new SettingsRepo(ctx.db);
    const stored = settings.get<number>('sim.seed');
    this.seed = stored ?? ctx.opts.simSeed;
    if (stored === undefined) settings.set('sim.seed', this.seed);
    this.sim = new SimSource(
      {
        id: SIM_SOURCE_ID,
        seed: this.seed,
        speed: ctx.opts.simSpeed,
        symbolCount: ctx.opts.simSymbols,
        historyDays: ctx.opts.simHistoryDays,
      },
      this.candles,
    );
  }

  start(): void {
    this.backfilled = this.sim.backfill();
    this.timer = setInterval(() => this.tick(), this.ctx.opts.tickMs);
    this.collector.start();
  }

  stop(): void {
    this.collector.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  clock(): number {
    return this.sim.clock.now();
  }

  tick(): void {
    try {
      const { closed, updated } = this.sim.tick();
      for (const e of closed) this.ctx.bus.publish('candle.closed', e);
      for (const e of updated) this.ctx.bus.publish('candle.updated', e);
      this.ctx.bus.publish('system.clock', { now: this.sim.clock.now(), speed: this.sim.clock.speed });
    } catch (err) {
      // A failing tick must not kill the engine; it is logged and the next tick retries.
      console.error('[market] tick failed:', err);
    }
  }

  sources(): SourceInfo[] {
    return this.views().map((v) => ({
      id: v.id,
      kind: v.kind,
      label: v.label,
      simulated: v.simulated,
      enabled: v.enabled,
      timeframes: v.timeframes,
      symbolCount: v.symbols.length,
    }));
  }

  /** The sim as a source view (always first, always enabled). */
  private simView(): SourceView {
    return {
      id: SIM_SOURCE_ID,
      kind: 'sim',
      label: 'Simulated market',
      enabled: true,
      simulated: true,
      exchange: null,
      symbols: this.sim.symbols(),
      configuredSymbols: this.sim.symbols(),
      discovery: null,
      discovered: null,
      timeframes: [...TIMEFRAMES],
      sandbox: false,
      baseUrl: null,
      hasKeys: false,
      timeoutMs: 0,
      pollMs: this.ctx.opts.tickMs,
      rateLimitMs: 0,
      breaker: { failures: 0, openMs: 0 },
      replay: null,
      createdAt: this.createdAt,
      updatedAt: this.createdAt,
    };
  }

  views(): SourceView[] {
    return [this.simView(), ...this.collector.list()];
  }

  private simHealth(): SourceHealth {
    return {
      source: SIM_SOURCE_ID,
      kind: 'sim',
      status: 'healthy',
      circuit: 'closed',
      consecutiveFailures: 0,
      lastSuccessAt: Date.now(),
      lastError: null,
      latencyMs: 0,
      requests24h: 0,
      backoffUntil: null,
      retryAt: null,
      closeToEvent: null,
      feeds: this.sim.symbols().map((symbol) => {
        const bar = this.sim.formingBar(symbol);
        return {
          symbol,
          timeframe: '1m' as const,
          status: 'healthy' as const,
          lastSuccessAt: Date.now(),
          lastError: null,
          consecutiveFailures: 0,
          latencyMs: 0,
          requests24h: 0,
          newestBarTs: bar ? bar[0] - TIMEFRAME_MS['1m'] : null,
          freshness: bar ? ('fresh' as const) : ('none' as const),
          closeToEventMs: null,
          retryAt: null,
        };
      }),
    };
  }

  private requireSource(id: string): SimSource {
    if (id !== SIM_SOURCE_ID) throw new ApiError('NOT_FOUND', `Unknown source: ${id}`, { source: id });
    return this.sim;
  }

  private requireAny(id: string): void {
    if (id !== SIM_SOURCE_ID && !this.collector.has(id)) throw new ApiError('NOT_FOUND', `Unknown source: ${id}`, { source: id });
  }

  /** Candles of a collector source: stored bars of the timeframe (or aggregated 1m), then the forming bar. */
  private collectedCandles(source: string, symbol: string, timeframe: Timeframe, limit: number, since?: number, before?: number): Ohlcv[] {
    const view = this.collector.list().find((v) => v.id === source)!;
    const direct = view.timeframes.includes(timeframe) || this.candles.count({ source, symbol, timeframe }) > 0;
    if (before !== undefined) {
      // Older history for the chart: stored bars only (the forming bar is the newest, never before).
      return direct || !view.timeframes.includes('1m') ? this.candles.rangeBefore({ source, symbol, timeframe }, limit, before) : this.candles.aggregatedBefore(source, symbol, timeframe, limit, before);
    }
    const rows =
      direct || !view.timeframes.includes('1m')
        ? this.candles.range({ source, symbol, timeframe }, limit, since)
        : this.candles.aggregated(source, symbol, timeframe, limit, since);
    const rt = this.collector.runtime(source);
    const forming = rt instanceof CcxtRuntime ? rt.formingBar(symbol, timeframe) : null;
    if (forming) mergeForming(rows, forming, timeframe, limit, since);
    return rows;
  }

  readonly handlers: Partial<Handlers> = {
    'market.symbols': ({ source }) => {
      if (source === SIM_SOURCE_ID) return this.sim.symbols();
      this.requireAny(source);
      return this.collector.list().find((v) => v.id === source)!.symbols;
    },
    'market.candles': ({ source, symbol, timeframe, limit, since, before }) => {
      if (source !== SIM_SOURCE_ID) {
        this.requireAny(source);
        return this.collectedCandles(source, symbol, timeframe, limit ?? 500, since, before);
      }
      const src = this.requireSource(source);
      if (!src.hasSymbol(symbol)) {
        throw new ApiError('NOT_FOUND', `Unknown symbol ${symbol} on ${source}`, { source, symbol });
      }
      const n = limit ?? 500;
      if (before !== undefined) {
        return timeframe === '1m' ? this.candles.rangeBefore({ source, symbol, timeframe }, n, before) : this.candles.aggregatedBefore(source, symbol, timeframe, n, before);
      }
      const rows =
        timeframe === '1m'
          ? this.candles.range({ source, symbol, timeframe }, n, since)
          : this.candles.aggregated(source, symbol, timeframe, n, since);
      const forming = src.formingBar(symbol);
      if (forming) mergeForming(rows, forming, timeframe, n, since);
      return rows;
    },
    'market.sim.setSpeed': ({ speed }) => {
      const previous = this.sim.clock.speed;
      this.sim.clock.setSpeed(speed);
      // One speed for everyone who reads it (system.info, the signals' time gates, the clock event).
      this.ctx.opts.simSpeed = speed;
      this.ctx.bus.publish('system.clock', { now: this.sim.clock.now(), speed });
      return { speed, previous };
    },
    'market.sources.list': () => this.views(),
    'market.sources.add': (i) => this.collector.add(i, (id) => id === SIM_SOURCE_ID),
    'market.sources.update': (i) => {
      if (i.id === SIM_SOURCE_ID) throw new ApiError('UNPROCESSABLE', 'The simulated market is configured by its start-up flags (--sim-*)', { id: i.id });
      return this.collector.update(i);
    },
    'market.sources.remove': ({ id }) => {
      if (id === SIM_SOURCE_ID) throw new ApiError('UNPROCESSABLE', 'The simulated market is the default source and cannot be removed', { id });
      return this.collector.remove(id);
    },
    'market.sources.enable': ({ id, enabled }) => {
      if (id === SIM_SOURCE_ID) {
        if (!enabled) throw new ApiError('UNPROCESSABLE', 'The simulated market is the default source and cannot be disabled', { id });
        return this.simView();
      }
      return this.collector.enable(id, enabled);
    },
    'market.exchanges': () => this.collector.exchanges(),
    'market.health': ({ source }) => {
      if (source === SIM_SOURCE_ID) return [this.simHealth()];
      if (source) return this.collector.healthReport(source);
      return [this.simHealth(), ...this.collector.healthReport()];
    },
    'market.backfill': (i) => {
      if (i.source === SIM_SOURCE_ID) throw new ApiError('UNPROCESSABLE', 'The simulated market back-fills itself at start-up', { source: i.source });
      return this.collector.backfill(i);
    },
    'market.backfill.list': ({ source, limit }) => this.collector.listJobs(source, limit),
    'market.backfill.cancel': ({ id }) => this.collector.cancelJob(id),
    'market.gaps': (i) => {
      this.requireAny(i.source);
      return this.collector.gapsOf(i);
    },
    'market.import': (i) => {
      this.requireAny(i.source);
      return this.collector.importCsv(i);
    },
    'market.export': (i) => {
      this.requireAny(i.source);
      const target = this.collector.exportTarget(i);
      const key = { source: i.source, symbol: i.symbol, timeframe: i.timeframe };
      const aggregate = i.source === SIM_SOURCE_ID && i.timeframe !== '1m' && this.candles.count(key) === 0;
      const stored = this.collector.gaps.bounds({ ...key, timeframe: aggregate ? '1m' : i.timeframe });
      const since = i.since ?? stored.first ?? 0;
      const until = i.until ?? Number.MAX_SAFE_INTEGER;
      let rows: Ohlcv[] = [];
      if (aggregate) {
        for (let from = since; ; ) {
          const page = this.candles.aggregated(i.source, i.symbol, i.timeframe, 5000, from).filter((r) => r[0] < until);
          rows = rows.concat(page);
          if (page.length === 0) break;
          from = page[page.length - 1]![0] + TIMEFRAME_MS[i.timeframe];
          if (from >= until || from > this.sim.clock.now()) break;
        }
      } else {
        for (let from = since; ; ) {
          const page = this.candles.range(key, 5000, from).filter((r) => r[0] < until);
          rows = rows.concat(page);
          if (page.length < 5000) break;
          from = page[page.length - 1]![0] + 1;
        }
      }
      return this.collector.exportCsv(i, rows, target);
    },
  };
}

/** Appends (or folds) the forming 1m bar into the newest bucket, when it belongs after the rows. */
export function mergeForming(rows: Ohlcv[], forming: Ohlcv, timeframe: Timeframe, limit: number, since?: number): void {
  const last = rows[rows.length - 1];
  if (since !== undefined && rows.length >= limit) return;
  if (last && forming[0] < last[0]) return;
  const bar = timeframe === '1m' ? forming : foldCandle(last, forming, timeframe);
  if (last && last[0] === bar[0]) rows[rows.length - 1] = bar;
  else rows.push(bar);
  if (rows.length > limit) rows.shift();
}
