import type { Migration } from './index';

/**
 * Candles keyed by an integer series id instead of repeating source, symbol and timeframe as
 * text in every row (about a third less disk per 1m candle). Moves every stored candle, then
 * drops the old table, in one transaction: on a large store this takes a while at the first
 * start and needs free disk about the size of the candles for the copy. The freed pages are
 * reused by new candles (run `VACUUM` on the file to give them back to the file system).
 *
 * `named_candles` is a read-only view with the old column names, for ad-hoc SQL.
 * There is no foreign key from candles to series: only CandlesRepo writes candles, always with
 * an id it read from series, and a foreign-key check on every inserted row would cost ingest
 * speed for nothing.
 */
export const m009SeriesCandles: Migration = {
  version: 9,
  name: 'candles keyed by series id',
  up(db) {
    db.exec(`
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        UNIQUE (source, symbol, timeframe)
      );
      -- Ids follow the old primary key's order, so the scan below (in that order) writes the new
      -- table in key order too, without sorting the whole store first.
      INSERT INTO series (source, symbol, timeframe)
        SELECT DISTINCT source, symbol, timeframe FROM candles ORDER BY source, symbol, timeframe;
      ALTER TABLE candles RENAME TO candles_by_name;
      CREATE TABLE candles (
        series_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        open REAL NOT NULL,
        high REAL NOT NULL,
        low REAL NOT NULL,
        close REAL NOT NULL,
        volume REAL NOT NULL,
        PRIMARY KEY (series_id, ts)
      ) WITHOUT ROWID;
      INSERT INTO candles (series_id, ts, open, high, low, close, volume)
        SELECT s.id, c.ts, c.open, c.high, c.low, c.close, c.volume
        FROM candles_by_name c JOIN series s ON s.source = c.source AND s.symbol = c.symbol AND s.timeframe = c.timeframe;
      DROP TABLE candles_by_name;
      CREATE VIEW named_candles AS
        SELECT s.source AS source, s.symbol AS symbol, s.timeframe AS timeframe,
               c.ts AS ts, c.open AS open, c.high AS high, c.low AS low, c.close AS close, c.volume AS volume
        FROM candles c JOIN series s ON s.id = c.series_id;
    `);
  },
};
