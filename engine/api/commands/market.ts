import { z } from 'zod';
import { command, Empty, SourceId, SymbolSchema, TimeframeSchema } from './define';
import type { Ohlcv, Timeframe } from '../timeframes';
import { CcxtSeriesFields, HttpJsonSourceInput, HttpJsonUpdateFields, type SeriesSourceView } from './series';

export interface CandleEvent {
  source: string;
  symbol: string;
  timeframe: Timeframe;
  candle: Ohlcv;
}

// ---------------------------------------------------------------------------------------------
// The collector: sources managed at run time, health, backfill, gaps, CSV.
// ---------------------------------------------------------------------------------------------

export type SourceKind = 'sim' | 'ccxt' | 'replay' | 'http_json';
/** Health of a source or of one (symbol, timeframe) feed. */
/** `connecting`: an exchange source or feed that has not answered yet (never shown as healthy with no data). */
export interface SimSpeedResult {
  speed: number;
  previous: number;
}
export type FeedStatus = 'connecting' | 'healthy' | 'degraded' | 'failed' | 'circuit_open' | 'disabled';
export type CircuitState = 'closed' | 'open' | 'half_open';
/** Newest stored bar relative to its timeframe: fresh (the latest closed bar; one behind during a short grace after a close), aging (≤ 3 bars late), stale. */
export type Freshness = 'fresh' | 'aging' | 'stale' | 'none';
/** Classified collector errors (what kind of failure, not the exchange's wording). */
export type CollectorErrorKind =
  | 'rate_limit'
  | 'ddos_protection'
  | 'timeout'
  | 'network'
  | 'exchange_unavailable'
  | 'bad_response'
  | 'bad_symbol'
  | 'auth'
  | 'circuit_open'
  | 'unknown';

export interface CollectorError {
  kind: CollectorErrorKind;
  message: string;
  at: number;
}

const Exchange = z.string().min(2).max(40).regex(/^[a-z0-9]+$/, 'a ccxt exchange id like binance');
const Quote = z.string().min(2).max(12).regex(/^[A-Z0-9]+$/, 'a quote currency like USDT');
const BaseUrl = z
  .string()
  .max(300)
  .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'an http(s) URL like https://testnet.binance.vision');

export const DiscoverySchema = z
  .object({
    /** Top N symbols by 24h quote volume. */
    top: z.number().int().min(1).max(1000),
    quote: Quote.optional(),
    minQuoteVolume: z.number().min(0).optional(),
    include: z.array(SymbolSchema).max(200).optional(),
    exclude: z.array(SymbolSchema).max(1000).optional(),
    spotOnly: z.boolean().optional(),
    refreshMinutes: z.number().int().min(1).max(10_080).optional(),
  })
  .strict();
export type DiscoveryConfig = z.infer<typeof DiscoverySchema>;

export const BreakerSchema = z
  .object({
    /** Consecutive failures that open the circuit. */
    failures: z.number().int().min(1).max(1000).optional(),
    /** How long the circuit stays open before a half-open probe. */
    openMs: z.number().int().min(50).max(3_600_000).optional(),
  })
  .strict();

const Tuning = {
  timeoutMs: z.number().int().min(50).max(120_000).optional(),
  pollMs: z.number().int().min(50).max(600_000).optional(),
  rateLimitMs: z.number().int().min(0).max(60_000).optional(),
  breaker: BreakerSchema.optional(),
};

const Timeframes = z.array(TimeframeSchema).min(1).max(6);

export const CcxtSourceInput = z
  .object({
    id: SourceId,
    kind: z.literal('ccxt'),
    exchange: Exchange,
    label: z.string().min(1).max(64).optional(),
    symbols: z.array(SymbolSchema).max(2000).optional(),
    discovery: DiscoverySchema.optional(),
    /** Candle timeframes; may be empty when the source only collects `series`. */
    timeframes: z.array(TimeframeSchema).max(6),
    apiKey: z.string().min(1).max(512).optional(),
    secret: z.string().min(1).max(512).optional(),
    password: z.string().min(1).max(512).optional(),
    sandbox: z.boolean().optional(),
    baseUrl: BaseUrl.optional(),
    enabled: z.boolean().optional(),
    ...Tuning,
    ...CcxtSeriesFields,
  })
  .strict();

export const ReplaySourceInput = z
  .object({
    id: SourceId,
    kind: z.literal('replay'),
    label: z.string().min(1).max(64).optional(),
    path: z.string().min(1).max(1024),
    symbol: SymbolSchema,
    timeframe: TimeframeSchema,
    /** Bars per bar-duration: 60 plays a 1m file at one bar per second. */
    speed: z.number().positive().max(1_000_000).optional(),
    loop: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const SourceAddInput = z.discriminatedUnion('kind', [CcxtSourceInput, ReplaySourceInput, HttpJsonSourceInput]);

export const SourceUpdateInput = z
  .object({
    id: SourceId,
    label: z.string().min(1).max(64).optional(),
    exchange: Exchange.optional(),
    symbols: z.array(SymbolSchema).max(2000).nullable().optional(),
    discovery: DiscoverySchema.nullable().optional(),
    timeframes: Timeframes.optional(),
    apiKey: z.string().min(1).max(512).optional(),
    secret: z.string().min(1).max(512).optional(),
    password: z.string().min(1).max(512).optional(),
    /** Forgets stored keys. */
    clearKeys: z.boolean().optional(),
    sandbox: z.boolean().optional(),
    baseUrl: BaseUrl.nullable().optional(),
    path: z.string().min(1).max(1024).optional(),
    symbol: SymbolSchema.optional(),
    timeframe: TimeframeSchema.optional(),
    speed: z.number().positive().max(1_000_000).optional(),
    loop: z.boolean().optional(),
    ...Tuning,
    ...HttpJsonUpdateFields,
  })
  .strict();

export interface DiscoveryPick {
  symbol: string;
  rank: number | null;
  quoteVolume: number | null;
  reason: string;
}
export interface DiscoveryResult {
  refreshedAt: number;
  picked: DiscoveryPick[];
  /** The best-ranked symbols that were left out, with why (bounded). */
  rejected: DiscoveryPick[];
  error: string | null;
}

/** A source as every command returns it. Keys are never part of it: only `hasKeys`. */
export interface SourceView {
  id: string;
  kind: SourceKind;
  label: string;
  enabled: boolean;
  simulated: boolean;
  exchange: string | null;
  /** Symbols collected now (the explicit list, or the discovery picks). */
  symbols: string[];
  /** The explicit list as configured (null when discovery chooses). */
  configuredSymbols: string[] | null;
  discovery: DiscoveryConfig | null;
  discovered: DiscoveryResult | null;
  timeframes: Timeframe[];
  sandbox: boolean;
  baseUrl: string | null;
  hasKeys: boolean;
  timeoutMs: number;
  pollMs: number;
  rateLimitMs: number;
  breaker: { failures: number; openMs: number };
  replay: { path: string; symbol: string; timeframe: Timeframe; speed: number; loop: boolean } | null;
  /** The series it collects (http_json sources, and ccxt sources with `series`). */
  ext?: SeriesSourceView | null;
  createdAt: number;
  updatedAt: number;
}

export interface FeedHealth {
  symbol: string;
  timeframe: Timeframe;
  status: FeedStatus;
  lastSuccessAt: number | null;
  lastError: CollectorError | null;
  consecutiveFailures: number;
  latencyMs: number | null;
  requests24h: number;
  newestBarTs: number | null;
  freshness: Freshness;
  /** Delay from a bar's close to its candle.closed event, last bar. */
  closeToEventMs: number | null;
  /** When a feed that is not healthy is tried again (real ms: its own retry, the source's back-off or the circuit's next probe); null when healthy or not retried. */
  retryAt: number | null;
}

export interface SourceHealth {
  source: string;
  kind: SourceKind;
  status: FeedStatus;
  circuit: CircuitState;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  lastError: CollectorError | null;
  latencyMs: number | null;
  requests24h: number;
  /** Requests are held until then after a rate-limit answer (Retry-After honoured). */
  backoffUntil: number | null;
  /** When a source that is not healthy is tried again (real ms), if known. */
  retryAt: number | null;
  closeToEvent: { n: number; p50: number; p99: number } | null;
  feeds: FeedHealth[];
}

export interface HealthChangedEvent {
  source: string;
  symbol: string | null;
  timeframe: Timeframe | null;
  status: FeedStatus;
  previous: FeedStatus | null;
  error: CollectorError | null;
  at: number;
}

export type BackfillStatus = 'queued' | 'running' | 'repairing' | 'done' | 'failed' | 'canceled';
export interface BackfillJob {
  id: number;
  source: string;
  symbol: string;
  timeframe: Timeframe;
  since: number;
  until: number;
  /** Next bar open time to fetch (resumes here after a restart). */
  cursor: number;
  status: BackfillStatus;
  /** Bars expected in [since, until) and bars fetched so far. */
  expected: number;
  fetched: number;
  progress: number;
  etaMs: number | null;
  candlesPerSec: number | null;
  gapsRepaired: number;
  knownGaps: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface GapRange {
  start: number;
  end: number;
  bars: number;
}
export interface KnownGap extends GapRange {
  reason: string;
  recordedAt: number;
}
export interface GapsResult {
  source: string;
  symbol: string;
  timeframe: Timeframe;
  first: number | null;
  last: number | null;
  stored: number;
  /** Missing ranges inside the stored range that are not known gaps. */
  missing: GapRange[];
  known: KnownGap[];
}

export interface SourcesChangedEvent {
  id: string;
  action: 'added' | 'updated' | 'removed' | 'enabled' | 'disabled' | 'discovered';
}

const Range = {
  since: z.number().int().min(0).optional(),
  until: z.number().int().min(0).optional(),
};

export const marketCommands = {
  'market.symbols': command<string[]>()(
    'Symbols a source offers, unified ccxt style (BTC/USDT).',
    z.object({ source: SourceId }).strict(),
  ),
  'market.candles': command<Ohlcv[]>()(
    'Candles as ccxt OHLCV rows [ts, open, high, low, close, volume], ascending. Higher timeframes are aggregated from stored 1m bars where the source only stores 1m. The forming bar, if any, is last.',
    z
      .object({
        source: SourceId,
        symbol: SymbolSchema,
        timeframe: TimeframeSchema,
        limit: z.number().int().min(1).max(5000).optional(),
        since: z.number().int().min(0).optional(),
        /** The newest `limit` bars that open before this time (ms): the chart loads older history with it. */
        before: z.number().int().min(0).optional(),
      })
      .strict()
      .refine((v) => v.since === undefined || v.before === undefined, { message: 'give since or before, not both', path: ['before'] }),
  ),
  'market.sim.setSpeed': command<SimSpeedResult>()(
    'Changes the simulated market\'s speed at run time (1 = real time; 60 = one 1m bar per second, the "demo speed" toggle). The clock runs on from where it is.',
    z.object({ speed: z.number().min(0.1).max(100_000) }).strict(),
  ),
  // The collector's commands.
  'market.sources.list': command<SourceView[]>()('Every market source (sim, ccxt, replay) with its configuration; keys never included.', Empty),
  'market.sources.add': command<SourceView>()(
    'Adds a ccxt source ({kind:"ccxt", exchange, symbols | discovery, timeframes, keys?, baseUrl?}) or a CSV replay source.',
    SourceAddInput,
  ),
  'market.sources.update': command<SourceView>()('Changes a source; only the given fields change. The source restarts with the new settings.', SourceUpdateInput),
  'market.sources.enable': command<SourceView>()('Starts or stops collecting from a source.', z.object({ id: SourceId, enabled: z.boolean() }).strict()),
  'market.exchanges': command<string[]>()('Exchange ids ccxt supports (for the exchange picker).', Empty),
  'market.health': command<SourceHealth[]>()(
    'Health per source and per (symbol, timeframe): status, circuit, last success, last error (classified), latency, requests in the last 24 h, freshness.',
    z.object({ source: SourceId.optional() }).strict(),
  ),
  'market.backfill': command<BackfillJob>()(
    'Starts (or resumes) a back-fill of [since, until) paged within the exchange limits; progress arrives as market.backfill.progress events.',
    z
      .object({
        source: SourceId,
        symbol: SymbolSchema,
        timeframe: TimeframeSchema,
        since: z.number().int().min(0),
        until: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  'market.backfill.list': command<BackfillJob[]>()(
    'Back-fill jobs, newest first.',
    z.object({ source: SourceId.optional(), limit: z.number().int().min(1).max(500).optional() }).strict(),
  ),
  'market.backfill.cancel': command<BackfillJob>()('Cancels a queued or running back-fill job.', z.object({ id: z.number().int().positive() }).strict()),
  'market.gaps': command<GapsResult>()(
    'Missing bars inside the stored range, and the known gaps (bars the exchange does not have).',
    z.object({ source: SourceId, symbol: SymbolSchema, timeframe: TimeframeSchema, ...Range }).strict(),
  ),
  'market.export': command<{ exported: number; path: string }>()(
    'Exports stored candles to CSV (timestamp,open,high,low,close,volume; ms UTC). A relative path is taken from <data dir>/exports; an absolute one must be in an allowed folder. An existing file is replaced only with overwrite: true.',
    z.object({ source: SourceId, symbol: SymbolSchema, timeframe: TimeframeSchema, path: z.string().min(1).max(1024), overwrite: z.boolean().optional(), ...Range }).strict(),
  ),
  'market.import': command<{ imported: number; first: number | null; last: number | null }>()(
    'Imports CSV candles (timestamp,open,high,low,close,volume; ms UTC). A relative path is taken from <data dir>/imports; an absolute one must be in an allowed folder. Any malformed row rejects the whole file, naming line and reason (never the cell).',
    z.object({ source: SourceId, symbol: SymbolSchema, timeframe: TimeframeSchema, path: z.string().min(1).max(1024) }).strict(),
  ),
  'market.sources.remove': command<{ removed: true; id: string }>()(
    'Removes a source and its keys (stored candles stay).',
    z.object({ id: SourceId }).strict(),
  ),
} as const;

export interface MarketEvents {
  'candle.updated': CandleEvent;
  'candle.closed': CandleEvent;
  'market.health.changed': HealthChangedEvent;
  'market.backfill.progress': BackfillJob;
  'market.sources.changed': SourcesChangedEvent;
}
export const MARKET_TOPICS = [
  'candle.updated',
  'candle.closed',
  'market.health.changed',
  'market.backfill.progress',
  'market.sources.changed',
] as const satisfies readonly (keyof MarketEvents)[];
