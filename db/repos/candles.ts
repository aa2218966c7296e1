import type { Database } from 'better-sqlite3';
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../../engine/api/timeframes';

export interface CandleKey {
  source: string;
  symbol: string;
  timeframe: Timeframe;
}

type Row = { ts: number; open: number; high: number; low: number; close: number; volume: number };
const toOhlcv = (r: Row): Ohlcv => [r.ts, r.open, r.high, r.low, r.close, r.volume];

/** Candle storage: batched upserts in one transaction, range reads, and 1m → higher aggregation. */
export class CandlesRepo {
  private readonly upsertStmt;
  private readonly latestStmt;
  private readonly rangeDescStmt;
  private readonly rangeAscStmt;
  private readonly beforeStmt;
  private readonly countStmt;
  private readonly aggStmt;
  private readonly upsertBatch;

  constructor(private readonly db: Database) {
    this.upsertStmt = db.prepare(
      `INSERT INTO candles (source, symbol, timeframe, ts, open, high, low, close, volume)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(source, symbol, timeframe, ts) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
    );
    this.latestStmt = db.prepare<[string, string, string], Row>(
      'SELECT ts, open, high, low, close, volume FROM candles WHERE source = ? AND symbol = ? AND timeframe = ? ORDER BY ts DESC LIMIT 1',
    );
    this.rangeDescStmt = db.prepare<[string, string, string, number, number], Row>(
      'SELECT ts, open, high, low, close, volume FROM candles WHERE source = ? AND symbol = ? AND timeframe = ? AND ts >= ? ORDER BY ts DESC LIMIT ?',
    );
    this.rangeAscStmt = db.prepare<[string, string, string, number, number], Row>(
      'SELECT ts, open, high, low, close, volume FROM candles WHERE source = ? AND symbol = ? AND timeframe = ? AND ts >= ? ORDER BY ts ASC LIMIT ?',
    );
    this.beforeStmt = db.prepare<[string, string, string, number, number], Row>(
      'SELECT ts, open, high, low, close, volume FROM candles WHERE source = ? AND symbol = ? AND timeframe = ? AND ts < ? ORDER BY ts DESC LIMIT ?',
    );
    this.countStmt = db.prepare<[string, string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM candles WHERE source = ? AND symbol = ? AND timeframe = ?',
    );
    // Aggregates 1m rows into buckets of :tf ms. Open and close come from the first and last
    // row of each bucket by primary-key lookup, so the query stays an index walk.
    this.aggStmt = db.prepare<
      { source: string; symbol: string; tf: number; since: number; until: number },
      Row
    >(
      `WITH b AS (
         SELECT ts - (ts % :tf) AS bucket, MIN(ts) AS fts, MAX(ts) AS lts,
                MAX(high) AS high, MIN(low) AS low, ROUND(SUM(volume), 8) AS volume
         FROM candles
         WHERE source = :source AND symbol = :symbol AND timeframe = '1m' AND ts >= :since AND ts < :until
         GROUP BY bucket
       )
       SELECT b.bucket AS ts, o.open AS open, b.high AS high, b.low AS low, c.close AS close, b.volume AS volume
       FROM b
       JOIN candles o ON o.source = :source AND o.symbol = :symbol AND o.timeframe = '1m' AND o.ts = b.fts
       JOIN candles c ON c.source = :source AND c.symbol = :symbol AND c.timeframe = '1m' AND c.ts = b.lts
       ORDER BY b.bucket ASC`,
    );
    this.upsertBatch = db.transaction((key: CandleKey, rows: readonly Ohlcv[]) => {
      for (const r of rows) this.upsertStmt.run(key.source, key.symbol, key.timeframe, r[0], r[1], r[2], r[3], r[4], r[5]);
    });
  }

  /** Writes many candles in one transaction; an existing bar at the same key is replaced (revisions). */
  upsertMany(key: CandleKey, rows: readonly Ohlcv[]): void {
    if (rows.length > 0) this.upsertBatch(key, rows);
  }

  /** Writes candles of many keys in one transaction. */
  upsertGroups(groups: ReadonlyArray<{ key: CandleKey; rows: readonly Ohlcv[] }>): void {
    if (groups.length === 0) return;
    this.db.transaction(() => {
      for (const g of groups) this.upsertBatch(g.key, g.rows);
    })();
  }

  latest(key: CandleKey): Ohlcv | undefined {
    const r = this.latestStmt.get(key.source, key.symbol, key.timeframe);
    return r ? toOhlcv(r) : undefined;
  }

  count(key: CandleKey): number {
    return this.countStmt.get(key.source, key.symbol, key.timeframe)?.n ?? 0;
  }

  /**
   * Stored candles ascending. With `since`: the first `limit` bars from `since`.
   * Without: the newest `limit` bars.
   */
  range(key: CandleKey, limit: number, since?: number): Ohlcv[] {
    if (since !== undefined) return this.rangeAscStmt.all(key.source, key.symbol, key.timeframe, since, limit).map(toOhlcv);
    return this.rangeDescStmt.all(key.source, key.symbol, key.timeframe, 0, limit).map(toOhlcv).reverse();
  }

  /** The newest `limit` stored candles that open before `before`, ascending (older history, page by page). */
  rangeBefore(key: CandleKey, limit: number, before: number): Ohlcv[] {
    return this.beforeStmt.all(key.source, key.symbol, key.timeframe, before, limit).map(toOhlcv).reverse();
  }

  /** Up to `limit` buckets of `timeframe` (aggregated from 1m) that open before `before`, ascending. */
  aggregatedBefore(source: string, symbol: string, timeframe: Timeframe, limit: number, before: number): Ohlcv[] {
    const tf = TIMEFRAME_MS[timeframe];
    let until = before - (((before % tf) + tf) % tf);
    let rows = this.aggStmt.all({ source, symbol, tf, since: Math.max(0, until - limit * tf), until }).map(toOhlcv);
    if (rows.length === 0) {
      // A hole in the stored 1m bars: go on from the newest older bar there is, if any.
      const older = this.beforeStmt.get(source, symbol, '1m', until, 1);
      if (!older) return [];
      until = older.ts - (older.ts % tf) + tf;
      rows = this.aggStmt.all({ source, symbol, tf, since: Math.max(0, until - limit * tf), until }).map(toOhlcv);
    }
    return rows;
  }

  /** Buckets of `timeframe` aggregated from stored 1m candles, ascending, same `since`/`limit` rules as range(). */
  aggregated(source: string, symbol: string, timeframe: Timeframe, limit: number, since?: number): Ohlcv[] {
    const tf = TIMEFRAME_MS[timeframe];
    if (since !== undefined) {
      const from = since - (since % tf);
      return this.aggStmt.all({ source, symbol, tf, since: from, until: from + limit * tf }).map(toOhlcv);
    }
    const last = this.latestStmt.get(source, symbol, '1m');
    if (!last) return [];
    const lastBucket = last.ts - (last.ts % tf);
    const from = lastBucket - (limit - 1) * tf;
    return this.aggStmt.all({ source, symbol, tf, since: from, until: lastBucket + tf }).map(toOhlcv);
  }
}
