/**
 * The collector: market sources managed at run time (ccxt exchanges and CSV replays; the sim
 * is the market module's own), their health, back-fills, gaps and CSV import/export. Every
 * network call is async and guarded (the exchange gateway, engine/exchange); the thread answering
 * calls only ever does short SQLite work. Stored source settings are parsed once, with zod, when
 * a row is read (source-config.ts).
 */
import { ApiError } from '../api/errors';
import type { Ohlcv } from '../api/timeframes';
import type { BackfillJob, DiscoveryResult, Events, FeedStatus, GapsResult, ParsedInput, SourceHealth, SourceView } from '../api/contract';
import type { Database } from '../../db/database';
import type { CandlesRepo } from '../../db/repos/candles';
import { MarketSourcesRepo, type SourceRow } from '../../db/repos/market-sources';
import { BackfillJobsRepo } from '../../db/repos/backfill-jobs';
import { GapsRepo } from '../../db/repos/gaps';
import { CollectorRequestsRepo } from '../../db/repos/collector-requests';
import { ccxtExchangeIds } from '../exchange';
import { SecretBox } from '../secrets/secret-box';
import { BackfillRunner } from './backfill';
import { BackfillDesk } from './backfill-desk';
import { CcxtRuntime } from './ccxt-runtime';
import { checkReplayFile, exportCsv, exportTarget, importCsv } from './collector-files';
import { FilePolicy } from '../files/policy';
import { createRuntime, type Runtime } from './source-runtime';
import { SourceHealthState } from './health';
import { COLLECTOR_DEFAULTS, type CollectorOptions } from './collector-options';
import { CCXT_KEYS, checkExchange, checkSeriesMethods, HTTP_JSON_KEYS, KEY_FIELDS, needsSymbols, parseSource, pick, REPLAY_KEYS, rowView, SourceConfigError, StoredKeys, type Source, type SourceKeys } from './source-config';
import { ExtSeriesRepo } from '../../db/repos/ext-series';
import { checkHttpPaths, SeriesCollector } from './series/series-collector';

export { COLLECTOR_DEFAULTS, type CollectorOptions } from './collector-options';

type Publish = <T extends keyof Events>(topic: T, payload: Events[T]) => void;
type AddInput = ParsedInput<'market.sources.add'>;
type UpdateInput = ParsedInput<'market.sources.update'>;

export class Collector {
  readonly opts: CollectorOptions;
  readonly sources: MarketSourcesRepo;
  readonly jobs: BackfillJobsRepo;
  readonly gaps: GapsRepo;
  readonly requests: CollectorRequestsRepo;
  readonly backfills: BackfillRunner;
  private readonly desk: BackfillDesk;
  /** Funding, open interest, book figures and HTTP JSON series (engine/market/series). */
  readonly series: SeriesCollector;
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
    this.series = new SeriesCollector(new ExtSeriesRepo(db), this.opts);
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
    this.desk = new BackfillDesk({
      jobs: this.jobs,
      gaps: this.gaps,
      runner: this.backfills,
      now: this.opts.now,
      realNow: this.opts.realNow,
      runtime: (id) => this.runtimes.get(id),
      publish: (j) => this.publish('market.backfill.progress', j),
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
    this.desk.resumeUnfinished();
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
    this.series.stopAll();
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

  private launch(row: SourceRow): void {
    this.runtimes.get(row.id)?.stop();
    this.runtimes.delete(row.id);
    this.series.stop(row.id);
    const prev = this.health.get(row.id);
    const minute = Math.floor(this.opts.realNow() / 60_000);
    if (prev) this.flushOne(prev, minute);
    const h = new SourceHealthState(row.id, row.kind, null, row.enabled, this.requests.recent(row.id, minute));
    h.status = prev?.status ?? null;
    this.health.set(row.id, h);
    if (!row.enabled) {
      let parsed: Source | null = null;
      try {
        parsed = parseSource(row);
      } catch {
        // listed by view() as invalid
      }
      this.series.launch(parsed, row.id, false, {}, h);
      this.evaluate();
      return;
    }
    let src: Source;
    try {
      src = parseSource(row);
    } catch (e) {
      // Damaged settings (edited by hand, an older format) stop this source only, and say why.
      h.fatal = { kind: 'unknown', message: (e as Error).message, at: this.opts.realNow() };
      this.evaluate();
      return;
    }
    let keys: SourceKeys = {};
    try {
      if (row.keysEnc && src.config.kind !== 'replay') keys = this.openKeys(row.keysEnc);
    } catch (e) {
      // A key file that changed (or a damaged value) must not stop the engine: the source
      // runs without keys (public data needs none) and says why.
      h.lastError = { kind: 'auth', message: `stored keys cannot be decrypted: ${(e as Error).message}`, at: this.opts.realNow() };
    }
    this.series.launch(src, row.id, true, keys, h);
    if (src.config.kind === 'http_json') {
      this.evaluate();
      return;
    }
    const rt = createRuntime(src, keys, h, {
      candles: this.candles,
      gaps: this.gaps,
      opts: this.opts,
      publish: this.publish,
      discovered: (r) => this.discovered(row.id, r),
      requestBackfill: (symbol, tf, since, until) => this.desk.requestFor(row.id, symbol, tf, since, until),
      readReplay: (p) => this.files().readTextSync(p).text,
    });
    this.runtimes.set(row.id, rt);
    if (rt instanceof CcxtRuntime) void rt.ready.then(() => this.evaluate()).catch((e: unknown) => console.error(`[collector] ${row.id} failed to start:`, e));
    this.evaluate();
  }

  private openKeys(sealed: string): SourceKeys {
    return StoredKeys.parse(JSON.parse(this.secrets().open(sealed)));
  }

  private discovered(id: string, r: DiscoveryResult): void {
    if (this.stopped || !this.sources.get(id)) return;
    this.sources.update(id, { discovered: r }, this.opts.realNow());
    this.publish('market.sources.changed', { id, action: 'discovered' });
  }

  // ------------------------------------------------------------------------------- views

  view(row: SourceRow): SourceView {
    const rt = this.runtimes.get(row.id);
    const running = rt?.symbols.length ? [...rt.symbols] : null;
    const defaults = { timeoutMs: this.opts.timeoutMs, pollMs: this.opts.pollMs, breaker: this.opts.breaker };
    return rowView(row, running, defaults);
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
      await checkExchange(i.exchange, i.timeframes.length > 0);
      if (!i.symbols?.length && !i.discovery) throw needsSymbols();
      if (!i.timeframes.length && !i.series?.length) throw new ApiError('UNPROCESSABLE', 'A ccxt source needs timeframes (candles) or series', { fields: ['timeframes', 'series'] });
      if (i.series?.length) {
        if (!i.symbols?.length) throw new ApiError('UNPROCESSABLE', 'A ccxt source with series needs explicit symbols', { fields: ['symbols'] });
        await checkSeriesMethods(i.exchange, i.series);
      }
      config = pick(i, CCXT_KEYS);
      keysEnc = this.sealKeys(i);
    } else if (i.kind === 'http_json') {
      checkHttpPaths(i);
      config = pick(i, HTTP_JSON_KEYS);
      keysEnc = this.sealKeys(i);
    } else {
      await checkReplayFile(this.files(), i.path, i.timeframe);
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
    const own = row.kind === 'ccxt' ? CCXT_KEYS : row.kind === 'http_json' ? HTTP_JSON_KEYS : REPLAY_KEYS;
    const allowed: readonly string[] = row.kind === 'ccxt' ? [...CCXT_KEYS, ...KEY_FIELDS, 'clearKeys'] : row.kind === 'http_json' ? [...HTTP_JSON_KEYS, 'apiKey', 'clearKeys'] : REPLAY_KEYS;
    const wrong = Object.keys(i).filter((k) => k !== 'id' && !allowed.includes(k));
    if (wrong.length) throw new ApiError('UNPROCESSABLE', `Fields not used by a ${row.kind} source: ${wrong.join(', ')}`, { fields: wrong });
    const config: Record<string, unknown> = { ...row.config };
    for (const [k, v] of Object.entries(pick(i, own))) {
      if (v === null) delete config[k];
      else config[k] = v;
    }
    let next: Source;
    try {
      next = parseSource({ ...row, config });
    } catch (e) {
      if (e instanceof SourceConfigError) throw new ApiError('UNPROCESSABLE', e.message, { source: i.id });
      throw e;
    }
    if (next.config.kind === 'http_json') checkHttpPaths(next.config.http);
    else if (next.config.kind === 'ccxt') {
      if (i.exchange) await checkExchange(i.exchange, next.config.ccxt.timeframes.length > 0);
      if (!next.config.ccxt.symbols?.length && !next.config.ccxt.discovery) throw needsSymbols();
      if (next.config.ccxt.series?.length) await checkSeriesMethods(next.config.ccxt.exchange, next.config.ccxt.series);
    } else if (i.path || i.timeframe) await checkReplayFile(this.files(), next.config.replay.path, next.config.replay.timeframe);
    let keysEnc: string | null | undefined;
    if (i.clearKeys) keysEnc = null;
    if (i.apiKey || i.secret || i.password) {
      const old = row.keysEnc ? this.openKeys(row.keysEnc) : {};
      keysEnc = this.sealKeys({ ...old, ...pick(i, KEY_FIELDS) });
    }
    const discoveryChanged = i.discovery !== undefined || i.symbols !== undefined;
    this.sources.update(i.id, { config, keysEnc, ...(discoveryChanged ? { discovered: null } : {}) }, this.opts.realNow());
    const stored = this.sources.get(i.id)!;
    this.launch(stored);
    this.publish('market.sources.changed', { id: i.id, action: 'updated' });
    return this.view(stored);
  }

  remove(id: string): { removed: true; id: string } {
    this.require(id);
    this.runtimes.get(id)?.stop();
    this.runtimes.delete(id);
    this.series.remove(id);
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
    return this.desk.backfill(i);
  }

  listJobs(source?: string, limit?: number): BackfillJob[] {
    return this.desk.list(source, limit);
  }

  cancelJob(id: number): BackfillJob {
    return this.desk.cancel(id);
  }

  gapsOf(i: ParsedInput<'market.gaps'>): GapsResult {
    return this.desk.gapsOf(i);
  }

  importCsv(i: ParsedInput<'market.import'>): Promise<{ imported: number; first: number | null; last: number | null }> {
    return importCsv(this.files(), this.candles, i);
  }

  /** The export's target, checked before any rows are gathered. */
  exportTarget(i: ParsedInput<'market.export'>): string {
    return exportTarget(this.files(), i);
  }

  exportCsv(i: ParsedInput<'market.export'>, rows: Ohlcv[], target = this.exportTarget(i)): Promise<{ exported: number; path: string }> {
    return exportCsv(this.files(), i, rows, target);
  }

  private sealKeys(i: SourceKeys): string | null {
    const keys = pick(i, KEY_FIELDS);
    return Object.keys(keys).length ? this.secrets().seal(JSON.stringify(keys)) : null;
  }
}

