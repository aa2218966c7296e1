/** Market module: the sources (the embedded sim for now) and the market.* commands. */
import { ApiError } from '../api/errors';
import { TIMEFRAMES, foldCandle, type Ohlcv, type Timeframe } from '../api/timeframes';
import type { SourceInfo } from '../api/contract';
import { CandlesRepo } from '../../db/repos/candles';
import { SettingsRepo } from '../../db/repos/settings';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import { SimSource } from './sim-source';

export const SIM_SOURCE_ID = 'sim';

export class MarketModule implements EngineModule {
  readonly name = 'market';
  readonly candles: CandlesRepo;
  readonly sim: SimSource;
  readonly seed: number;
  private timer: NodeJS.Timeout | null = null;
  backfilled = 0;

  constructor(private readonly ctx: EngineContext) {
    this.candles = new CandlesRepo(ctx.db);
    const settings = new SettingsRepo(ctx.db);
    this.seed = settings.get<number>('sim.seed') ?? ctx.opts.simSeed;
    settings.set('sim.seed', this.seed);
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
  }

  stop(): void {
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
      this.ctx.bus.publish('system.clock', { now: this.sim.clock.now(), speed: this.ctx.opts.simSpeed });
    } catch (err) {
      // A failing tick must not kill the engine; it is logged and the next tick retries.
      console.error('[market] tick failed:', err);
    }
  }

  sources(): SourceInfo[] {
    return [
      {
        id: SIM_SOURCE_ID,
        kind: 'sim',
        label: 'Simulated market',
        simulated: true,
        enabled: true,
        timeframes: [...TIMEFRAMES],
        symbolCount: this.sim.series.length,
      },
    ];
  }

  private requireSource(id: string): SimSource {
    if (id !== SIM_SOURCE_ID) throw new ApiError('NOT_FOUND', `Unknown source: ${id}`, { source: id });
    return this.sim;
  }

  readonly handlers: Partial<Handlers> = {
    'market.symbols': ({ source }) => this.requireSource(source).symbols(),
    'market.candles': ({ source, symbol, timeframe, limit, since }) => {
      const src = this.requireSource(source);
      if (!src.hasSymbol(symbol)) {
        throw new ApiError('NOT_FOUND', `Unknown symbol ${symbol} on ${source}`, { source, symbol });
      }
      const n = limit ?? 500;
      const rows =
        timeframe === '1m'
          ? this.candles.range({ source, symbol, timeframe }, n, since)
          : this.candles.aggregated(source, symbol, timeframe, n, since);
      const forming = src.formingBar(symbol);
      if (forming) mergeForming(rows, forming, timeframe, n, since);
      return rows;
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
