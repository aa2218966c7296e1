/**
 * Point-in-time features: every stored series is a feature of any candle series — spec
 * `ext:<source>:<series>`, feature `ext_<source>_<series>` — whose value on a bar is the newest
 * point whose time is AT OR BEFORE THE BAR'S CLOSE (open time + bar length), never one published
 * after it. Live (signals, alerts), indicators.series and backtests all read through the rule
 * here: `barClose` and `<=`.
 *
 * Pure: no database. The live reader (the collector's series side) and the backtest (points
 * loaded before the run) both hand their points to these functions.
 */
import { SERIES_NAMES, extFeatureName } from '../../api/commands/series';
import type { Features } from '../../indicators/types';

export type Point = readonly [number, number];

export interface ExtSpec {
  source: string;
  series: string;
}

const SOURCE_RE = /^[a-z0-9][a-z0-9_-]*$/i;
/** Series names longest first, so `book_imbalance_1pct` wins over a shorter suffix. */
const NAMES = [...SERIES_NAMES].sort((a, b) => b.length - a.length);

export const isExtSpec = (text: string): boolean => text.trim().toLowerCase().startsWith('ext:');

/** `ext:bn:funding` → {source: 'bn', series: 'funding'}; throws with the reason. */
export function parseExtSpec(text: string): ExtSpec {
  const parts = text.trim().split(':');
  if (parts.length !== 3 || parts[0]!.toLowerCase() !== 'ext') throw new Error(`"${text}" is not ext:<source>:<series>`);
  const [, source, series] = parts as [string, string, string];
  if (!SOURCE_RE.test(source)) throw new Error(`"${source}" in "${text}" is not a source id`);
  if (!(SERIES_NAMES as readonly string[]).includes(series)) throw new Error(`unknown series "${series}" in "${text}" (known: ${SERIES_NAMES.join(', ')})`);
  return { source, series };
}

export const formatExtSpec = (s: ExtSpec): string => `ext:${s.source}:${s.series}`;
export const extFeature = (s: ExtSpec): string => extFeatureName(s.source, s.series);

/** `ext_bn_funding` → {source: 'bn', series: 'funding'}, or null when the name is not an ext feature. */
export function parseExtFeature(name: string): ExtSpec | null {
  if (!name.startsWith('ext_')) return null;
  const rest = name.slice(4);
  for (const series of NAMES) {
    if (!rest.endsWith(`_${series}`)) continue;
    const source = rest.slice(0, rest.length - series.length - 1);
    if (SOURCE_RE.test(source)) return { source, series };
  }
  return null;
}

/** The time a bar's features are taken at: its close (open time + bar length). */
export const barClose = (openTs: number, barMs: number): number => openTs + barMs;

/** The newest point at or before `t` in ascending points (binary search), or undefined. */
export function valueAt(points: readonly Point[], t: number): number | undefined {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 ? points[found]![1] : undefined;
}

/**
 * The symbol of a ccxt source's series that a candle symbol reads: the same symbol, else the same
 * base/quote with a settle suffix (`BTC/USDT` → `BTC/USDT:USDT`), else the source's only symbol.
 * An http_json source's series have the symbol ''.
 */
export function matchSymbol(stored: readonly string[], candleSymbol: string): string | null {
  if (stored.includes(candleSymbol)) return candleSymbol;
  if (stored.includes('')) return '';
  const base = candleSymbol.split(':')[0]!;
  const same = stored.find((s) => s.split(':')[0] === base);
  if (same !== undefined) return same;
  return stored.length === 1 ? stored[0]! : null;
}

/** Features with the ext features added: `values` gives each spec's value at the bar's close. */
export function withExt(features: Features, specs: readonly ExtSpec[], value: (s: ExtSpec) => number | undefined): Features {
  if (specs.length === 0) return features;
  const out: Record<string, number | undefined> = { ...features };
  for (const s of specs) out[extFeature(s)] = value(s);
  return out;
}

/** Reads point-in-time values live (from the store). */
export interface ExtReader {
  /** The value of a series for a candle symbol at `t` (the newest point with time ≤ t). */
  valueAt(spec: ExtSpec, candleSymbol: string, t: number): number | undefined;
  /** Points of a series for a candle symbol in [since, until], ascending (for batch reads). */
  points(spec: ExtSpec, candleSymbol: string, since: number, until: number): Array<[number, number]>;
}

/** Ext specs named by a list of specs / feature names, deduplicated. */
export function extSpecsOf(items: readonly string[]): ExtSpec[] {
  const seen = new Map<string, ExtSpec>();
  for (const it of items) {
    const s = isExtSpec(it) ? parseExtSpec(it) : parseExtFeature(it);
    if (s) seen.set(formatExtSpec(s), s);
  }
  return [...seen.values()];
}
