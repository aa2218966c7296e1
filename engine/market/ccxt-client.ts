/**
 * One ccxt exchange per source, behind a guard: ccxt's rate limiter on, request timeouts, adaptive
 * back-off on RateLimitExceeded / DDoSProtection honouring Retry-After, bounded retries, and the
 * source's circuit breaker. Every request is counted and timed into the source's health.
 * `baseUrl` replaces the scheme and host of every API URL of the exchange (testnets, proxies, the
 * fake exchange in tests).
 */
import type { Exchange } from 'ccxt';
import type { Ohlcv, Timeframe } from '../api/timeframes';
import type { CircuitBreaker } from './breaker';
import { ccxtExchangeIds, classify, CollectorFault, loadCcxt, parseRetryAfter, PERMANENT, THROTTLED } from './faults';
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
}

/** Rewrites every string URL in a (nested) ccxt `urls.api` object to the base URL's origin. */
export function rebase(api: unknown, baseUrl: string): unknown {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      try {
        const u = new URL(v);
        return `${base.protocol}//${base.host}${prefix}${u.pathname === '/' ? '' : u.pathname}${u.search}`;
      } catch {
        return v;
      }
    }
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = Array.isArray(v) ? ([] as unknown as Record<string, unknown>) : {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x);
      return o;
    }
    return v;
  };
  return walk(api);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export class CcxtClient {
  private ex: Promise<Exchange> | null = null;
  private markets: Promise<unknown> | null = null;
  private throttles = 0;
  stopped = false;

  constructor(
    readonly cfg: CcxtClientConfig,
    private readonly health: SourceHealthState,
    private readonly breaker: CircuitBreaker,
    private readonly realNow: () => number = Date.now,
  ) {}

  exchange(): Promise<Exchange> {
    return (this.ex ??= this.create());
  }

  private async create(): Promise<Exchange> {
    const ccxt = await loadCcxt();
    const Ctor = (ccxt as unknown as Record<string, new (c: object) => Exchange>)[this.cfg.exchange];
    if (typeof Ctor !== 'function' || !(await ccxtExchangeIds()).includes(this.cfg.exchange)) throw new CollectorFault('unknown', `ccxt has no exchange "${this.cfg.exchange}"`);
    const ex = new Ctor({
      apiKey: this.cfg.apiKey,
      secret: this.cfg.secret,
      password: this.cfg.password,
      timeout: this.cfg.timeoutMs,
      enableRateLimit: true,
      ...(this.cfg.rateLimitMs !== null ? { rateLimit: this.cfg.rateLimitMs } : {}),
      options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: false },
    });
    if (this.cfg.sandbox) ex.setSandboxMode(true);
    if (this.cfg.baseUrl) ex.urls['api'] = rebase(ex.urls['api'], this.cfg.baseUrl) as typeof ex.urls['api'];
    // Keep the Retry-After of each failed answer on the error it becomes (concurrency-safe:
    // the header travels with its own response, not through ccxt's last_response_headers).
    const orig = (ex as unknown as { handleRestResponse: (...a: unknown[]) => Promise<unknown> }).handleRestResponse.bind(ex);
    (ex as unknown as { handleRestResponse: (...a: unknown[]) => Promise<unknown> }).handleRestResponse = (response: unknown, ...rest: unknown[]) =>
      orig(response, ...rest).catch((e: unknown) => {
        const h = (response as { headers?: { get?: (k: string) => string | null } & Record<string, unknown> }).headers;
        const raw = typeof h?.get === 'function' ? h.get('retry-after') : (h?.['retry-after'] as string | undefined);
        const ms = parseRetryAfter(raw ?? null);
        if (ms !== null && e && typeof e === 'object') (e as { retryAfterMs?: number }).retryAfterMs = ms;
        throw e;
      });
    return ex;
  }

  /** Loads markets once (guarded); a failure is retried by the next caller. */
  async ready(): Promise<Exchange> {
    const ex = await this.exchange();
    if (!this.markets) {
      this.markets = this.request(null, () => ex.loadMarkets()).catch((e: unknown) => {
        this.markets = null;
        throw e;
      });
    }
    await this.markets;
    return ex;
  }

  /**
   * Runs one exchange request through back-off, breaker and retries. Throws a CollectorFault
   * once retries are exhausted, the circuit is open, or the failure is permanent.
   */
  async request<T>(feed: FeedState | null, fn: (ex: Exchange) => Promise<T>, validate?: (v: T) => string | null): Promise<T> {
    const ex = await this.exchange();
    let attempt = 0;
    for (;;) {
      if (this.stopped) throw new CollectorFault('unknown', 'source stopped');
      const hold = (this.health.backoffUntil ?? 0) - this.realNow();
      if (hold > 0) await sleep(Math.min(hold, 60_000));
      if (this.stopped) throw new CollectorFault('unknown', 'source stopped');
      const gate = this.breaker.acquire();
      if (!gate.ok) throw new CollectorFault('circuit_open', `circuit open; next probe in ${Math.ceil(gate.retryInMs)} ms`, gate.retryInMs);
      const t0 = this.realNow();
      this.health.recordRequest(t0, feed);
      let fault: CollectorFault;
      try {
        const v = await fn(ex);
        const bad = validate?.(v) ?? null;
        if (bad) throw new CollectorFault('bad_response', bad);
        if (this.stopped) return v;
        this.breaker.success();
        this.throttles = 0;
        this.health.success(this.realNow(), this.realNow() - t0, feed);
        return v;
      } catch (e) {
        fault = classify(e);
      }
      if (this.stopped) throw fault;
      const now = this.realNow();
      const permanent = PERMANENT.has(fault.kind);
      this.health.failure(fault.info(now), feed, permanent);
      if (permanent) {
        this.breaker.neutral();
        throw fault;
      }
      if (THROTTLED.has(fault.kind)) {
        this.breaker.neutral();
        this.throttles++;
        const wait = fault.retryAfterMs ?? Math.min(this.cfg.backoffMaxMs, this.cfg.backoffBaseMs * 2 ** (this.throttles - 1));
        this.health.backoffUntil = Math.max(this.health.backoffUntil ?? 0, now + wait);
      } else {
        this.breaker.failure(feed?.symbol ?? null);
      }
      if (attempt >= this.cfg.retries) throw fault;
      attempt++;
      if (!THROTTLED.has(fault.kind)) await sleep(this.cfg.retryBaseMs * 2 ** (attempt - 1));
    }
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
