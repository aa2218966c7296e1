/**
 * Collector health: per source and per (symbol, timeframe) — status, last success, last error
 * (classified), latency, requests in the last 24 h, freshness of the newest bar, close-to-event
 * delay. `evaluate()` recomputes statuses and reports each change once.
 */
import { TIMEFRAME_MS, type Timeframe } from '../api/timeframes';
import type { CollectorError, FeedHealth, FeedStatus, Freshness, SourceHealth, SourceKind } from '../api/commands/market';
import type { CircuitBreaker } from '../exchange';

/**
 * Requests per minute over the last 24 h (a ring of 1,440 minute buckets). Buckets touched since
 * the last `drain()` are reported there, so the counts can be stored and survive a restart.
 */
export class RollingCounter {
  private readonly buckets = new Uint32Array(1440);
  private readonly stamps = new Float64Array(1440).fill(-Infinity);
  private readonly dirty = new Set<number>();
  add(now: number, n = 1): void {
    this.addMinute(Math.floor(now / 60_000), n);
  }
  /** Adds `n` requests to a minute (absolute minute number, ms / 60,000). */
  addMinute(m: number, n: number): void {
    const i = m % 1440;
    if (this.stamps[i] !== m) {
      if (this.stamps[i]! > m) return; // older than what the slot holds: outside the window
      this.stamps[i] = m;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += n;
    this.dirty.add(m);
  }
  total(now: number): number {
    const m = Math.floor(now / 60_000);
    let n = 0;
    for (let i = 0; i < 1440; i++) if (m - this.stamps[i]! < 1440 && this.stamps[i]! <= m) n += this.buckets[i]!;
    return n;
  }
  /** Minutes changed since the last drain, with their counts. */
  drain(): Array<{ minute: number; n: number }> {
    const out: Array<{ minute: number; n: number }> = [];
    for (const m of this.dirty) {
      const i = m % 1440;
      if (this.stamps[i] === m) out.push({ minute: m, n: this.buckets[i]! });
    }
    this.dirty.clear();
    return out;
  }
}

/** Stored request counts, as loaded: '' for the source, "SYMBOL|tf" for a feed. */
export interface StoredRequests {
  feed: string;
  minute: number;
  n: number;
}

export function freshnessOf(newestBarTs: number | null, tf: Timeframe, now: number): Freshness {
  if (newestBarTs === null) return 'none';
  const step = TIMEFRAME_MS[tf];
  const lastClosed = Math.floor(now / step) * step - step;
  const behind = Math.round((lastClosed - newestBarTs) / step);
  if (behind <= 0) return 'fresh';
  // Just after a close the newest bar is being fetched: one bar behind counts as fresh for a grace.
  if (behind === 1 && now - (lastClosed + step) < Math.min(step * 0.1, 60_000)) return 'fresh';
  if (behind <= 3) return 'aging';
  return 'stale';
}

/** After this many consecutive failures a feed (or a source whose breaker is lenient) is failed. */
export const FAILED_AFTER = 3;
/** An error makes a feed degraded for this long (real ms) after it happened. */
export const DEGRADED_FOR_MS = 30_000;

export class FeedState {
  lastSuccessAt: number | null = null;
  lastError: CollectorError | null = null;
  consecutiveFailures = 0;
  latencyMs: number | null = null;
  readonly requests = new RollingCounter();
  newestBarTs: number | null = null;
  closeToEventMs: number | null = null;
  status: FeedStatus | null = null;
  /** Symbol-level permanent failure (unknown symbol on the exchange). */
  permanent = false;
  /** After a failure: when this feed is tried again (real ms). */
  retryAt: number | null = null;
  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
  ) {}
}

export class SourceHealthState {
  lastSuccessAt: number | null = null;
  lastError: CollectorError | null = null;
  consecutiveFailures = 0;
  latencyMs: number | null = null;
  readonly requests = new RollingCounter();
  backoffUntil: number | null = null;
  /** A failure that stops the whole source (unknown exchange, markets never loaded). */
  fatal: CollectorError | null = null;
  status: FeedStatus | null = null;
  readonly feeds = new Map<string, FeedState>();
  private readonly delays: number[] = [];
  /**
   * The clock freshness is judged by, when it is not the collector's: a replay's playback
   * position (its bars are history, so the wall clock would call every one of them stale).
   */
  clock: (() => number) | null = null;
  /** Stored request counts of feeds not created yet (applied when they are). */
  private readonly pendingRequests = new Map<string, StoredRequests[]>();

  constructor(
    readonly source: string,
    readonly kind: SourceKind,
    public breaker: CircuitBreaker | null,
    public enabled: boolean,
    stored: readonly StoredRequests[] = [],
  ) {
    for (const r of stored) {
      if (r.feed === '') this.requests.addMinute(r.minute, r.n);
      else {
        const list = this.pendingRequests.get(r.feed) ?? [];
        list.push(r);
        this.pendingRequests.set(r.feed, list);
      }
    }
    this.requests.drain();
  }

  feed(symbol: string, tf: Timeframe): FeedState {
    const k = `${symbol}|${tf}`;
    let f = this.feeds.get(k);
    if (!f) {
      this.feeds.set(k, (f = new FeedState(symbol, tf)));
      const stored = this.pendingRequests.get(k);
      if (stored) {
        for (const r of stored) f.requests.addMinute(r.minute, r.n);
        f.requests.drain();
        this.pendingRequests.delete(k);
      }
    }
    return f;
  }

  /** Request counts changed since the last call, to be stored. */
  drainRequests(): StoredRequests[] {
    const out: StoredRequests[] = this.requests.drain().map((b) => ({ feed: '', ...b }));
    for (const [k, f] of this.feeds) for (const b of f.requests.drain()) out.push({ feed: k, ...b });
    return out;
  }

  recordRequest(now: number, feed: FeedState | null): void {
    this.requests.add(now);
    feed?.requests.add(now);
  }

  success(now: number, latency: number, feed: FeedState | null): void {
    this.lastSuccessAt = now;
    this.consecutiveFailures = 0;
    this.latencyMs = this.latencyMs === null ? latency : Math.round(this.latencyMs * 0.8 + latency * 0.2);
    if (feed) {
      feed.lastSuccessAt = now;
      feed.consecutiveFailures = 0;
      feed.latencyMs = latency;
      feed.permanent = false;
      feed.retryAt = null;
    }
  }

  failure(err: CollectorError, feed: FeedState | null, permanent: boolean): void {
    this.lastError = err;
    // The source's own streak counts source-wide requests (markets, tickers); a symbol's
    // failures are its feed's (all feeds failing makes the source failed).
    if (!permanent && !feed) this.consecutiveFailures++;
    if (feed) {
      feed.lastError = err;
      feed.consecutiveFailures++;
      if (permanent) feed.permanent = true;
    }
  }

  closed(delayMs: number, feed: FeedState, ts: number): void {
    feed.closeToEventMs = delayMs;
    if (feed.newestBarTs === null || ts > feed.newestBarTs) feed.newestBarTs = ts;
    this.delays.push(delayMs);
    if (this.delays.length > 2000) this.delays.splice(0, this.delays.length - 2000);
  }

  delayStats(): SourceHealth['closeToEvent'] {
    if (this.delays.length === 0) return null;
    const s = [...this.delays].sort((a, b) => a - b);
    const p = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
    return { n: s.length, p50: Math.round(p(0.5)), p99: Math.round(p(0.99)) };
  }

  private feedStatus(f: FeedState, realNow: number): FeedStatus {
    if (!this.enabled) return 'disabled';
    if (this.breaker && this.breaker.state !== 'closed') return 'circuit_open';
    if (this.fatal || f.permanent || f.consecutiveFailures >= FAILED_AFTER) return 'failed';
    if (f.consecutiveFailures > 0 || (f.lastError && realNow - f.lastError.at < DEGRADED_FOR_MS && (f.lastSuccessAt ?? 0) < f.lastError.at)) return 'degraded';
    if (this.backoffUntil !== null && this.backoffUntil > realNow) return 'degraded';
    if (this.answersRemotely() && f.lastSuccessAt === null && f.lastError === null) return 'connecting';
    return 'healthy';
  }

  /** An exchange source's data comes over the network: until it answers it is `connecting`. */
  private answersRemotely(): boolean {
    return this.kind === 'ccxt' || this.kind === 'http_json';
  }

  private sourceStatus(realNow: number, feedStatuses: FeedStatus[]): FeedStatus {
    if (!this.enabled) return 'disabled';
    if (this.breaker && this.breaker.state !== 'closed') return 'circuit_open';
    if (this.fatal || this.consecutiveFailures >= FAILED_AFTER) return 'failed';
    if (feedStatuses.length > 0 && feedStatuses.every((s) => s === 'failed')) return 'failed';
    if (this.consecutiveFailures > 0 || (this.backoffUntil !== null && this.backoffUntil > realNow)) return 'degraded';
    if (this.lastError && realNow - this.lastError.at < DEGRADED_FOR_MS && (this.lastSuccessAt ?? 0) < this.lastError.at) return 'degraded';
    if (this.answersRemotely() && this.lastSuccessAt === null && this.lastError === null) return 'connecting';
    if (feedStatuses.some((s) => s !== 'healthy' && s !== 'connecting')) return 'degraded';
    if (feedStatuses.length > 0 && feedStatuses.every((s) => s === 'connecting')) return 'connecting';
    return 'healthy';
  }

  /** Recomputes statuses; calls `changed` for each status that moved. */
  evaluate(realNow: number, changed: (symbol: string | null, tf: Timeframe | null, status: FeedStatus, previous: FeedStatus | null, err: CollectorError | null) => void): void {
    const statuses: FeedStatus[] = [];
    for (const f of this.feeds.values()) {
      const s = this.feedStatus(f, realNow);
      statuses.push(s);
      if (s !== f.status) {
        const prev = f.status;
        f.status = s;
        changed(f.symbol, f.timeframe, s, prev, s === 'healthy' ? null : f.lastError);
      }
    }
    const s = this.sourceStatus(realNow, statuses);
    if (s !== this.status) {
      const prev = this.status;
      this.status = s;
      changed(null, null, s, prev, s === 'healthy' ? null : (this.fatal ?? this.lastError));
    }
  }

  /** When a feed that is not healthy is tried again (real ms), if known. */
  private retryAtOf(f: FeedState | null, status: FeedStatus, realNow: number): number | null {
    if (status === 'healthy' || status === 'disabled' || status === 'connecting') return null;
    if (f?.permanent || this.fatal) return null;
    const probe = this.breaker?.state === 'open' ? realNow + this.breaker.retryInMs() : null;
    const t = Math.max(f?.retryAt ?? 0, this.backoffUntil ?? 0, probe ?? 0);
    return t > realNow ? t : null;
  }

  snapshot(realNow: number, collectorNow: number): SourceHealth {
    const clockNow = this.clock?.() ?? collectorNow;
    const feeds: FeedHealth[] = [...this.feeds.values()].map((f) => ({
      symbol: f.symbol,
      timeframe: f.timeframe,
      status: f.status ?? this.feedStatus(f, realNow),
      lastSuccessAt: f.lastSuccessAt,
      lastError: f.lastError,
      consecutiveFailures: f.consecutiveFailures,
      latencyMs: f.latencyMs,
      requests24h: f.requests.total(realNow),
      newestBarTs: f.newestBarTs,
      freshness: freshnessOf(f.newestBarTs, f.timeframe, clockNow),
      closeToEventMs: f.closeToEventMs,
      retryAt: null as number | null,
    }));
    for (const [i, f] of [...this.feeds.values()].entries()) feeds[i]!.retryAt = this.retryAtOf(f, feeds[i]!.status, realNow);
    const status = this.status ?? this.sourceStatus(realNow, feeds.map((f) => f.status));
    return {
      source: this.source,
      kind: this.kind,
      status,
      circuit: this.breaker?.state ?? 'closed',
      consecutiveFailures: this.consecutiveFailures,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.fatal ?? this.lastError,
      latencyMs: this.latencyMs,
      requests24h: this.requests.total(realNow),
      backoffUntil: this.backoffUntil !== null && this.backoffUntil > realNow ? this.backoffUntil : null,
      retryAt: this.retryAtOf(null, status, realNow),
      closeToEvent: this.delayStats(),
      feeds,
    };
  }
}
