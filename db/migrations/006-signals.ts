import type { Migration } from './index';

/**
 * Signals: channels, signals (the columns the order engine reads, plus extensions),
 * deliveries with latency, and outcomes. A signal is unique per (channel, symbol, timeframe,
 * bar time, side): the dedup key (a partial unique index over non-rejected signals, plus the
 * repository's insert that refuses any existing key). Rejected signals are stored with their
 * reason code.
 */
export const m006Signals: Migration = {
  version: 6,
  name: 'signals: channels, signals, deliveries, outcomes',
  up(db) {
    db.exec(`
      CREATE TABLE signal_channels (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        config TEXT NOT NULL,
        autopilot INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      );
      CREATE TABLE signals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel_id INTEGER NOT NULL,
        autopilot INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        strategy TEXT NOT NULL,
        strategy_key TEXT NOT NULL DEFAULT '',
        bar_time INTEGER NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        entry REAL NOT NULL,
        stop_loss REAL NOT NULL,
        take_profit REAL NOT NULL,
        confidence REAL NOT NULL,
        reasons TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('delivered', 'rejected', 'acknowledged', 'snoozed', 'executed', 'expired')),
        reject_reason TEXT,
        reject_detail TEXT,
        snoozed_until INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL DEFAULT 0
      );
      -- The dedup key. The database enforces it for every signal that may reach a person or an
      -- order (not rejected); the repository also refuses a rejected duplicate of any existing key.
      CREATE UNIQUE INDEX signals_dedup ON signals (channel_id, symbol, timeframe, bar_time, side) WHERE status != 'rejected';
      CREATE INDEX signals_created ON signals (created_at);
      CREATE INDEX signals_channel_symbol ON signals (channel_id, symbol, timeframe, bar_time);
      CREATE INDEX signals_channel_bar ON signals (channel_id, bar_time);
      CREATE INDEX signals_status ON signals (status);
      CREATE TABLE signal_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        signal_id INTEGER NOT NULL REFERENCES signals(id),
        target TEXT NOT NULL,
        notification_id INTEGER,
        delivered_at INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        ok INTEGER NOT NULL DEFAULT 1,
        error TEXT
      );
      CREATE INDEX signal_deliveries_signal ON signal_deliveries (signal_id);
      CREATE TABLE signal_outcomes (
        signal_id INTEGER PRIMARY KEY REFERENCES signals(id),
        channel_id INTEGER NOT NULL,
        strategy TEXT NOT NULL,
        result TEXT NOT NULL CHECK (result IN ('win', 'loss', 'expired')),
        exit_price REAL NOT NULL,
        profit_pct REAL NOT NULL,
        bars INTEGER NOT NULL,
        time_to_outcome_ms INTEGER NOT NULL,
        closed_at INTEGER NOT NULL
      );
      CREATE INDEX signal_outcomes_channel ON signal_outcomes (channel_id);
      CREATE INDEX signal_outcomes_strategy ON signal_outcomes (strategy);
    `);
  },
};
