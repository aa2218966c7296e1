/** Timeframes the product understands, and pure helpers over them (shared by engine and renderer). */
export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE = 60_000;
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': 1440 * MINUTE,
};

/** Open time of the bucket of `tf` that contains `ts` (ms UTC). */
export function bucketStart(ts: number, tf: Timeframe): number {
  const ms = TIMEFRAME_MS[tf];
  return ts - (((ts % ms) + ms) % ms);
}

/** ccxt-style OHLCV row: [ts, open, high, low, close, volume]. */
export type Ohlcv = [number, number, number, number, number, number];

/**
 * Folds a finer candle into the bucket candle that contains it (open of the first,
 * max high, min low, close of the last, sum of volume). Returns a new row.
 */
export function foldCandle(bucket: Ohlcv | undefined, c: Ohlcv, tf: Timeframe): Ohlcv {
  const start = bucketStart(c[0], tf);
  if (!bucket || bucket[0] !== start) return [start, c[1], c[2], c[3], c[4], c[5]];
  return [start, bucket[1], Math.max(bucket[2], c[2]), Math.min(bucket[3], c[3]), c[4], bucket[5] + c[5]];
}
