import type { Migration } from './index';

/**
 * Watchlists: the trader's own lists of (source, symbol) pairs, shown in the panel beside the
 * chart. A list's symbols are kept in order (position) and each pair appears once per list.
 */
export const m019Watchlists: Migration = {
  version: 19,
  name: 'watchlists: named lists of (source, symbol)',
  up(db) {
    db.exec(`
      CREATE TABLE watchlists (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX watchlists_name ON watchlists (name COLLATE NOCASE);
      CREATE TABLE watchlist_symbols (
        watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        source TEXT NOT NULL,
        symbol TEXT NOT NULL,
        PRIMARY KEY (watchlist_id, position),
        UNIQUE (watchlist_id, source, symbol)
      ) WITHOUT ROWID;
    `);
  },
};
