import type { Migration } from './index';

/** The collector: market sources (keys sealed), back-fill jobs (resumable), known gaps. */
export const m007Collector: Migration = {
  version: 7,
  name: 'collector: sources, backfill jobs, known gaps',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS market_sources (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('ccxt', 'replay')),
        enabled INTEGER NOT NULL DEFAULT 1,
        config TEXT NOT NULL,
        keys_enc TEXT,
        discovered TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS backfill_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        since INTEGER NOT NULL,
        until INTEGER NOT NULL,
        cursor INTEGER NOT NULL,
        status TEXT NOT NULL,
        expected INTEGER NOT NULL,
        fetched INTEGER NOT NULL DEFAULT 0,
        gaps_repaired INTEGER NOT NULL DEFAULT 0,
        known_gaps INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS backfill_jobs_status ON backfill_jobs (status);
      CREATE TABLE IF NOT EXISTS known_gaps (
        source TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        start_ts INTEGER NOT NULL,
        end_ts INTEGER NOT NULL,
        reason TEXT NOT NULL,
        recorded_at INTEGER NOT NULL,
        PRIMARY KEY (source, symbol, timeframe, start_ts)
      ) WITHOUT ROWID;
    `);
  },
};
