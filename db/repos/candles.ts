import type { Database } from 'better-sqlite3';
import { TIMEFRAME_MS, type Ohlcv, type Timeframe } from '../../engine/api/timeframes';

export interface CandleKey {
  source: string;
  symbol: string;
  timeframe: Timeframe;
}

type Row = { ts: number; open: number; high: number; low: number; close: number; volume: number };
const toOhlcv = (r: Row): Ohlcv => [r.ts, r.open, r.high, r.low, r.close, r.volume];
const cacheKey = (k: CandleKey): string => `${k.source}\u0000${k.symbol}\u0000${k.timeframe}`;

/**
 * Candle storage: batched upserts in one transaction, range reads, and 1m → higher aggregation.
 * Rows are keyed by (series id, ts); a series is one (source, symbol, timeframe), created on its
 * first write. Callers only ever see CandleKeys.
 */
export class CandlesRepo {
  /** Series ids known to be committed. Ids are never reused, so a cached one stays valid. */
  private readonly ids = new Map<string, number>();
  private readonly findSeriesStmt;
  private readonly addSeriesStmt;
  private readonly upsertStmt;
  private readonly latestStmt;
  private readonly rangeDescStmt;
  private readonly rangeAscStmt;
  private readonly beforeStmt;
  private readonly countStmt;
  private readonly aggStmt;
  private readonly upsertBatch;

  constructor(private readonly db: Database) {
    this.findSeriesStmt = db.prepare<[string, string, string], { id: number }>(
      'SELECT id FROM series WHERE source = ? AND symbol = ? AND timeframe = ?',
    );
    this.addSeriesStmt = db.prepare<[string, string, string]>(
      'INSERT INTO series (source, symbol, timeframe) VALUES (?, ?, ?) ON CONFLICT (source, symbol, timeframe) DO NOTHING',
    );
    this.upsertStmt = db.prepare<[number, number, number, number, number, number, number]>(
      `INSERT INTO candles (series_id, ts, open, high, low, close, volume)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, ts) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
    );
    this.latestStmt = db.prepare<[number], Row>(
      'SELECT ts, open, high, low, close, volume FROM candles WHERE series_id = ? ORDER BY ts DESC LIMIT 1',
    );
    this.rangeDescStmt = db.prepare<[number, number], Row>(
      'SELECT ts, open, high, low, close, volume FROM candles WHERE series_id = ? AND ts >= 0 ORDER BY ts DESC LIMIT ?',
    );
    this.rangeAscStmt = db.prepare<[number, number, number], Row>(
      'SELECT ts, open, high, low, close, volume FROM candles WHERE series_id = ? AND ts >= ? ORDER BY ts ASC LIMIT ?',
    );
    this.beforeStmt = db.prepare<[number, number, number], Row>(
      'SELECT ts, open, high, low, close, volume FROM candles WHERE series_id = ? AND ts < ? ORDER BY ts DESC LIMIT ?',
    );
    this.countStmt = db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM candles WHERE series_id = ?');
    // Aggregates 1m rows into buckets of :tf ms. Open and close come from the first and last
    // row of each bucket by primary-key lookup, so the query stays an index walk.
    this.aggStmt = db.prepare<{ sid: number; tf: number; since: number; until: number }, Row>(
      `WITH b AS (
         SELECT ts - (ts % :tf) AS bucket, MIN(ts) AS fts, MAX(ts) AS lts,
                MAX(high) AS high, MIN(low) AS low, ROUND(SUM(volume), 8) AS volume
         FROM candles
         WHERE series_id = :sid AND ts >= :since AND ts < :until
         GROUP BY bucket
       )
       SELECT b.bucket AS ts, o.open AS open, b.high AS high, b.low AS low, c.close AS close, b.volume AS volume
       FROM b
       JOIN candles o ON o.series_id = :sid AND o.ts = b.fts
       JOIN candles c ON c.series_id = :sid AND c.ts = b.lts
       ORDER BY b.bucket ASC`,
    );
    this.upsertBatch = db.transaction((sid: number, rows: readonly Ohlcv[]) => {
      for (const r of rows) this.upsertStmt.run(sid, r[0], r[1], r[2], r[3], r[4], r[5]);
    });
  }

  /**
   * The series id of a key; with `create`, adds the series when it is new. An id is cached only
   * when read outside a transaction (so it is committed: a rolled-back one is never remembered).
   */
  private seriesId(key: CandleKey, create: boolean): number | undefined {
    const k = cacheKey(key);
    const cached = this.ids.get(k);
    if (cached !== undefined) return cached;
    let row = this.findSeriesStmt.get(key.source, key.symbol, key.timeframe);
    if (!row && create) {
      this.addSeriesStmt.run(key.source, key.symbol, key.timeframe);
      row = this.findSeriesStmt.get(key.source, key.symbol, key.timeframe);
    }
    if (row && !this.db.inTransaction) this.ids.set(k, row.id);
    return row?.id;
  }

  /** Writes many candles in one transaction; an existing bar at the same key is replaced (revisions). */
  upsertMany(key: CandleKey, rows: readonly Ohlcv[]): void {
    if (rows.length === 0) return;
    this.upsertBatch(this.seriesId(key, true)!, rows);
  }

  /** Writes candles of many keys in one transaction. */
  upsertGroups(groups: ReadonlyArray<{ key: CandleKey; rows: readonly Ohlcv[] }>): void {
    const batches = groups.filter((g) => g.rows.length > 0).map((g) => ({ sid: this.seriesId(g.key, true)!, rows: g.rows }));
    if (batches.length === 0) return;
    this.db.transaction(() => {
      for (const b of batches) this.upsertBatch(b.sid, b.rows);
    })();
  }

  latest(key: CandleKey): Ohlcv | undefined {
    const sid = this.seriesId(key, false);
    const r = sid === undefined ? undefined : this.latestStmt.get(sid);
    return r ? toOhlcv(r) : undefined;
  }

  count(key: CandleKey): number {
    const sid = this.seriesId(key, false);
    return sid === undefined ? 0 : (this.countStmt.get(sid)?.n ?? 0);
  }

  /**
   * Stored candles ascending. With `since`: the first `limit` bars from `since`.
   * Without: the newest `limit` bars.
   */
  range(key: CandleKey, limit: number, since?: number): Ohlcv[] {
    const sid = this.seriesId(key, false);
    if (sid === undefined) return [];
    if (since !== undefined) return this.rangeAscStmt.all(sid, since, limit).map(toOhlcv);
    return this.rangeDescStmt.all(sid, limit).map(toOhlcv).reverse();
  }

  /** The newest `limit` stored candles that open before `before`, ascending (older history, page by page). */
  rangeBefore(key: CandleKey, limit: number, before: number): Ohlcv[] {
    const sid = this.seriesId(key, false);
    if (sid === undefined) return [];
    return this.beforeStmt.all(sid, before, limit).map(toOhlcv).reverse();
  }

  /** Up to `limit` buckets of `timeframe` (aggregated from 1m) that open before `before`, ascending. */
  aggregatedBefore(source: string, symbol: string, timeframe: Timeframe, limit: number, before: number): Ohlcv[] {
    const sid = this.seriesId({ source, symbol, timeframe: '1m' }, false);
    if (sid === undefined) return [];
    const tf = TIMEFRAME_MS[timeframe];
    let until = before - (((before % tf) + tf) % tf);
    let rows = this.aggStmt.all({ sid, tf, since: Math.max(0, until - limit * tf), until }).map(toOhlcv);
    if (rows.length === 0) {
      // A hole in the stored 1m bars: go on from the newest older bar there is, if any.
      const older = this.beforeStmt.get(sid, until, 1);
      if (!older) return [];
      until = older.ts - (older.ts % tf) + tf;
      rows = this.aggStmt.all({ sid, tf, since: Math.max(0, until - limit * tf), until }).map(toOhlcv);
    }
    return rows;
  }

  /** Buckets of `timeframe` aggregated from stored 1m candles, ascending, same `since`/`limit` rules as range(). */
  aggregated(source: string, symbol: string, timeframe: Timeframe, limit: number, since?: number): Ohlcv[] {
    const sid = this.seriesId({ source, symbol, timeframe: '1m' }, false);
    if (sid === undefined) return [];
    const tf = TIMEFRAME_MS[timeframe];
    if (since !== undefined) {
      const from = since - (since % tf);
      return this.aggStmt.all({ sid, tf, since: from, until: from + limit * tf }).map(toOhlcv);
    }
    const last = this.latestStmt.get(sid);
    if (!last) return [];
    const lastBucket = last.ts - (last.ts % tf);
    const from = lastBucket - (limit - 1) * tf;
    return this.aggStmt.all({ sid, tf, since: from, until: lastBucket + tf }).map(toOhlcv);
  }
}
