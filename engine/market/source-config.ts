/**
 * A stored source's settings, parsed once with zod when its row is read: the collector and its
 * runtimes work on typed configs, never on the row's untyped JSON. Also which input fields
 * belong to which kind of source, and the source's view for the contract.
 */
import { z } from 'zod';
import { ApiError } from '../api/errors';
import type { DiscoveryResult, SourceView } from '../api/contract';
import { BreakerSchema, DiscoverySchema } from '../api/commands/market';
import { TimeframeSchema } from '../api/commands/define';
import type { SourceRow } from '../../db/repos/market-sources';
import { ccxtExchangeIds, exchangeHas } from '../exchange';
import type { CcxtSourceConfig } from './ccxt-runtime';
import type { ReplayConfig } from './replay';
import { CCXT_SERIES, BOOK_SERIES } from '../api/commands/series';
import type { HttpJsonConfig } from './series/http-json-runtime';

const Millis = z.number().int().min(0);

export const StoredCcxtConfig = z.object({
  exchange: z.string().min(1),
  label: z.string().optional(),
  symbols: z.array(z.string()).nullish(),
  discovery: DiscoverySchema.nullish(),
  timeframes: z.array(TimeframeSchema),
  sandbox: z.boolean().optional(),
  baseUrl: z.string().nullish(),
  timeoutMs: Millis.optional(),
  pollMs: Millis.optional(),
  rateLimitMs: Millis.nullish(),
  breaker: BreakerSchema.optional(),
  series: z.array(z.enum(CCXT_SERIES)).optional(),
  intervalSeconds: z.number().int().min(1).optional(),
  costPerMonth: z.number().min(0).optional(),
});

export const StoredHttpJsonConfig = z.object({
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).nullish(),
  intervalSeconds: z.number().int().min(1),
  valuePath: z.string().min(1),
  timePath: z.string().nullish(),
  label: z.string().min(1),
  unit: z.string().nullish(),
  costPerMonth: z.number().min(0).nullish(),
  timeoutMs: Millis.optional(),
});

export const StoredReplayConfig = z.object({
  label: z.string().optional(),
  path: z.string().min(1),
  symbol: z.string().min(1),
  timeframe: TimeframeSchema,
  speed: z.number().positive().optional(),
  loop: z.boolean().optional(),
});

/** Decrypted exchange keys of a source. */
export const StoredKeys = z.object({ apiKey: z.string().optional(), secret: z.string().optional(), password: z.string().optional() });
export type SourceKeys = z.infer<typeof StoredKeys>;

export type ParsedConfig = { kind: 'ccxt'; ccxt: CcxtSourceConfig } | { kind: 'replay'; replay: ReplayConfig } | { kind: 'http_json'; http: HttpJsonConfig };

/** A source row with its config parsed. */
export interface Source {
  row: SourceRow;
  config: ParsedConfig;
  discovered: DiscoveryResult | null;
}

export class SourceConfigError extends Error {
  constructor(id: string, issues: string) {
    super(`stored settings of source ${id} are invalid: ${issues}`);
    this.name = 'SourceConfigError';
  }
}

const issuesOf = (e: z.ZodError): string => e.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');

/** Parses a row's config; throws SourceConfigError naming the bad fields. */
export function parseSource(row: SourceRow): Source {
  const discovered = (row.discovered ?? null) as DiscoveryResult | null;
  if (row.kind === 'ccxt') {
    const r = StoredCcxtConfig.safeParse(row.config);
    if (!r.success) throw new SourceConfigError(row.id, issuesOf(r.error));
    return { row, config: { kind: 'ccxt', ccxt: r.data }, discovered };
  }
  if (row.kind === 'http_json') {
    const r = StoredHttpJsonConfig.safeParse(row.config);
    if (!r.success) throw new SourceConfigError(row.id, issuesOf(r.error));
    return { row, config: { kind: 'http_json', http: r.data }, discovered };
  }
  const r = StoredReplayConfig.safeParse(row.config);
  if (!r.success) throw new SourceConfigError(row.id, issuesOf(r.error));
  return { row, config: { kind: 'replay', replay: r.data }, discovered };
}

/** Input fields stored as a ccxt source's config (keys are sealed apart). */
export const CCXT_KEYS = ['exchange', 'label', 'symbols', 'discovery', 'timeframes', 'sandbox', 'baseUrl', 'timeoutMs', 'pollMs', 'rateLimitMs', 'breaker', 'series', 'intervalSeconds', 'costPerMonth'] as const;
export const HTTP_JSON_KEYS = ['url', 'headers', 'intervalSeconds', 'valuePath', 'timePath', 'label', 'unit', 'costPerMonth', 'timeoutMs'] as const;
/** Default seconds between a ccxt source's series requests. */
export const DEFAULT_SERIES_INTERVAL_S = 60;

/** Stored series names a ccxt source's `series` setting produces. */
export function ccxtSeriesNames(series: readonly string[] | null | undefined): string[] {
  return (series ?? []).flatMap((k) => (k === 'book' ? [...BOOK_SERIES] : [k]));
}

/** The url as shown: without its query (it may hold a key). */
const publicUrl = (u: string): string => {
  try {
    const x = new URL(u);
    return `${x.origin}${x.pathname}`;
  } catch {
    return u;
  }
};
export const REPLAY_KEYS = ['label', 'path', 'symbol', 'timeframe', 'speed', 'loop'] as const;
export const KEY_FIELDS = ['apiKey', 'secret', 'password'] as const;

/** The defined fields of `o` among `keys`. */
export function pick<T extends object, K extends string>(o: T, keys: readonly K[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export interface ViewDefaults {
  timeoutMs: number;
  pollMs: number;
  breaker: { failures: number; openMs: number };
}

/** The contract's view of a source; `running` are the symbols its runtime collects now. */
export function sourceView(s: Source, running: string[] | null, d: ViewDefaults): SourceView {
  const { row } = s;
  const base = { id: row.id, kind: row.kind, enabled: row.enabled, simulated: false, hasKeys: row.keysEnc !== null, createdAt: row.createdAt, updatedAt: row.updatedAt };
  if (s.config.kind === 'http_json') {
    const c = s.config.http;
    return {
      ...base,
      label: c.label,
      exchange: null,
      symbols: [],
      configuredSymbols: null,
      discovery: null,
      discovered: null,
      timeframes: [],
      sandbox: false,
      baseUrl: null,
      timeoutMs: c.timeoutMs ?? d.timeoutMs,
      pollMs: c.intervalSeconds * 1000,
      rateLimitMs: 0,
      breaker: { ...d.breaker },
      replay: null,
      ext: { series: ['value'], intervalSeconds: c.intervalSeconds, unit: c.unit ?? null, costPerMonth: c.costPerMonth ?? null, url: publicUrl(c.url), valuePath: c.valuePath, timePath: c.timePath ?? null },
    };
  }
  if (s.config.kind === 'replay') {
    const c = s.config.replay;
    return {
      ...base,
      label: c.label ?? `Replay ${c.symbol} · ${row.id}`,
      exchange: null,
      symbols: running?.length ? running : [c.symbol],
      configuredSymbols: null,
      discovery: null,
      discovered: null,
      timeframes: [c.timeframe],
      sandbox: false,
      baseUrl: null,
      timeoutMs: d.timeoutMs,
      pollMs: d.pollMs,
      rateLimitMs: 0,
      breaker: { ...d.breaker },
      replay: { path: c.path, symbol: c.symbol, timeframe: c.timeframe, speed: c.speed ?? 1, loop: c.loop === true },
    };
  }
  const c = s.config.ccxt;
  const configured = c.symbols?.length ? c.symbols : null;
  return {
    ...base,
    // Without a label, the exchange and the id: two sources on one exchange stay apart by name.
    label: c.label ?? (c.exchange === row.id ? c.exchange : `${c.exchange} · ${row.id}`),
    exchange: c.exchange,
    symbols: running?.length ? running : (configured ?? s.discovered?.picked.map((p) => p.symbol) ?? []),
    configuredSymbols: configured,
    discovery: c.discovery ?? null,
    discovered: s.discovered,
    timeframes: c.timeframes,
    sandbox: c.sandbox === true,
    baseUrl: c.baseUrl ?? null,
    timeoutMs: c.timeoutMs ?? d.timeoutMs,
    pollMs: c.pollMs ?? d.pollMs,
    rateLimitMs: c.rateLimitMs ?? 0,
    breaker: { failures: c.breaker?.failures ?? d.breaker.failures, openMs: c.breaker?.openMs ?? d.breaker.openMs },
    replay: null,
    ext: c.series?.length
      ? { series: ccxtSeriesNames(c.series), intervalSeconds: c.intervalSeconds ?? DEFAULT_SERIES_INTERVAL_S, unit: null, costPerMonth: c.costPerMonth ?? null, url: null, valuePath: null, timePath: null }
      : null,
  };
}

/** A ccxt source's exchange must exist in ccxt and have candles (some have no OHLCV endpoint at all). */
export async function checkExchange(id: string, candles = true): Promise<void> {
  if (!(await ccxtExchangeIds()).includes(id)) throw new ApiError('UNPROCESSABLE', `ccxt has no exchange "${id}"`, { exchange: id });
  if (!candles) return;
  // When ccxt cannot tell, the source starts and its health says what fails.
  const hasOhlcv = (await exchangeHas(id, 'fetchOHLCV')) ?? true;
  if (!hasOhlcv) throw new ApiError('UNPROCESSABLE', `ccxt's ${id} has no candle (OHLCV) endpoint, so it cannot feed the collector; pick another exchange`, { exchange: id });
}

const SERIES_METHODS: Record<string, string[]> = {
  funding: ['fetchFundingRate'],
  open_interest: ['fetchOpenInterest'],
  book: ['fetchOrderBook'],
};

/** A ccxt source's series must be ones its exchange's ccxt class can fetch: else 422 naming the method. */
export async function checkSeriesMethods(exchange: string, series: readonly string[]): Promise<void> {
  for (const k of series) {
    for (const m of SERIES_METHODS[k] ?? []) {
      if ((await exchangeHas(exchange, m)) === false) {
        throw new ApiError('UNPROCESSABLE', `ccxt's ${exchange} has no ${m}, so it cannot collect the series "${k}"`, { exchange, series: k, method: m });
      }
    }
  }
}

export const needsSymbols = (): ApiError => new ApiError('UNPROCESSABLE', 'A ccxt source needs symbols or discovery', { fields: ['symbols', 'discovery'] });

/** A stored row as listed: damaged settings still list the source (its health says why it does not run). */
export function rowView(row: SourceRow, running: string[] | null, d: ViewDefaults): SourceView {
  let src: Source;
  try {
    src = parseSource(row);
  } catch {
    src = { row, config: { kind: 'replay', replay: { path: '', symbol: '', timeframe: '1m', label: `${row.id} (invalid settings)` } }, discovered: null };
    return { ...sourceView(src, running, d), kind: row.kind, symbols: running ?? [], timeframes: [], replay: null };
  }
  return sourceView(src, running, d);
}
