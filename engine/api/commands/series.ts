/**
 * Data beyond candles: HTTP JSON sources, the series a ccxt source collects
 * (funding, open interest, order-book figures), and reading stored series (`market.series`).
 * Series are point-in-time features: spec `ext:<source>:<series>`, feature `ext_<source>_<series>`.
 */
import { z } from 'zod';
import { command, SourceId, SymbolSchema } from './define';

/** Series a ccxt source can collect, when its exchange's ccxt class has the method. */
export const CCXT_SERIES = ['funding', 'open_interest', 'book'] as const;
export type CcxtSeriesKind = (typeof CCXT_SERIES)[number];

/** What a `book` snapshot is stored as (the whole book is never kept). */
export const BOOK_SERIES = [
  'book_spread',
  'book_mid',
  'book_bid_depth_0_5pct',
  'book_ask_depth_0_5pct',
  'book_bid_depth_1pct',
  'book_ask_depth_1pct',
  'book_imbalance_0_5pct',
  'book_imbalance_1pct',
] as const;

/** Every stored series name: `value` (an http_json source), `funding`, `open_interest` and the book figures. */
export const SERIES_NAMES = ['value', 'funding', 'open_interest', ...BOOK_SERIES] as const;
export type SeriesName = (typeof SERIES_NAMES)[number];

const HeaderName = z.string().min(1).max(100).regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name');
const JsonPath = z.string().min(1).max(300);
const HttpUrl = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'an http(s) URL');
const Interval = z.number().int().min(1).max(86_400);
const Cost = z.number().min(0).max(1_000_000);
const Unit = z.string().min(1).max(24);

export const HttpJsonSourceInput = z
  .object({
    id: SourceId,
    kind: z.literal('http_json'),
    url: HttpUrl,
    /** Extra request headers; `{apiKey}` in a value is replaced by the sealed key. */
    headers: z.record(HeaderName, z.string().max(2000)).optional(),
    /** Sealed at rest; sent as `Authorization: Bearer …` unless the url or a header names `{apiKey}`. */
    apiKey: z.string().min(1).max(2000).optional(),
    intervalSeconds: Interval,
    valuePath: JsonPath,
    timePath: JsonPath.optional(),
    label: z.string().min(1).max(64),
    unit: Unit.optional(),
    costPerMonth: Cost.optional(),
    timeoutMs: z.number().int().min(50).max(120_000).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/** Fields a ccxt source adds to collect series. */
export const CcxtSeriesFields = {
  series: z.array(z.enum(CCXT_SERIES)).min(1).max(3).optional(),
  /** Seconds between series requests (book snapshots, the latest funding and open interest); default 60. */
  intervalSeconds: Interval.optional(),
  costPerMonth: Cost.optional(),
};

/** http_json fields `market.sources.update` may change (null clears an optional one). */
export const HttpJsonUpdateFields = {
  url: HttpUrl.optional(),
  headers: z.record(HeaderName, z.string().max(2000)).nullable().optional(),
  intervalSeconds: Interval.optional(),
  valuePath: JsonPath.optional(),
  timePath: JsonPath.nullable().optional(),
  unit: Unit.nullable().optional(),
  costPerMonth: Cost.nullable().optional(),
  series: z.array(z.enum(CCXT_SERIES)).min(1).max(3).nullable().optional(),
};

/** The series part of a source's view (http_json sources, and ccxt sources that collect series). */
export interface SeriesSourceView {
  series: string[];
  intervalSeconds: number;
  unit: string | null;
  costPerMonth: number | null;
  /** http_json only: where and what it reads (the url without its query, which may hold a key). */
  url: string | null;
  valuePath: string | null;
  timePath: string | null;
}

export type SeriesFreshness = 'fresh' | 'aging' | 'stale' | 'none';

/** One stored series of a source, as the Data sources view lists it. */
export interface SeriesInfo {
  source: string;
  kind: 'ccxt' | 'http_json';
  /** '' for an http_json source. */
  symbol: string;
  series: string;
  /** The feature name strategies, alerts and indicators.series read (`ext_<source>_<series>`). */
  feature: string;
  spec: string;
  unit: string | null;
  points: number;
  firstTs: number | null;
  lastTs: number | null;
  lastValue: number | null;
  /** Newest point against the source's interval: fresh (≤ 2 intervals old), aging (≤ 5), stale. */
  freshness: SeriesFreshness;
  lastError: string | null;
}

export interface SeriesCostSummary {
  kind: string;
  sources: number;
  costPerMonth: number;
}

const SeriesQuery = {
  source: SourceId,
  series: z.string().min(1).max(40),
  /** The market symbol of a ccxt source's series (default: its only or first symbol). */
  symbol: SymbolSchema.optional(),
  since: z.number().int().min(0).optional(),
  until: z.number().int().min(0).optional(),
};

export const seriesCommands = {
  'market.series': command<Array<[number, number]>>()(
    'Stored points of a series: [[ts, value], …] ascending (ms UTC), in [since, until). Without since, the newest `limit` points.',
    z.object({ ...SeriesQuery, limit: z.number().int().min(1).max(100_000).optional() }).strict(),
  ),
  'market.series.list': command<SeriesInfo[]>()(
    'Every stored series (of one source, or all): last value with its unit, freshness, points, the feature name.',
    z.object({ source: SourceId.optional() }).strict(),
  ),
  'market.series.costs': command<SeriesCostSummary[]>()('Cost per month of the enabled sources, summed per kind.', z.object({}).strict()),
  'market.series.export': command<{ exported: number; path: string }>()(
    'Exports a stored series to CSV (timestamp,value; ms UTC), like market.export: a relative path is taken from <data dir>/exports; an existing file is replaced only with overwrite: true.',
    z.object({ ...SeriesQuery, path: z.string().min(1).max(1024), overwrite: z.boolean().optional() }).strict(),
  ),
} as const;

/** `ext_<source>_<series>` for spec `ext:<source>:<series>`. */
export const extFeatureName = (source: string, series: string): string => `ext_${source}_${series}`;
