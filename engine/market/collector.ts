/**
 * The collector: market sources managed at run time (ccxt exchanges and CSV replays; the sim
 * is the market module's own), their health, back-fills, gaps and CSV import/export. Every
 * network call is async and guarded (engine/market/ccxt-client.ts); the thread answering calls
 * only ever does short SQLite work.
 */
import path from 'node:path';
import { ApiError } from '../api/errors';
import { TIMEFRAME_MS, bucketStart, type Ohlcv, type Timeframe } from '../api/timeframes';
import type {
  BackfillJob,
  DiscoveryResult,
  Events,
  FeedStatus,
  GapsResult,
  ParsedInput,
  SourceHealth,
  SourceView,
} from '../api/contract';
import type { Database } from '../../db/database';
import type { CandlesRepo } from '../../db/repos/candles';
import { MarketSourcesRepo, type SourceRow } from '../../db/repos/market-sources';
import { BackfillJobsRepo } from '../../db/repos/backfill-jobs';
import { GapsRepo } from '../../db/repos/gaps';
import { CollectorRequestsRepo } from '../../db/repos/collector-requests';
import { SecretBox } from '../orders/secrets';
import { BackfillRunner, toJob, type OhlcvFetcher } from './backfill';
import { CcxtRuntime, type CcxtSourceConfig } from './ccxt-runtime';
import { ReplayRuntime, type ReplayConfig } from './replay';
import { SourceHealthState } from './health';
import { candlesToCsv, parseCandlesCsv } from './csv';
import { FilePolicy } from '../files/policy';
import { ccxtExchangeIds, loadCcxt } from './faults';

export interface CollectorOptions {
  /** Clock for bar times (ms). */
  now: () => number;
  /** Wall clock for latency, back-off and request counts. */
  realNow: () => number;
  /** Clock ms per real ms (1 in production; tests run the fake exchange's clock fast). */
  timeScale: number;
  pollMs: number;
  timeoutMs: number;
  breaker: { failures: number; openMs: number };
  retries: number;
  retryBaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  healthEvalMs: number;
}

export const COLLECTOR_DEFAULTS: CollectorOptions = {
  now: Date.now,
  realNow: Date.now,
  timeScale: 1,
  pollMs: 1000,
  timeoutMs: 10_000,
  breaker: { failures: 5, openMs: 30_000 },
  retries: 2,
  retryBaseMs: 250,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  healthEvalMs: 1000,
};

type Publish = <T extends keyof Events>(topic: T, payload: Events[T]) => void;
type Runtime = CcxtRuntime | ReplayRuntime;
type AddInput = ParsedInput<'market.sources.add'>;
type UpdateInput = ParsedInput<'market.sources.update'>;

const CCXT_KEYS = ['exchange', 'label', 'symbols', 'discovery', 'timeframes', 'sandbox', 'baseUrl', 'timeoutMs', 'pollMs', 'rateLimitMs', 'breaker'] as const;
const REPLAY_KEYS = ['label', 'path', 'symbol', 'timeframe', 'speed', 'loop'] as const;

export class Collector {
  readonly opts: CollectorOptions;
  readonly sources: MarketSourcesRepo;
  readonly jobs: BackfillJobsRepo;
  readonly gaps: GapsRepo;
  readonly requests: CollectorRequestsRepo;
  readonly backfills: BackfillRunner;
  private readonly runtimes = new Map<string, Runtime>();
  private readonly health = new Map<string, SourceHealthState>();
  private box: SecretBox | null = null;
  private evalTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastFlush = 0;

  constructor(
    private readonly db: Database,
    private readonly candles: CandlesRepo,
    private readonly dataDir: string,
    private readonly publish: Publish,
    opts: Partial<CollectorOptions> = {},
  ) {
    this.opts = { ...COLLECTOR_DEFAULTS, ...opts };
    this.sources = new MarketSourcesRepo(db);
    this.jobs = new BackfillJobsRepo(db);
    this.gaps = new GapsRepo(db);
    this.requests = new CollectorRequestsRepo(db);
    this.backfills = new BackfillRunner({
      db,
      candles,
      jobs: this.jobs,
      gaps: this.gaps,
      now: this.opts.now,
      realNow: this.opts.realNow,
      publish: (j) => this.publish('market.backfill.progress', j),
      stored: (source, symbol, tf, newest) => {
        const rt = this.runtimes.get(source);
        if (rt instanceof CcxtRuntime) rt.noteStored(symbol, tf, newest);
      },
    });
  }

  private policy: FilePolicy | null = null;
  /** Where import, export and replay paths may point (engine/files/policy.ts). */
  files(): FilePolicy {
    return (this.policy ??= new FilePolicy(this.db, this.dataDir));
  }

  private secrets(): SecretBox {
    return (this.box ??= new SecretBox(this.dataDir));
  }

  start(): void {
    for (const row of this.sources.list()) this.launch(row);
    for (const j of this.jobs.unfinished()) void this.backfills.run(j.id, () => this.fetcher(j.source));
    this.evalTimer = setInterval(() => {
      try {
        this.evaluate();
      } catch (e) {
        console.error('[collector] health evaluation failed:', (e as Error).message);
      }
    }, this.opts.healthEvalMs);
  }

  stop(): void {
    this.stopped = true;
    this.backfills.stopped = true;
    if (this.evalTimer) clearInterval(this.evalTimer);
    for (const rt of this.runtimes.values()) rt.stop();
    this.runtimes.clear();
    this.flushRequests();
  }

  /** Stores the request counts that changed (so "requests in the last 24 h" survives a restart). */
  flushRequests(): void {
    const real = this.opts.realNow();
    this.lastFlush = real;
    const minute = Math.floor(real / 60_000);
    for (const h of this.health.values()) this.flushOne(h, minute);
  }

  private flushOne(h: SourceHealthState, minute: number): void {
    const buckets = h.drainRequests();
    if (!buckets.length) return;
    try {
      this.requests.save(h.source, buckets, minute);
    } catch (e) {
      // Counts are bookkeeping: a failed write (disk full, closed database) must not stop collecting.
      console.error(`[collector] cannot store request counts of ${h.source}:`, (e as Error).message);
    }
  }

  /** Reports every health status change as a `market.health.changed` event. */
  evaluate(): void {
    if (this.stopped) return;
    const real = this.opts.realNow();
    if (real - this.lastFlush >= 10_000) this.flushRequests();
    for (const h of this.health.values()) {
      h.evaluate(real, (symbol, timeframe, status, previous, error) => {
        this.publish('market.health.changed', { source: h.source, symbol, timeframe, status, previous, error, at: real });
      });
    }
  }

  runtime(id: string): Runtime | undefined {
    return this.runtimes.get(id);
  }

  has(id: string): boolean {
    return this.sources.get(id) !== undefined;
  }

  private fetcher(id: string): OhlcvFetcher | null {
    const rt = this.runtimes.get(id);
    return rt instanceof CcxtRuntime ? rt : null;
  }

  private launch(row: SourceRow): void {
    this.runtimes.get(row.id)?.stop();
    this.runtimes.delete(row.id);
    const prev = this.health.get(row.id);
    const minute = Math.floor(this.opts.realNow() / 60_000);
    if (prev) this.flushOne(prev, minute);
    const h = new SourceHealthState(row.id, row.kind, null, row.enabled, this.requests.recent(row.id, minute));
    h.status = prev?.status ?? null;
    this.health.set(row.id, h);
    if (!row.enabled) {
      this.evaluate();
      return;
    }
    if (row.kind === 'ccxt') {
      let keys: { apiKey?: string; secret?: string; password?: string } = {};
      try {
        if (row.keysEnc) keys = JSON.parse(this.secrets().open(row.keysEnc)) as typeof keys;
      } catch (e) {
        // A key file that changed (or a damaged value) must not stop the engine: the source
        // runs without keys (public data needs none) and says why.
        h.lastError = { kind: 'auth', message: `stored keys cannot be decrypted: ${(e as Error).message}`, at: this.opts.realNow() };
      }
      const rt = new CcxtRuntime(
        row.id,
        row.config as unknown as CcxtSourceConfig,
        keys,
        h,
        {
          candles: this.candles,
          gaps: this.gaps,
          now: this.opts.now,
          realNow: this.opts.realNow,
          timeScale: this.opts.timeScale,
          publish: (topic, e) => this.publish(topic, e),
          onDiscovered: (r) => this.discovered(row.id, r),
          requestBackfill: (symbol, tf, since, until) => {
            if (this.jobs.findActive(row.id, symbol, tf)) return;
            const step = TIMEFRAME_MS[tf];
            const job = this.jobs.create({ source: row.id, symbol, timeframe: tf, since, until, expected: Math.round((until - since) / step) }, this.opts.realNow());
            this.publish('market.backfill.progress', toJob(job, null));
            void this.backfills.run(job.id, () => this.fetcher(row.id));
          },
          retries: this.opts.retries,
          retryBaseMs: this.opts.retryBaseMs,
          backoffBaseMs: this.opts.backoffBaseMs,
          backoffMaxMs: this.opts.backoffMaxMs,
        },
        { timeoutMs: this.opts.timeoutMs, pollMs: this.opts.pollMs, breaker: this.opts.breaker },
      );
      this.runtimes.set(row.id, rt);
      void rt.ready.then(() => this.evaluate()).catch((e: unknown) => console.error(`[collector] ${row.id} failed to start:`, e));
    } else {
      const rt = new ReplayRuntime(row.id, row.config as unknown as ReplayConfig, h, this.candles, (e) => this.publish('candle.closed', e), this.opts.realNow, (p) => this.files().readTextSync(p).text);
      this.runtimes.set(row.id, rt);
    }
    this.evaluate();
  }

  private discovered(id: string, r: DiscoveryResult): void {
    if (this.stopped || !this.sources.get(id)) return;
    this.sources.update(id, { discovered: r }, this.opts.realNow());
    this.publish('market.sources.changed', { id, action: 'discovered' });
  }

  // ------------------------------------------------------------------------------- views

  view(row: SourceRow): SourceView {
    const c = row.config as Record<string, unknown>;
    const rt = this.runtimes.get(row.id);
    const isCcxt = row.kind === 'ccxt';
    const configured = isCcxt ? ((c['symbols'] as string[] | undefined)?.length ? (c['symbols'] as string[]) : null) : null;
    const discovered = (row.discovered as DiscoveryResult | null) ?? null;
    const b = (c['breaker'] as { failures?: number; openMs?: number } | undefined) ?? {};
    return {
      id: row.id,
      kind: row.kind,
      // Without a label, the exchange and the id: two sources on one exchange stay apart by name.
      label: (c['label'] as string | undefined) ?? (isCcxt ? (c['exchange'] === row.id ? String(c['exchange']) : `${String(c['exchange'])} · ${row.id}`) : `Replay ${String(c['symbol'])} · ${row.id}`),
      enabled: row.enabled,
      simulated: false,
      exchange: isCcxt ? (c['exchange'] as string) : null,
      symbols: rt?.symbols.length ? [...rt.symbols] : isCcxt ? (configured ?? discovered?.picked.map((p) => p.symbol) ?? []) : [c['symbol'] as string],
      configuredSymbols: configured,
      discovery: isCcxt ? ((c['discovery'] as SourceView['discovery']) ?? null) : null,
      discovered: isCcxt ? discovered : null,
      timeframes: isCcxt ? (c['timeframes'] as Timeframe[]) : [c['timeframe'] as Timeframe],
      sandbox: c['sandbox'] === true,
      baseUrl: (c['baseUrl'] as string | undefined) ?? null,
      hasKeys: row.keysEnc !== null,
      timeoutMs: (c['timeoutMs'] as number | undefined) ?? this.opts.timeoutMs,
      pollMs: (c['pollMs'] as number | undefined) ?? this.opts.pollMs,
      rateLimitMs: (c['rateLimitMs'] as number | undefined) ?? 0,
      breaker: { failures: b.failures ?? this.opts.breaker.failures, openMs: b.openMs ?? this.opts.breaker.openMs },
      replay: isCcxt
        ? null
        : { path: c['path'] as string, symbol: c['symbol'] as string, timeframe: c['timeframe'] as Timeframe, speed: (c['speed'] as number | undefined) ?? 1, loop: c['loop'] === true },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  list(): SourceView[] {
    return this.sources.list().map((r) => this.view(r));
  }

  private require(id: string): SourceRow {
    const row = this.sources.get(id);
    if (!row) throw new ApiError('NOT_FOUND', `Unknown source: ${id}`, { source: id });
    return row;
  }

  // ----------------------------------------------------------------------------- commands

  async add(i: AddInput, reserved: (id: string) => boolean): Promise<SourceView> {
    if (reserved(i.id) || this.sources.get(i.id)) throw new ApiError('CONFLICT', `A source with id "${i.id}" already exists`, { id: i.id });
    let config: Record<string, unknown>;
    let keysEnc: string | null = null;
    if (i.kind === 'ccxt') {
      await this.checkExchange(i.exchange);
      if (!i.symbols?.length && !i.discovery) throw new ApiError('UNPROCESSABLE', 'A ccxt source needs symbols or discovery', { fields: ['symbols', 'discovery'] });
      config = pick(i, CCXT_KEYS);
      keysEnc = this.sealKeys(i);
    } else {
      await this.checkReplayFile(i.path, i.timeframe);
      config = pick(i, REPLAY_KEYS);
    }
    const at = this.opts.realNow();
    this.sources.insert({ id: i.id, kind: i.kind, enabled: i.enabled ?? true, config, keysEnc, createdAt: at, updatedAt: at });
    const row = this.sources.get(i.id)!;
    this.launch(row);
    this.publish('market.sources.changed', { id: i.id, action: 'added' });
    return this.view(row);
  }

  async update(i: UpdateInput): Promise<SourceView> {
    const row = this.require(i.id);
    const allowed: readonly string[] = row.kind === 'ccxt' ? [...CCXT_KEYS, 'apiKey', 'secret', 'password', 'clearKeys'] : REPLAY_KEYS;
    const wrong = Object.keys(i).filter((k) => k !== 'id' && !allowed.includes(k));
    if (wrong.length) throw new ApiError('UNPROCESSABLE', `Fields not used by a ${row.kind} source: ${wrong.join(', ')}`, { fields: wrong });
    const config: Record<string, unknown> = { ...row.config };
    for (const [k, v] of Object.entries(i)) {
      if (k === 'id' || k === 'apiKey' || k === 'secret' || k === 'password' || k === 'clearKeys') continue;
      if (v === null) delete config[k];
      else if (v !== undefined) config[k] = v;
    }
    if (row.kind === 'ccxt') {
      if (i.exchange) await this.checkExchange(i.exchange);
      if (!(config['symbols'] as string[] | undefined)?.length && !config['discovery']) throw new ApiError('UNPROCESSABLE', 'A ccxt source needs symbols or discovery', { fields: ['symbols', 'discovery'] });
    } else if (i.path || i.timeframe) await this.checkReplayFile(config['path'] as string, config['timeframe'] as Timeframe);
    let keysEnc: string | null | undefined;
    if (i.clearKeys) keysEnc = null;
    if (i.apiKey || i.secret || i.password) {
      const old = row.keysEnc ? (JSON.parse(this.secrets().open(row.keysEnc)) as Record<string, string>) : {};
      keysEnc = this.sealKeys({ ...old, ...pick(i, ['apiKey', 'secret', 'password'] as const) });
    }
    const discoveryChanged = i.discovery !== undefined || i.symbols !== undefined;
    this.sources.update(i.id, { config, keysEnc, ...(discoveryChanged ? { discovered: null } : {}) }, this.opts.realNow());
    const next = this.sources.get(i.id)!;
    this.launch(next);
    this.publish('market.sources.changed', { id: i.id, action: 'updated' });
    return this.view(next);
  }

  remove(id: string): { removed: true; id: string } {
    this.require(id);
    this.runtimes.get(id)?.stop();
    this.runtimes.delete(id);
    for (const j of this.jobs.unfinished().filter((x) => x.source === id)) this.cancelJob(j.id);
    this.sources.remove(id);
    this.health.delete(id);
    this.requests.removeSource(id);
    this.publish('market.sources.changed', { id, action: 'removed' });
    return { removed: true, id };
  }

  enable(id: string, enabled: boolean): SourceView {
    const row = this.require(id);
    if (row.enabled !== enabled) {
      this.sources.update(id, { enabled }, this.opts.realNow());
      this.launch(this.sources.get(id)!);
      this.publish('market.sources.changed', { id, action: enabled ? 'enabled' : 'disabled' });
    }
    return this.view(this.sources.get(id)!);
  }

  async exchanges(): Promise<string[]> {
    return ccxtExchangeIds();
  }

  healthReport(source?: string): SourceHealth[] {
    this.evaluate();
    const real = this.opts.realNow();
    const now = this.opts.now();
    const out: SourceHealth[] = [];
    for (const h of this.health.values()) {
      if (source && h.source !== source) continue;
      out.push(h.snapshot(real, now));
    }
    if (source && out.length === 0) this.require(source);
    return out;
  }

  statusOf(id: string): FeedStatus | null {
    return this.health.get(id)?.status ?? null;
  }

  backfill(i: ParsedInput<'market.backfill'>): BackfillJob {
    const row = this.require(i.source);
    if (row.kind !== 'ccxt') throw new ApiError('UNPROCESSABLE', `Back-fill needs a ccxt source; ${i.source} is a ${row.kind} source`, { source: i.source });
    const step = TIMEFRAME_MS[i.timeframe];
    const lastClosedEnd = bucketStart(this.opts.now(), i.timeframe);
    const since = Math.ceil(i.since / step) * step;
    const until = Math.min(i.until === undefined ? lastClosedEnd : Math.ceil(i.until / step) * step, lastClosedEnd);
    if (since >= until) throw new ApiError('UNPROCESSABLE', 'Nothing to back-fill: `since` must be before `until` and before the newest closed bar', { since, until });
    const rt = this.runtimes.get(i.source);
    if (rt instanceof CcxtRuntime && rt.marketSymbols && !rt.marketSymbols.has(i.symbol)) {
      throw new ApiError('NOT_FOUND', `${rt.cfg.exchange} has no market ${i.symbol}`, { source: i.source, symbol: i.symbol });
    }
    const active = this.jobs.findActive(i.source, i.symbol, i.timeframe);
    if (active && active.since === since && active.until === until) {
      void this.backfills.run(active.id, () => this.fetcher(i.source));
      return toJob(active, this.backfills.rate(active.id));
    }
    const job = this.jobs.create({ source: i.source, symbol: i.symbol, timeframe: i.timeframe, since, until, expected: Math.round((until - since) / step) }, this.opts.realNow());
    this.publish('market.backfill.progress', toJob(job, null));
    void this.backfills.run(job.id, () => this.fetcher(i.source));
    return toJob(job, null);
  }

  listJobs(source?: string, limit?: number): BackfillJob[] {
    return this.jobs.list(source, limit).map((j) => toJob(j, this.backfills.rate(j.id)));
  }

  cancelJob(id: number): BackfillJob {
    const j = this.jobs.get(id);
    if (!j) throw new ApiError('NOT_FOUND', `Unknown back-fill job ${id}`, { id });
    if (j.status === 'done' || j.status === 'failed' || j.status === 'canceled') return toJob(j, null);
    this.backfills.cancel(id);
    if (!this.backfills.isRunning(id)) this.jobs.update(id, { status: 'canceled', finishedAt: this.opts.realNow() }, this.opts.realNow());
    else this.jobs.update(id, { status: 'canceled', finishedAt: this.opts.realNow() }, this.opts.realNow());
    const out = toJob(this.jobs.get(id)!, null);
    this.publish('market.backfill.progress', out);
    return out;
  }

  gapsOf(i: ParsedInput<'market.gaps'>): GapsResult {
    const key = { source: i.source, symbol: i.symbol, timeframe: i.timeframe };
    const b = this.gaps.bounds(key);
    const from = i.since ?? b.first ?? 0;
    const to = i.until ?? (b.last === null ? 0 : b.last + TIMEFRAME_MS[i.timeframe]);
    return { ...key, first: b.first, last: b.last, stored: b.stored, missing: to > from ? this.gaps.missing(key, from, to) : [], known: this.gaps.known(key) };
  }

  /** Reads the file through the path policy (regular files in allowed folders, size-capped, off the event loop). */
  async importCsv(i: ParsedInput<'market.import'>): Promise<{ imported: number; first: number | null; last: number | null }> {
    const { text } = await this.files().readText(i.path);
    const { rows, problems } = parseCandlesCsv(text, i.timeframe);
    if (problems.length) {
      const first = problems[0]!;
      throw new ApiError('UNPROCESSABLE', `${path.basename(i.path)} line ${first.line}: ${first.reason}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}; nothing imported`, {
        path: i.path,
        errors: problems,
      });
    }
    this.candles.upsertMany({ source: i.source, symbol: i.symbol, timeframe: i.timeframe }, rows);
    return { imported: rows.length, first: rows[0]?.[0] ?? null, last: rows[rows.length - 1]?.[0] ?? null };
  }

  /** The export's target, checked before any rows are gathered. */
  exportTarget(i: ParsedInput<'market.export'>): string {
    return this.files().resolveWrite(i.path, i.overwrite ?? false);
  }

  async exportCsv(i: ParsedInput<'market.export'>, rows: Ohlcv[], target = this.exportTarget(i)): Promise<{ exported: number; path: string }> {
    await this.files().writeText(target, candlesToCsv(rows), i.overwrite ?? false, i.path);
    return { exported: rows.length, path: target };
  }

  private async checkExchange(id: string): Promise<void> {
    if (!(await ccxtExchangeIds()).includes(id)) throw new ApiError('UNPROCESSABLE', `ccxt has no exchange "${id}"`, { exchange: id });
    // A collector source needs candles: some exchanges have no OHLCV endpoint in ccxt at all.
    let hasOhlcv = true;
    try {
      const Ctor = (await loadCcxt()) as unknown as Record<string, new () => { has: Record<string, unknown> }>;
      hasOhlcv = Boolean(new Ctor[id]!().has['fetchOHLCV']);
    } catch {
      // Cannot tell without a working class: the source starts and its health says what fails.
    }
    if (!hasOhlcv) throw new ApiError('UNPROCESSABLE', `ccxt's ${id} has no candle (OHLCV) endpoint, so it cannot feed the collector; pick another exchange`, { exchange: id });
  }

  private async checkReplayFile(p: string, tf: Timeframe): Promise<void> {
    const { text } = await this.files().readText(p);
    const { problems, rows } = parseCandlesCsv(text, tf);
    if (problems.length) throw new ApiError('UNPROCESSABLE', `${path.basename(p)} line ${problems[0]!.line}: ${problems[0]!.reason}`, { path: p, errors: problems });
    if (!rows.length) throw new ApiError('UNPROCESSABLE', `${path.basename(p)} has no candles`, { path: p });
  }

  private sealKeys(i: { apiKey?: string; secret?: string; password?: string }): string | null {
    const keys = pick(i, ['apiKey', 'secret', 'password'] as const);
    return Object.keys(keys).length ? this.secrets().seal(JSON.stringify(keys)) : null;
  }
}

function pick<T extends object, K extends string>(o: T, keys: readonly K[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
