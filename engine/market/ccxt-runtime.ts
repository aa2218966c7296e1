/**
 * A running ccxt source: loads markets, resolves its symbols (explicit list or discovery),
 * and polls the newest candles of every (symbol, timeframe) so each closed bar is stored and
 * published as `candle.closed` exactly once, promptly after its close. A key is polled only when
 * a new closed bar is due (its close has passed), and every key polls independently, so one
 * failing symbol never stalls the others. Revised bars overwrite the stored bar without a second
 * event; bars the exchange skipped are recorded as known gaps.
 */
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import type { CandleEvent, DiscoveryConfig, DiscoveryResult } from '../api/commands/market';
import type { CandlesRepo } from '../../db/repos/candles';
import type { GapsRepo } from '../../db/repos/gaps';
import type { CircuitBreaker } from '../exchange';
import { CcxtClient, type CcxtClientConfig } from './ccxt-client';
import { classify, CollectorFault } from './faults';
import type { FeedState, SourceHealthState } from './health';
import { discover } from './discovery';
import type { OhlcvFetcher } from './backfill';

export interface CcxtSourceConfig {
  exchange: string;
  label?: string;
  symbols?: string[] | null;
  discovery?: DiscoveryConfig | null;
  timeframes: Timeframe[];
  sandbox?: boolean;
  baseUrl?: string | null;
  timeoutMs?: number;
  pollMs?: number;
  rateLimitMs?: number | null;
  breaker?: { failures?: number; openMs?: number };
  /** Series collected besides candles (engine/market/series/ccxt-series-runtime.ts). */
  series?: Array<'funding' | 'open_interest' | 'book'>;
  intervalSeconds?: number;
  costPerMonth?: number;
}

/** Bars a live poll catches up by itself; a longer hole becomes a back-fill job. */
export const LIVE_CATCHUP = 100;

export interface RuntimeDeps {
  requestBackfill?: (symbol: string, tf: Timeframe, since: number, until: number) => void;
  candles: CandlesRepo;
  gaps: GapsRepo;
  now: () => number;
  realNow: () => number;
  /** Divides clock ms into real ms (the fake exchange may run its clock fast). */
  timeScale: number;
  publish: (topic: 'candle.closed' | 'candle.updated', e: CandleEvent) => void;
  onDiscovered: (r: DiscoveryResult) => void;
  retries: number;
  retryBaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

interface Key {
  symbol: string;
  tf: Timeframe;
  feed: FeedState;
  /** Open time of the newest closed bar stored (or emitted). */
  lastClosed: number | null;
  inFlight: boolean;
  nextTryAt: number;
  failures: number;
  forming: Ohlcv | null;
}

export class CcxtRuntime implements OhlcvFetcher {
  readonly client: CcxtClient;
  readonly breaker: CircuitBreaker;
  readonly pageLimit = 1000;
  symbols: string[] = [];
  /** Every market the exchange lists (once loaded). */
  marketSymbols: Set<string> | null = null;
  private readonly keys = new Map<string, Key>();
  private timer: NodeJS.Timeout | null = null;
  private discoveryTimer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  active = false;
  private stopped = false;
  readonly ready: Promise<void>;

  constructor(
    readonly id: string,
    readonly cfg: CcxtSourceConfig,
    keys: { apiKey?: string; secret?: string; password?: string },
    readonly health: SourceHealthState,
    private readonly d: RuntimeDeps,
    defaults: { timeoutMs: number; pollMs: number; breaker: { failures: number; openMs: number } },
  ) {
    const clientCfg: CcxtClientConfig = {
      exchange: cfg.exchange,
      baseUrl: cfg.baseUrl ?? null,
      sandbox: cfg.sandbox ?? false,
      ...keys,
      timeoutMs: cfg.timeoutMs ?? defaults.timeoutMs,
      rateLimitMs: cfg.rateLimitMs ?? null,
      retries: d.retries,
      retryBaseMs: d.retryBaseMs,
      backoffBaseMs: d.backoffBaseMs,
      backoffMaxMs: d.backoffMaxMs,
      breaker: { failures: cfg.breaker?.failures ?? defaults.breaker.failures, openMs: cfg.breaker?.openMs ?? defaults.breaker.openMs },
    };
    this.client = new CcxtClient(clientCfg, health, d.realNow);
    this.breaker = this.client.breaker;
    health.breaker = this.breaker;
    this.breaker.minScopes = () => Math.min(2, Math.max(1, this.symbols.length));
    this.pollMs = cfg.pollMs ?? defaults.pollMs;
    this.ready = this.start();
  }
  private readonly pollMs: number;

  feed(symbol: string, tf: Timeframe): FeedState {
    return this.health.feed(symbol, tf);
  }

  fetch(feed: FeedState | null, symbol: string, tf: Timeframe, since: number, limit: number, until: number): Promise<Ohlcv[]> {
    const closedBefore = Math.floor(this.d.now() / TIMEFRAME_MS[tf]) * TIMEFRAME_MS[tf];
    return this.client.ready().then(() =>
      this.client.fetchOhlcv(feed, symbol, tf, since, limit, Math.min(until, closedBefore) - 1).then((rows) => rows.filter((r) => r[0] < closedBefore)),
    );
  }

  /** Loads markets until it works (breaker and back-off apply), then starts polling. */
  private async start(): Promise<void> {
    this.startedAt = this.d.now();
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.client.ready();
        this.health.fatal = null;
        break;
      } catch (e) {
        const f = classify(e);
        if (f.kind === 'not_supported') {
          this.health.fatal = f.info(this.d.realNow());
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(30_000, f.retryAfterMs ?? 500 * 2 ** Math.min(attempt, 6))));
      }
    }
    if (this.stopped) return;
    await this.resolveSymbols();
    if (this.stopped) return;
    this.active = true;
    this.timer = setInterval(() => this.tick(), this.pollMs);
    this.tick();
    const d = this.cfg.discovery;
    if (d && !this.cfg.symbols?.length) {
      this.discoveryTimer = setInterval(
        () => void this.resolveSymbols().catch((e: unknown) => console.error(`[collector] ${this.id} discovery refresh failed:`, (e as Error).message)),
        ((d.refreshMinutes ?? 60) * 60_000) / this.d.timeScale,
      );
    }
  }

  /** Explicit symbols, or the discovery picks; unknown symbols are marked failed (bad_symbol). */
  async resolveSymbols(): Promise<void> {
    const ex = await this.client.exchange();
    if (ex.markets) this.marketSymbols = new Set(Object.keys(ex.markets));
    let symbols = this.cfg.symbols ?? [];
    if (!symbols.length && this.cfg.discovery) {
      try {
        const tickers = await this.client.request(null, (x) => x.fetchTickers());
        const markets = Object.values(ex.markets ?? {}).map((m) => ({ symbol: m.symbol, quote: m.quote, spot: m.spot === true, active: m.active !== false }));
        const r = discover(
          this.cfg.discovery,
          markets,
          Object.values(tickers).map((t) => ({ symbol: String(t.symbol), quoteVolume: typeof t.quoteVolume === 'number' ? t.quoteVolume : null })),
          this.d.realNow(),
        );
        symbols = r.picked.map((p) => p.symbol);
        this.d.onDiscovered(r);
      } catch (e) {
        const f = classify(e);
        this.d.onDiscovered({ refreshedAt: this.d.realNow(), picked: this.symbols.map((s) => ({ symbol: s, rank: null, quoteVolume: null, reason: 'kept from the last refresh' })), rejected: [], error: `${f.kind}: ${f.message}` });
        symbols = this.symbols;
      }
    }
    this.symbols = [...new Set(symbols)];
    const wanted = new Set<string>();
    for (const symbol of this.symbols) {
      for (const tf of this.cfg.timeframes) {
        const k = `${symbol}|${tf}`;
        wanted.add(k);
        if (this.keys.has(k)) continue;
        const feed = this.health.feed(symbol, tf);
        const last = this.d.candles.latest({ source: this.id, symbol, timeframe: tf });
        feed.newestBarTs = last ? last[0] : null;
        this.keys.set(k, { symbol, tf, feed, lastClosed: last ? last[0] : null, inFlight: false, nextTryAt: 0, failures: 0, forming: null });
        if (ex.markets && !ex.markets[symbol]) {
          this.health.failure(new CollectorFault('bad_symbol', `${this.cfg.exchange} has no market ${symbol}`).info(this.d.realNow()), feed, true);
        }
      }
    }
    for (const k of [...this.keys.keys()]) {
      if (!wanted.has(k)) {
        this.keys.delete(k);
        this.health.feeds.delete(k);
      }
    }
  }

  formingBar(symbol: string, tf: Timeframe): Ohlcv | null {
    return this.keys.get(`${symbol}|${tf}`)?.forming ?? null;
  }

  /** Polls each key whose next closed bar is due. */
  tick(): void {
    if (this.stopped || !this.active) return;
    const now = this.d.now();
    const real = this.d.realNow();
    for (const k of this.keys.values()) {
      if (k.inFlight || k.feed.permanent || real < k.nextTryAt) continue;
      const step = TIMEFRAME_MS[k.tf];
      const dueClosed = Math.floor(now / step) * step - step;
      if (k.lastClosed !== null && k.lastClosed >= dueClosed) continue;
      k.inFlight = true;
      void this.poll(k, now).finally(() => (k.inFlight = false));
    }
  }

  /** One poll; whatever goes wrong inside (storage included) is the feed's failure, never thrown. */
  private async poll(k: Key, now: number): Promise<void> {
    try {
      await this.pollOnce(k, now);
    } catch (e) {
      if (this.stopped) return;
      const f = classify(e);
      console.error(`[collector] ${this.id} ${k.symbol} ${k.tf}: ${f.message}`);
      this.health.failure(f.info(this.d.realNow()), k.feed, false);
      k.failures++;
      k.nextTryAt = this.d.realNow() + Math.min(30_000, 100 * 2 ** Math.min(k.failures, 8));
      k.feed.retryAt = k.nextTryAt;
    }
  }

  private async pollOnce(k: Key, now: number): Promise<void> {
    const step = TIMEFRAME_MS[k.tf];
    const dueClosed = Math.floor(now / step) * step - step;
    // A few bars behind (short outage): fetch from the last stored bar. Far behind (a restart
    // after days): take the newest bars and hand the hole to a back-fill job.
    const behind = k.lastClosed === null ? 3 : Math.round((dueClosed - k.lastClosed) / step);
    if (k.lastClosed !== null && behind > LIVE_CATCHUP) {
      this.d.requestBackfill?.(k.symbol, k.tf, k.lastClosed + step, dueClosed);
      k.lastClosed = null; // the next poll only takes the newest bars
      return this.pollOnce(k, now);
    }
    const since = k.lastClosed !== null && behind > 2 ? k.lastClosed : undefined;
    const limit = since !== undefined ? Math.min(this.pageLimit, behind + 2) : 3;
    let rows: Ohlcv[];
    // What the exchange calls closed is judged at the time of asking: a bar that was forming when
    // the request left may come back with partial values even if it has closed by the answer.
    const asOf = this.d.now();
    try {
      rows = await this.client.fetchOhlcv(k.feed, k.symbol, k.tf, since, limit);
      k.failures = 0;
    } catch (e) {
      if (this.stopped) return;
      const f = classify(e);
      k.failures++;
      // Keys retry on their own schedule; the breaker and back-off guard the source.
      k.nextTryAt = this.d.realNow() + Math.min(30_000, f.retryAfterMs ?? 100 * 2 ** Math.min(k.failures, 8));
      if (!k.feed.permanent) k.feed.retryAt = k.nextTryAt;
      return;
    }
    if (this.stopped) return;
    this.absorb(k, rows, asOf);
  }

  /** Stores new and revised closed bars, emits each new closed bar once, records skipped bars. */
  absorb(k: Key, rows: Ohlcv[], asOf = this.d.now()): void {
    const now = asOf;
    const step = TIMEFRAME_MS[k.tf];
    const key = { source: this.id, symbol: k.symbol, timeframe: k.tf };
    const closed = rows.filter((r) => r[0] + step <= now && r[0] % step === 0);
    const forming = rows.length && rows[rows.length - 1]![0] + step > now ? rows[rows.length - 1]! : null;
    const fresh: Ohlcv[] = [];
    const revised: Ohlcv[] = [];
    for (const r of closed) {
      if (k.lastClosed === null || r[0] > k.lastClosed) fresh.push(r);
      else revised.push(r);
    }
    // Bars skipped inside a window the exchange answered contiguously are missing there for good.
    if (k.lastClosed !== null && closed.length && closed[0]![0] <= k.lastClosed) {
      let prev = k.lastClosed;
      for (const r of fresh) {
        if (r[0] - prev > step) this.d.gaps.recordKnown(key, prev + step, r[0], 'the exchange skipped these bars in a live window', this.d.realNow());
        prev = r[0];
      }
    }
    const write = [...revised, ...fresh];
    if (write.length) this.d.candles.upsertMany(key, write);
    for (const r of fresh) {
      k.lastClosed = r[0];
      const delay = (this.d.now() - (r[0] + step)) / this.d.timeScale;
      // Bars that closed before this source started are history, not live closes.
      if (r[0] + step > this.startedAt) {
        this.health.closed(Math.max(0, delay), k.feed, r[0]);
        this.d.publish('candle.closed', { source: this.id, symbol: k.symbol, timeframe: k.tf, candle: r });
      } else if (k.feed.newestBarTs === null || r[0] > k.feed.newestBarTs) k.feed.newestBarTs = r[0];
    }
    if (forming) {
      k.forming = forming;
      this.d.publish('candle.updated', { source: this.id, symbol: k.symbol, timeframe: k.tf, candle: forming });
    }
  }

  /** A back-fill stored bars up to `newest` (freshness counts them; live polling goes on as is). */
  noteStored(symbol: string, tf: Timeframe, newest: number): void {
    const k = this.keys.get(`${symbol}|${tf}`);
    if (!k) return;
    if (k.feed.newestBarTs === null || newest > k.feed.newestBarTs) k.feed.newestBarTs = newest;
  }

  stop(): void {
    this.stopped = true;
    this.active = false;
    this.client.close();
    if (this.timer) clearInterval(this.timer);
    if (this.discoveryTimer) clearInterval(this.discoveryTimer);
    this.timer = this.discoveryTimer = null;
  }
}
