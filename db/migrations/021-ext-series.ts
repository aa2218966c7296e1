import type { Migration } from './index';

/**
 * Data beyond candles (issue 18): funding, open interest, order-book figures and HTTP JSON series.
 *
 * - `series_values`: one row per series and timestamp (ms UTC), keyed by the `series` table of
 *   migration 009. An external series is a `series` row whose `timeframe` column holds the series
 *   name (`value`, `funding`, `open_interest`, `book_spread`, …) instead of a candle timeframe, and
 *   whose `symbol` is the market symbol ('' for an http_json source). Candle timeframes (1m…1d)
 *   and series names never overlap, so candles and values never share a series id.
 * - `market_sources.kind` also allows `http_json` (SQLite cannot change a CHECK, so the table is
 *   copied into a new one with the same columns).
 */
export const m021ExtSeries: Migration = {
  version: 21,
  name: 'external series values; http_json sources',
  up(db) {
    db.exec(`
      CREATE TABLE series_values (
        series_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (series_id, ts)
      ) WITHOUT ROWID;
      CREATE TABLE market_sources_new (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('ccxt', 'replay', 'http_json')),
        enabled INTEGER NOT NULL DEFAULT 1,
        config TEXT NOT NULL,
        keys_enc TEXT,
        discovered TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      INSERT INTO market_sources_new (id, kind, enabled, config, keys_enc, discovered, created_at, updated_at)
        SELECT id, kind, enabled, config, keys_enc, discovered, created_at, updated_at FROM market_sources;
      DROP TABLE market_sources;
      ALTER TABLE market_sources_new RENAME TO market_sources;
      CREATE VIEW named_series_values AS
        SELECT s.source AS source, s.symbol AS symbol, s.timeframe AS series, v.ts AS ts, v.value AS value
        FROM series_values v JOIN series s ON s.id = v.series_id;
    `);
  },
};
