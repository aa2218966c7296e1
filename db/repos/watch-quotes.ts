/**
 * Reads behind `watchlists.quotes`: the stored close at or before a time and the first bar after
 * one, per series (each an index seek on (series id, ts)), and the newest signal per symbol.
 */
import type { Database } from 'better-sqlite3';
import type { SignalSide } from '../../engine/api/commands/signals';
import type { Timeframe } from '../../engine/api/timeframes';

export interface PricePoint {
  ts: number;
  price: number;
}
export interface NewestSignal {
  id: number;
  source: string;
  symbol: string;
  side: SignalSide;
  barTime: number;
}

export class WatchQuotesRepo {
  private readonly seriesStmt;
  private readonly atOrBeforeStmt;
  private readonly latestStmt;
  private readonly firstFromStmt;
  private readonly newestSignalsStmt;

  constructor(db: Database) {
    this.seriesStmt = db.prepare<[string, string, string], { id: number }>('SELECT id FROM series WHERE source = ? AND symbol = ? AND timeframe = ?');
    this.atOrBeforeStmt = db.prepare<[number, number], { ts: number; close: number }>('SELECT ts, close FROM candles WHERE series_id = ? AND ts <= ? ORDER BY ts DESC LIMIT 1');
    this.latestStmt = db.prepare<[number], { ts: number; close: number }>('SELECT ts, close FROM candles WHERE series_id = ? ORDER BY ts DESC LIMIT 1');
    this.firstFromStmt = db.prepare<[number, number], { ts: number; open: number }>('SELECT ts, open FROM candles WHERE series_id = ? AND ts >= ? ORDER BY ts ASC LIMIT 1');
    this.newestSignalsStmt = db.prepare<[], { id: number; source: string; symbol: string; side: string; bar_time: number }>(
      `SELECT id, source, symbol, side, bar_time FROM signals
       WHERE id IN (SELECT MAX(id) FROM signals WHERE status != 'rejected' GROUP BY source, symbol)`,
    );
  }

  /** The series id of (source, symbol, timeframe), if anything was ever stored for it. */
  seriesId(source: string, symbol: string, timeframe: Timeframe): number | undefined {
    return this.seriesStmt.get(source, symbol, timeframe)?.id;
  }

  /** The close of the newest bar opening at or before `ts`. */
  closeAtOrBefore(series: number, ts: number): PricePoint | undefined {
    const r = this.atOrBeforeStmt.get(series, ts);
    return r ? { ts: r.ts, price: r.close } : undefined;
  }

  latest(series: number): PricePoint | undefined {
    const r = this.latestStmt.get(series);
    return r ? { ts: r.ts, price: r.close } : undefined;
  }

  /** The open of the oldest bar opening at or after `ts`. */
  openFrom(series: number, ts: number): PricePoint | undefined {
    const r = this.firstFromStmt.get(series, ts);
    return r ? { ts: r.ts, price: r.open } : undefined;
  }

  /** The newest non-rejected signal of every (source, symbol). */
  newestSignals(): NewestSignal[] {
    return this.newestSignalsStmt.all().map((r) => ({ id: r.id, source: r.source, symbol: r.symbol, side: r.side as SignalSide, barTime: r.bar_time }));
  }
}
