import type { Database } from 'better-sqlite3';
import type { GapRange, KnownGap } from '../../engine/api/commands/market';
import { TIMEFRAME_MS, type Timeframe } from '../../engine/api/timeframes';
import { preparedOnce, type Prepare } from './filter';

export interface GapKey {
  source: string;
  symbol: string;
  timeframe: Timeframe;
}

/** Gap detection over stored candles, and the known gaps (bars an exchange does not have). */
export class GapsRepo {
  private readonly prepare: Prepare;
  constructor(private readonly db: Database) {
    this.prepare = preparedOnce(db);
  }

  /**
   * Missing bar ranges inside [from, to) given the bars stored there: holes between stored bars,
   * plus a hole at the start (from → first stored) and at the end (last stored → to).
   */
  missing(k: GapKey, from: number, to: number): GapRange[] {
    const step = TIMEFRAME_MS[k.timeframe];
    const out: GapRange[] = [];
    const push = (start: number, end: number): void => {
      if (end > start) out.push({ start, end, bars: Math.round((end - start) / step) });
    };
    const bounds = this.prepare
      ('SELECT MIN(ts) AS first, MAX(ts) AS last FROM candles WHERE series_id = (SELECT id FROM series WHERE source = ? AND symbol = ? AND timeframe = ?) AND ts >= ? AND ts < ?')
      .get(k.source, k.symbol, k.timeframe, from, to) as { first: number | null; last: number | null };
    if (bounds.first === null || bounds.last === null) {
      push(from, to);
      return this.minusKnown(k, out);
    }
    push(from, bounds.first);
    const holes = this.prepare
      (
        `SELECT prev, ts FROM (
           SELECT ts, LAG(ts) OVER (ORDER BY ts) AS prev FROM candles
           WHERE series_id = (SELECT id FROM series WHERE source = ? AND symbol = ? AND timeframe = ?) AND ts >= ? AND ts < ?
         ) WHERE prev IS NOT NULL AND ts - prev > ?`,
      )
      .all(k.source, k.symbol, k.timeframe, from, to, step) as Array<{ prev: number; ts: number }>;
    for (const h of holes) push(h.prev + step, h.ts);
    push(bounds.last + step, to);
    return this.minusKnown(k, out);
  }

  /** Removes the known-gap parts from ranges. */
  private minusKnown(k: GapKey, ranges: GapRange[]): GapRange[] {
    if (ranges.length === 0) return ranges;
    const known = this.known(k);
    if (known.length === 0) return ranges;
    const step = TIMEFRAME_MS[k.timeframe];
    let cur = ranges;
    for (const g of known) {
      const next: GapRange[] = [];
      for (const r of cur) {
        if (g.end <= r.start || g.start >= r.end) {
          next.push(r);
          continue;
        }
        if (g.start > r.start) next.push({ start: r.start, end: g.start, bars: Math.round((g.start - r.start) / step) });
        if (g.end < r.end) next.push({ start: g.end, end: r.end, bars: Math.round((r.end - g.end) / step) });
      }
      cur = next;
    }
    return cur;
  }

  known(k: GapKey): KnownGap[] {
    return (
      this.prepare
        ('SELECT start_ts AS start, end_ts AS "end", reason, recorded_at AS recordedAt FROM known_gaps WHERE source = ? AND symbol = ? AND timeframe = ? ORDER BY start_ts')
        .all(k.source, k.symbol, k.timeframe) as Array<Omit<KnownGap, 'bars'>>
    ).map((g) => ({ ...g, bars: Math.round((g.end - g.start) / TIMEFRAME_MS[k.timeframe]) }));
  }

  recordKnown(k: GapKey, start: number, end: number, reason: string, at: number): void {
    this.prepare
      (
        `INSERT INTO known_gaps (source, symbol, timeframe, start_ts, end_ts, reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(source, symbol, timeframe, start_ts) DO UPDATE SET end_ts = MAX(end_ts, excluded.end_ts), reason = excluded.reason, recorded_at = excluded.recorded_at`,
      )
      .run(k.source, k.symbol, k.timeframe, start, end, reason, at);
  }

  bounds(k: GapKey): { first: number | null; last: number | null; stored: number } {
    return this.prepare
      ('SELECT MIN(ts) AS first, MAX(ts) AS last, COUNT(*) AS stored FROM candles WHERE series_id = (SELECT id FROM series WHERE source = ? AND symbol = ? AND timeframe = ?)')
      .get(k.source, k.symbol, k.timeframe) as { first: number | null; last: number | null; stored: number };
  }
}
