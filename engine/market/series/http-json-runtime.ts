/**
 * An http_json source: polls one URL every `intervalSeconds`, reads `valuePath` / `timePath`
 * (extract.ts) and stores the points as the series `value`. Every request goes through the
 * gateway's machinery for plain HTTP endpoints (engine/exchange: one breaker and Retry-After hold
 * per origin, shared by every source on it, and the one retrier), with a timeout per request and
 * a doubling back-off after failures. A malformed answer (bad JSON, a bad path, a value that is
 * not a number) is that source's error, naming the path; nothing of it is stored.
 */
import { exchangeGateway, ExchangeFault, parseRetryAfter, type EndpointLink, type ExchangeGateway } from '../../exchange';
import type { SourceHealthState } from '../health';
import { extractPoints } from './extract';
import { PathError } from './json-path';
import { PollLoop, SeriesErrors, type SeriesSink } from './series-store';

export interface HttpJsonConfig {
  url: string;
  headers?: Record<string, string> | null;
  intervalSeconds: number;
  valuePath: string;
  timePath?: string | null;
  label: string;
  unit?: string | null;
  costPerMonth?: number | null;
  timeoutMs?: number;
}

export interface HttpJsonTuning {
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  breaker: { failures: number; openMs: number };
}

/** The most an answer may weigh; a larger one is refused (it would sit in memory whole). */
const MAX_BODY = 5 * 1024 * 1024;

const final = (msg: string): ExchangeFault => new ExchangeFault('bad_response', msg, null, { code: 'EXCHANGE_ERROR_UNKNOWN', policy: 'final' });

export class HttpJsonRuntime {
  readonly symbols: string[] = [];
  readonly errors = new SeriesErrors();
  private readonly link: EndpointLink;
  private readonly loop: PollLoop;
  private failures = 0;

  constructor(
    readonly id: string,
    readonly cfg: HttpJsonConfig,
    private readonly apiKey: string | null,
    private readonly health: SourceHealthState,
    private readonly sink: SeriesSink,
    private readonly tuning: HttpJsonTuning,
    gateway: ExchangeGateway = exchangeGateway,
  ) {
    this.link = gateway.openEndpoint(new URL(cfg.url).origin, {
      breaker: tuning.breaker,
      policy: { retries: tuning.retries, retryBaseMs: tuning.retryBaseMs, backoffBaseMs: tuning.backoffBaseMs, backoffMaxMs: tuning.backoffMaxMs },
      now: sink.realNow,
    });
    health.breaker = this.link.breaker;
    this.loop = new PollLoop(() => this.poll());
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
    this.link.close();
  }

  /** The request as sent: `{apiKey}` replaced in the url and headers, else a Bearer header. */
  private request(): { url: string; headers: Record<string, string> } {
    const key = this.apiKey;
    const headers: Record<string, string> = { accept: 'application/json' };
    let named = false;
    for (const [k, v] of Object.entries(this.cfg.headers ?? {})) {
      if (key && v.includes('{apiKey}')) named = true;
      headers[k] = key ? v.split('{apiKey}').join(key) : v;
    }
    let url = this.cfg.url;
    if (key && url.includes('{apiKey}')) {
      named = true;
      url = url.split('{apiKey}').join(encodeURIComponent(key));
    }
    if (key && !named) headers['authorization'] = `Bearer ${key}`;
    return { url, headers };
  }

  /** One fetch with its own timeout; an HTTP failure becomes a classified fault. */
  private async fetchOnce(): Promise<unknown> {
    const { url, headers } = this.request();
    const timeout = this.cfg.timeoutMs ?? this.tuning.timeoutMs;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeout);
    try {
      let res: Response;
      try {
        res = await fetch(url, { headers, signal: ac.signal, redirect: 'follow' });
      } catch (e) {
        if (ac.signal.aborted) throw new ExchangeFault('timeout', `no answer within ${timeout} ms`);
        throw new ExchangeFault('network', `cannot reach ${new URL(this.cfg.url).host}: ${(e as Error).message}`);
      }
      const text = await res.text();
      if (res.status === 429 || res.status === 418) {
        throw new ExchangeFault('rate_limit', `rate limited (HTTP ${res.status})`, parseRetryAfter(res.headers.get('retry-after')));
      }
      if (res.status === 401 || res.status === 403) throw new ExchangeFault('auth', `refused (HTTP ${res.status}): check the API key`);
      if (res.status >= 500) throw new ExchangeFault('exchange_unavailable', `the server failed (HTTP ${res.status})`);
      if (res.status >= 400) throw final(`the server refused the request (HTTP ${res.status})`);
      if (text.length > MAX_BODY) throw final(`the answer is larger than ${MAX_BODY} bytes`);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw final('the answer is not JSON');
      }
    } catch (e) {
      if (ac.signal.aborted && !(e instanceof ExchangeFault)) throw new ExchangeFault('timeout', `no answer within ${timeout} ms`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One poll; returns the delay to the next one. */
  private async poll(): Promise<number> {
    const interval = this.cfg.intervalSeconds * 1000;
    const h = this.health;
    try {
      const doc = await this.link.call(() => this.fetchOnce(), {
        observer: {
          request: (at) => h.recordRequest(at, null),
          success: (at, ms) => h.success(at, ms, null),
          failure: (f, at) => h.failure(f.info(at), null, false),
          throttled: (until) => (h.backoffUntil = Math.max(h.backoffUntil ?? 0, until)),
        },
      });
      let points;
      try {
        points = extractPoints(doc, { valuePath: this.cfg.valuePath, timePath: this.cfg.timePath }, this.sink.realNow());
      } catch (e) {
        const msg = e instanceof PathError ? e.message : `cannot read the answer: ${(e as Error).message}`;
        // The request succeeded, the answer is unusable: the source's error, nothing stored.
        h.failure({ kind: 'bad_response', message: msg, at: this.sink.realNow() }, null, false);
        this.errors.set('', 'value', msg);
        return this.backoff(interval);
      }
      if (this.loop.stopped) return interval;
      this.sink.repo.upsert({ source: this.id, symbol: '', series: 'value' }, points);
      this.sink.stored?.(this.id, '', 'value', points);
      this.errors.set('', 'value', null);
      this.failures = 0;
      return interval;
    } catch (e) {
      const f = e instanceof ExchangeFault ? e : new ExchangeFault('unknown', (e as Error).message);
      this.errors.set('', 'value', f.message);
      if (f.kind === 'circuit_open' && f.retryAfterMs !== null) return Math.max(f.retryAfterMs, 50);
      const hold = (h.backoffUntil ?? 0) - this.sink.realNow();
      return Math.max(hold, this.backoff(interval));
    }
  }

  /**
   * After a failure: a doubling back-off (base × 2^(n−1), capped). A source polled more often than
   * the cap waits at least its interval and backs off beyond it; one polled rarely (hourly) is
   * retried after the back-off, sooner than its interval.
   */
  private backoff(interval: number): number {
    this.failures++;
    const b = Math.max(50, Math.min(this.tuning.backoffMaxMs, this.tuning.backoffBaseMs * 2 ** (this.failures - 1)));
    return interval <= this.tuning.backoffMaxMs ? Math.max(interval, b) : b;
  }
}
