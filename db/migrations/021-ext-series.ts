import type { Migration } from './index';

/**
 * Data beyond candles: funding, open interest, order-book figures and HTTP JSON series.
 *
 * - `series_values`: one row per series and timestamp (ms UTC), keyed by the `series` table of
 *   migration 009. An external series is a `series` row whose `timeframe` column holds the series
 *   name (`value`, `funding`, `open_interest`, `book_spread`, …) instead of a candle timeframe, and
 *   whose `symbol` is the market symbol ('' for an http_json source). Candle timeframes (1m…1d)
 *   and series names never overlap, so candles and values never share a series id.
 * - `market_sources.kind` also allows `http_json`. SQLite cannot change a CHECK, so the table is
 *   copied into a new one made from its own stored CREATE statement with only the CHECK's list
 *   widened: columns another migration may have added survive, and every row is copied as is.
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
      CREATE VIEW named_series_values AS
        SELECT s.source AS source, s.symbol AS symbol, s.timeframe AS series, v.ts AS ts, v.value AS value
        FROM series_values v JOIN series s ON s.id = v.series_id;
    `);
    widenKindCheck(db);
  },
};

function widenKindCheck(db: Parameters<Migration['up']>[0]): void {
  const row = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'market_sources'").get() as { sql: string } | undefined;
  if (!row) throw new Error('migration 021: the market_sources table is missing');
  const check = /CHECK\s*\(\s*kind\s+IN\s*\(([^)]*)\)\s*\)/i;
  const m = check.exec(row.sql);
  if (!m) throw new Error('migration 021: market_sources has no CHECK on kind to widen');
  if (m[1]!.includes("'http_json'")) return;
  const created = row.sql
    .replace(check, `CHECK (kind IN (${m[1]!.trim()}, 'http_json'))`)
    .replace(/^CREATE TABLE\s+(IF NOT EXISTS\s+)?("?)market_sources\2/i, 'CREATE TABLE market_sources_new');
  // Indexes (and triggers) on the table go with it when it is dropped: made again afterwards.
  const extras = (db.prepare("SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'market_sources' AND sql IS NOT NULL").all() as Array<{ sql: string }>).map((r) => r.sql);
  db.exec(created);
  db.exec('INSERT INTO market_sources_new SELECT * FROM market_sources');
  db.exec('DROP TABLE market_sources');
  db.exec('ALTER TABLE market_sources_new RENAME TO market_sources');
  for (const sql of extras) db.exec(sql);
}
