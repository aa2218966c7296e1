import type { Database } from 'better-sqlite3';
import { preparedOnce, type Prepare } from './filter';

/** One stored point: [ts ms UTC, value]. */
export type SeriesPoint = [number, number];

/** Which series: a source, its market symbol ('' for an http_json source) and the series name. */
export interface SeriesKey {
  source: string;
  symbol: string;
  series: string;
}

export interface StoredSeries extends SeriesKey {
  points: number;
  first: number | null;
  last: number | null;
  lastValue: number | null;
}

/**
 * External series values (funding, open interest, book figures, HTTP JSON series): one row per
 * series and timestamp in `series_values`, keyed by a `series` row whose timeframe column holds
 * the series name (migration 021). Writes are batched upserts: a point read twice (a history
 * answer that overlaps the last one) is stored once, with the newer reading.
 */
export class ExtSeriesRepo {
  private readonly ids = new Map<string, number>();
  private readonly findStmt;
  private readonly addStmt;
  private readonly upsertStmt;
  private readonly rangeStmt;
  private readonly atOrBeforeStmt;
  private readonly lastStmt;
  private readonly listStmt;
  private readonly upsertBatch;

  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
    this.findStmt = db.prepare<[string, string, string], { id: number }>('SELECT id FROM series WHERE source = ? AND symbol = ? AND timeframe = ?');
    this.addStmt = db.prepare<[string, string, string]>('INSERT INTO series (source, symbol, timeframe) VALUES (?, ?, ?) ON CONFLICT (source, symbol, timeframe) DO NOTHING');
    this.upsertStmt = db.prepare<[number, number, number]>(
      'INSERT INTO series_values (series_id, ts, value) VALUES (?, ?, ?) ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value',
    );
    this.rangeStmt = db.prepare<[number, number, number, number], { ts: number; value: number }>(
      'SELECT ts, value FROM series_values WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts ASC LIMIT ?',
    );
    this.atOrBeforeStmt = db.prepare<[number, number], { ts: number; value: number }>(
      'SELECT ts, value FROM series_values WHERE series_id = ? AND ts <= ? ORDER BY ts DESC LIMIT 1',
    );
    this.lastStmt = db.prepare<[number], { ts: number; value: number }>('SELECT ts, value FROM series_values WHERE series_id = ? ORDER BY ts DESC LIMIT 1');
    this.listStmt = db.prepare<[string], { id: number; symbol: string; series: string; n: number; first: number | null; last: number | null }>(
      `SELECT s.id AS id, s.symbol AS symbol, s.timeframe AS series, COUNT(v.ts) AS n, MIN(v.ts) AS first, MAX(v.ts) AS last
       FROM series s JOIN series_values v ON v.series_id = s.id WHERE s.source = ? GROUP BY s.id ORDER BY s.symbol, s.timeframe`,
    );
    this.upsertBatch = db.transaction((sid: number, rows: readonly SeriesPoint[]) => {
      for (const r of rows) this.upsertStmt.run(sid, r[0], r[1]);
    });
  }

  private idOf(k: SeriesKey, create: boolean): number | null {
    const ck = `${k.source}\u0000${k.symbol}\u0000${k.series}`;
    const known = this.ids.get(ck);
    if (known !== undefined) return known;
    let row = this.findStmt.get(k.source, k.symbol, k.series);
    if (!row && create) {
      this.addStmt.run(k.source, k.symbol, k.series);
      row = this.findStmt.get(k.source, k.symbol, k.series);
    }
    if (!row) return null;
    this.ids.set(ck, row.id);
    return row.id;
  }

  /** Stores points (one transaction); returns how many were given. */
  upsert(k: SeriesKey, points: readonly SeriesPoint[]): number {
    if (points.length === 0) return 0;
    const sid = this.idOf(k, true)!;
    this.upsertBatch(sid, points);
    return points.length;
  }

  /** Points in [since, until), ascending, at most `limit`. */
  range(k: SeriesKey, since = 0, until = Number.MAX_SAFE_INTEGER, limit = 5000): SeriesPoint[] {
    const sid = this.idOf(k, false);
    if (sid === null) return [];
    return this.rangeStmt.all(sid, since, until, limit).map((r) => [r.ts, r.value]);
  }

  /** The newest `limit` points before `until` (exclusive), ascending. */
  tail(k: SeriesKey, limit: number, until = Number.MAX_SAFE_INTEGER): SeriesPoint[] {
    const sid = this.idOf(k, false);
    if (sid === null) return [];
    const rows = this.prepare
      <[number, number, number], { ts: number; value: number }>('SELECT ts, value FROM series_values WHERE series_id = ? AND ts < ? ORDER BY ts DESC LIMIT ?')
      .all(sid, until, limit);
    return rows.reverse().map((r) => [r.ts, r.value]);
  }

  /** The point-in-time read: the newest point whose time is at or before `ts`. */
  atOrBefore(k: SeriesKey, ts: number): SeriesPoint | null {
    const sid = this.idOf(k, false);
    if (sid === null) return null;
    const r = this.atOrBeforeStmt.get(sid, ts);
    return r ? [r.ts, r.value] : null;
  }

  last(k: SeriesKey): SeriesPoint | null {
    const sid = this.idOf(k, false);
    if (sid === null) return null;
    const r = this.lastStmt.get(sid);
    return r ? [r.ts, r.value] : null;
  }

  /** The symbols a source's series is stored under ('' for an http_json source). */
  symbols(source: string, series: string): string[] {
    return this.prepare
      <[string, string], { symbol: string }>('SELECT symbol FROM series WHERE source = ? AND timeframe = ? ORDER BY id')
      .all(source, series)
      .map((r) => r.symbol);
  }

  /** Every series of a source that has points, with counts and its newest value. */
  list(source: string): StoredSeries[] {
    return this.listStmt.all(source).map((r) => {
      const last = this.lastStmt.get(r.id);
      return { source, symbol: r.symbol, series: r.series, points: r.n, first: r.first, last: r.last, lastValue: last ? last.value : null };
    });
  }
}
