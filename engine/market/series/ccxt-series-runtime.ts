/**
 * The series a ccxt source collects besides candles — `funding`, `open_interest`, `book` — per
 * configured symbol, every `intervalSeconds`, through the exchange gateway (CcxtClient: the shared
 * instance, breaker, Retry-After hold, retrier, and every request counted into the source's
 * health). The first poll back-fills from the history endpoints where the exchange has them
 * (fetchFundingRateHistory, fetchOpenInterestHistory); later polls add the latest reading.
 * An answer with a value that is not a finite number is that series' error and nothing of it is
 * stored.
 */
import type { SeriesPoint } from '../../../db/repos/ext-series';
import { ExchangeFault, type Exchange } from '../../exchange';
import { CcxtClient, type CcxtClientConfig } from '../ccxt-client';
import type { SourceHealthState } from '../health';
import { bookFigures } from './book';
import { PollLoop, SeriesErrors, type SeriesSink } from './series-store';

export type CcxtSeriesKind = 'funding' | 'open_interest' | 'book';

export interface CcxtSeriesConfig {
  symbols: string[];
  series: CcxtSeriesKind[];
  intervalSeconds: number;
  /** How far back the first poll back-fills history (ms). */
  historyMs: number;
}

const bad = (msg: string): ExchangeFault => new ExchangeFault('bad_response', msg, null, { code: 'EXCHANGE_ERROR_UNKNOWN', policy: 'final' });

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export class CcxtSeriesRuntime {
  readonly errors = new SeriesErrors();
  private readonly client: CcxtClient;
  private readonly loop: PollLoop;
  private readonly backfilled = new Set<string>();

  constructor(
    readonly id: string,
    readonly cfg: CcxtSeriesConfig,
    clientCfg: CcxtClientConfig,
    health: SourceHealthState,
    private readonly sink: SeriesSink,
  ) {
    this.client = new CcxtClient(clientCfg, health, sink.realNow);
    if (!health.breaker) health.breaker = this.client.breaker;
    this.loop = new PollLoop(() => this.poll());
    this.loop.start();
  }

  get symbols(): string[] {
    return this.cfg.symbols;
  }

  stop(): void {
    this.loop.stop();
    this.client.close();
  }

  private store(symbol: string, series: string, points: SeriesPoint[]): void {
    if (this.loop.stopped || points.length === 0) return;
    this.sink.repo.upsert({ source: this.id, symbol, series }, points);
    this.sink.stored?.(this.id, symbol, series, points);
  }

  private async poll(): Promise<number> {
    const interval = this.cfg.intervalSeconds * 1000;
    let ex: Exchange;
    try {
      ex = await this.client.ready();
    } catch (e) {
      for (const s of this.cfg.symbols) for (const k of this.cfg.series) this.errors.set(s, k, (e as Error).message);
      return Math.min(interval, 5000);
    }
    for (const symbol of this.cfg.symbols) {
      for (const kind of this.cfg.series) {
        if (this.loop.stopped) return interval;
        try {
          await this.collect(ex, symbol, kind);
          this.errors.set(symbol, kind, null);
        } catch (e) {
          this.errors.set(symbol, kind, (e as Error).message);
        }
      }
    }
    return interval;
  }

  private async collect(ex: Exchange, symbol: string, kind: CcxtSeriesKind): Promise<void> {
    const now = this.sink.realNow();
    const key = `${symbol}|${kind}`;
    const first = !this.backfilled.has(key);
    if (kind === 'funding') {
      if (first && ex.has['fetchFundingRateHistory']) {
        const rows = await this.client.request(null, (x) => x.fetchFundingRateHistory(symbol, now - this.cfg.historyMs, 1000));
        this.store(symbol, 'funding', rows.map((r, i) => {
          const ts = num(r.timestamp);
          const v = num(r.fundingRate);
          if (ts === null || v === null) throw bad(`fetchFundingRateHistory ${symbol}: row ${i} has no numeric timestamp / fundingRate`);
          return [ts, v] as SeriesPoint;
        }));
      }
      this.backfilled.add(key);
      const r = await this.client.request(null, (x) => x.fetchFundingRate(symbol));
      const v = num(r.fundingRate);
      if (v === null) throw bad(`fetchFundingRate ${symbol}: fundingRate is not a number`);
      this.store(symbol, 'funding', [[num(r.timestamp) ?? now, v]]);
      return;
    }
    if (kind === 'open_interest') {
      if (first && ex.has['fetchOpenInterestHistory']) {
        const rows = await this.client.request(null, (x) => x.fetchOpenInterestHistory(symbol, '5m', now - Math.min(this.cfg.historyMs, 29 * 86_400_000), 500, { until: now }));
        this.store(symbol, 'open_interest', rows.map((r, i) => {
          const ts = num(r.timestamp);
          const v = num(r.openInterestAmount);
          if (ts === null || v === null) throw bad(`fetchOpenInterestHistory ${symbol}: row ${i} has no numeric timestamp / openInterestAmount`);
          return [ts, v] as SeriesPoint;
        }));
      }
      this.backfilled.add(key);
      const r = await this.client.request(null, (x) => x.fetchOpenInterest(symbol));
      const v = num(r.openInterestAmount);
      if (v === null) throw bad(`fetchOpenInterest ${symbol}: openInterestAmount is not a number`);
      this.store(symbol, 'open_interest', [[num(r.timestamp) ?? now, v]]);
      return;
    }
    const book = await this.client.request(null, (x) => x.fetchOrderBook(symbol, 100));
    const f = bookFigures(book.bids, book.asks);
    if ('why' in f) throw bad(`fetchOrderBook ${symbol}: ${f.why}`);
    const ts = num(book.timestamp) ?? now;
    for (const [name, v] of Object.entries(f.figures)) this.store(symbol, name, [[ts, v]]);
  }
}
