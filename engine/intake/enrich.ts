/**
 * Enrichment of an inbound signal from the market its source points at: last / bid / ask /
 * spread, recent candles, the channel's feature profile (the indicator engine), support and
 * resistance, order-book imbalance (ccxt's fetchOrderBook where the exchange has it; a synthetic
 * book on the sim), and quality flags (missing data, stale candles, wide spread, low volume).
 */
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../api/timeframes';
import { createFeatureEngine, getProfile, profileSpecs } from '../indicators';

export interface OrderBookTop {
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
  synthetic: boolean;
}

/** What enrichment reads from the market (the market module's handlers, wired by the engine). */
export interface IntakeMarket {
  symbols(source: string): string[] | Promise<string[]>;
  candles(source: string, symbol: string, timeframe: Timeframe, limit: number): Ohlcv[] | Promise<Ohlcv[]>;
  /** The source's order book (ccxt fetchOrderBook), or undefined where the source has none. */
  orderBook?(source: string, symbol: string): Promise<OrderBookTop | undefined>;
  kind?(source: string): string | undefined;
}

export type QualityFlag = 'missing_data' | 'stale_candles' | 'wide_spread' | 'low_volume';

export interface Enrichment {
  [k: string]: unknown;
  market: string;
  symbol: string;
  timeframe: Timeframe;
  last: number | null;
  bid: number | null;
  ask: number | null;
  spreadPct: number | null;
  candles: Ohlcv[];
  lastCandleTs: number | null;
  features: Record<string, number>;
  profile: string;
  support: number | null;
  resistance: number | null;
  imbalance: number | null;
  bookSynthetic: boolean | null;
  flags: QualityFlag[];
}

const RECENT = 20;
const HISTORY = 300;
const WIDE_SPREAD_PCT = 0.5;

/** A deterministic book around the last price: spread and depth from the recent range and volume. */
export function syntheticBook(candles: Ohlcv[]): OrderBookTop | undefined {
  const last = candles[candles.length - 1];
  if (!last) return undefined;
  const recent = candles.slice(-RECENT);
  const range = recent.reduce((s, c) => s + (c[2] - c[3]), 0) / recent.length;
  const half = Math.max(last[4] * 0.00005, range * 0.02);
  const vol = recent.reduce((s, c) => s + c[5], 0) / recent.length || 1;
  // Lean of the book: where the last bar with a range closed within it (closing high → more bids).
  const ref = [...recent].reverse().find((c) => c[2] > c[3]);
  const lean = ref ? (ref[4] - ref[3]) / (ref[2] - ref[3]) - 0.5 : 0;
  const bids: Array<[number, number]> = [];
  const asks: Array<[number, number]> = [];
  for (let i = 0; i < 10; i++) {
    bids.push([last[4] - half * (1 + 2 * i), (vol / 50) * (1 + lean)]);
    asks.push([last[4] + half * (1 + 2 * i), (vol / 50) * (1 - lean)]);
  }
  return { bids, asks, synthetic: true };
}

/**
 * The short window per series is shared for WINDOW_TTL_MS by the signals that arrive together (a
 * burst of alerts on one symbol reads the market once); prices in it are at most that old.
 */
const WINDOW_TTL_MS = 200;
const windows = new Map<string, { at: number; rows: Promise<Ohlcv[]> }>();
function recentCandles(m: IntakeMarket, market: string, symbol: string, timeframe: Timeframe): Promise<Ohlcv[]> {
  const k = `${market}|${symbol}|${timeframe}`;
  const t = Date.now();
  const hit = windows.get(k);
  if (hit && t - hit.at < WINDOW_TTL_MS) return hit.rows;
  const rows = Promise.resolve(m.candles(market, symbol, timeframe, RECENT + 2));
  if (windows.size > 2000) windows.clear();
  windows.set(k, { at: t, rows });
  rows.catch(() => windows.get(k)?.rows === rows && windows.delete(k));
  return rows;
}

/**
 * Features per (series, profile) are computed once per closed bar and shared by every signal on
 * it (also by signals arriving together: the computation in flight is shared).
 */
const featureCache = new Map<string, { ts: number; features: Promise<Record<string, number>> }>();
function profileFeatures(m: IntakeMarket, key: string, profile: string, market: string, symbol: string, timeframe: Timeframe, lastClosed: number, now: number): Promise<Record<string, number>> {
  const hit = featureCache.get(key);
  if (hit && hit.ts === lastClosed) return hit.features;
  const tf = TIMEFRAME_MS[timeframe];
  const features = Promise.resolve(m.candles(market, symbol, timeframe, HISTORY)).then((rows) => {
    const fe = createFeatureEngine(profileSpecs(profile));
    for (const c of rows) if (c[0] + tf <= now) fe.update({ ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] });
    return Object.fromEntries(Object.entries(fe.current()).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  });
  if (featureCache.size > 2000) featureCache.clear();
  featureCache.set(key, { ts: lastClosed, features });
  features.catch(() => featureCache.get(key)?.features === features && featureCache.delete(key));
  return features;
}

export async function enrich(m: IntakeMarket, market: string, symbol: string, timeframe: Timeframe, profile: string, now: number, staleBars: number, slackMs = 0): Promise<Enrichment> {
  const tf = TIMEFRAME_MS[timeframe];
  // A short window for prices and levels; the long history only when the features of this bar are not cached yet.
  const rows = await recentCandles(m, market, symbol, timeframe);
  const flags: QualityFlag[] = [];
  const closed = rows.filter((c) => c[0] + tf <= now);
  const last = rows[rows.length - 1];
  if (!last) flags.push('missing_data');
  const prof = getProfile(profile) ? profile : 'trend_follow_v1';
  const fkey = `${market}|${symbol}|${timeframe}|${prof}`;
  const lastClosed = closed[closed.length - 1]?.[0];
  const features = lastClosed === undefined ? {} : await profileFeatures(m, fkey, prof, market, symbol, timeframe, lastClosed, now);
  if (last && now - slackMs - (last[0] + tf) > staleBars * tf) flags.push('stale_candles');
  const recent = closed.slice(-RECENT);
  const support = recent.length ? Math.min(...recent.map((c) => c[3])) : null;
  const resistance = recent.length ? Math.max(...recent.map((c) => c[2])) : null;
  if (recent.length >= 5) {
    const avg = recent.slice(0, -1).reduce((s, c) => s + c[5], 0) / (recent.length - 1);
    if (avg > 0 && recent[recent.length - 1]![5] < 0.2 * avg) flags.push('low_volume');
  }
  let book: OrderBookTop | undefined;
  try {
    book = m.orderBook ? await m.orderBook(market, symbol) : undefined;
  } catch {
    book = undefined;
  }
  if (!book && (m.kind?.(market) ?? (market === 'sim' ? 'sim' : undefined)) !== 'ccxt') book = syntheticBook(rows);
  const bid = book?.bids[0]?.[0] ?? null;
  const ask = book?.asks[0]?.[0] ?? null;
  const lastPrice = last ? last[4] : null;
  const mid = bid !== null && ask !== null ? (bid + ask) / 2 : null;
  const spreadPct = bid !== null && ask !== null && mid ? ((ask - bid) / mid) * 100 : null;
  if (spreadPct !== null && spreadPct > WIDE_SPREAD_PCT) flags.push('wide_spread');
  let imbalance: number | null = null;
  if (book) {
    const b = book.bids.slice(0, 10).reduce((s, l) => s + l[1], 0);
    const a = book.asks.slice(0, 10).reduce((s, l) => s + l[1], 0);
    imbalance = a + b > 0 ? (b - a) / (a + b) : null;
  }
  return {
    market,
    symbol,
    timeframe,
    last: lastPrice,
    bid,
    ask,
    spreadPct,
    candles: rows.slice(-RECENT),
    lastCandleTs: last ? last[0] : null,
    features,
    profile: prof,
    support,
    resistance,
    imbalance,
    bookSynthetic: book ? book.synthetic : null,
    flags,
  };
}
