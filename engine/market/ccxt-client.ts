/**
 * One source's view of its exchange through the gateway (engine/exchange): the shared ccxt
 * instance and endpoint (breaker, Retry-After hold), the one retrier, and every request counted
 * and timed into the source's health. `baseUrl` replaces the scheme and host of every API URL of
 * the exchange (testnets, proxies, the fake exchange in tests).
 */
import type { Ohlcv, Timeframe } from '../api/timeframes';
import { exchangeGateway, type BreakerConfig, type CallOptions, type CircuitBreaker, type Exchange, type ExchangeGateway, type ExchangeLink, type RequestObserver } from '../exchange';
import { PERMANENT } from './faults';
import type { FeedState, SourceHealthState } from './health';

export interface CcxtClientConfig {
  exchange: string;
  baseUrl: string | null;
  sandbox: boolean;
  apiKey?: string;
  secret?: string;
  password?: string;
  timeoutMs: number;
  rateLimitMs: number | null;
  /** Retries of one request on transient failures (not counting the first try). */
  retries: number;
  retryBaseMs: number;
  /** Back-off on a rate limit without Retry-After, doubling per consecutive one, capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  breaker: BreakerConfig;
}

export class CcxtClient {
  private readonly link: ExchangeLink;

  constructor(
    readonly cfg: CcxtClientConfig,
    private readonly health: SourceHealthState,
    private readonly realNow: () => number = Date.now,
    gateway: ExchangeGateway = exchangeGateway,
  ) {
    this.link = gateway.open(
      {
        exchange: cfg.exchange,
        apiKey: cfg.apiKey,
        secret: cfg.secret,
        password: cfg.password,
        baseUrl: cfg.baseUrl,
        sandbox: cfg.sandbox,
        timeoutMs: cfg.timeoutMs,
        rateLimitMs: cfg.rateLimitMs,
        enableRateLimit: true,
      },
      {
        breaker: cfg.breaker,
        policy: { retries: cfg.retries, retryBaseMs: cfg.retryBaseMs, backoffBaseMs: cfg.backoffBaseMs, backoffMaxMs: cfg.backoffMaxMs },
        now: realNow,
      },
    );
  }

  /** The endpoint's circuit breaker (shared with every source and account on the same endpoint). */
  get breaker(): CircuitBreaker {
    return this.link.breaker;
  }

  get stopped(): boolean {
    return this.link.stopped;
  }

  /** Stops this source's requests and lets go of the shared instance. */
  close(): void {
    this.link.close();
  }

  exchange(): Promise<Exchange> {
    return this.link.exchange();
  }

  /** Loads markets once (guarded); a failure is retried by the next caller. */
  ready(): Promise<Exchange> {
    return this.link.ready({ observer: this.observer(null) });
  }

  private observer(feed: FeedState | null): RequestObserver {
    const h = this.health;
    return {
      request: (at) => h.recordRequest(at, feed),
      success: (at, ms) => h.success(at, ms, feed),
      failure: (f, at) => h.failure(f.info(at), feed, PERMANENT.has(f.kind)),
      throttled: (until) => (h.backoffUntil = Math.max(h.backoffUntil ?? 0, until)),
    };
  }

  /**
   * Runs one exchange request through back-off, breaker and retries. Throws a CollectorFault
   * once retries are exhausted, the circuit is open, or the failure is final.
   */
  request<T>(feed: FeedState | null, fn: (ex: Exchange) => Promise<T>, validate?: (v: T) => string | null): Promise<T> {
    const o: CallOptions<T> = { scope: feed?.symbol ?? null, validate, observer: this.observer(feed) };
    return this.link.call(fn, o);
  }

  /** OHLCV rows, validated: finite numbers, aligned ascending open times. */
  fetchOhlcv(feed: FeedState | null, symbol: string, tf: Timeframe, since: number | undefined, limit: number, until?: number): Promise<Ohlcv[]> {
    return this.request(
      feed,
      async (ex) => {
        const params: Record<string, unknown> = until !== undefined ? { until } : {};
        const rows = (await ex.fetchOHLCV(symbol, tf, since, limit, params)) as unknown as unknown[];
        return rows as Ohlcv[];
      },
      (rows) => validateOhlcv(rows),
    ).then((rows) => rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5]] as Ohlcv));
  }
}

export function validateOhlcv(rows: unknown): string | null {
  if (!Array.isArray(rows)) return 'OHLCV answer is not a list';
  let prev = -Infinity;
  for (const r of rows) {
    if (!Array.isArray(r) || r.length < 6) return 'OHLCV row is not [ts, o, h, l, c, v]';
    for (let i = 0; i < 6; i++) if (typeof r[i] !== 'number' || !Number.isFinite(r[i])) return `OHLCV row has a non-numeric field ${i}`;
    if ((r[0] as number) <= prev) return 'OHLCV rows are not strictly ascending';
    prev = r[0] as number;
  }
  return null;
}
