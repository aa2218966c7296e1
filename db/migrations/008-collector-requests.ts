import type { Migration } from './index';

/**
 * The collector's request counts per minute, per source and per feed, so "requests in the last
 * 24 h" survives a restart (and a source's restart on edit). `feed` is '' for the source total,
 * else "SYMBOL|timeframe". Rows older than a day are pruned as the counts are flushed.
 */
export const m008CollectorRequests: Migration = {
  version: 8,
  name: 'collector: request counts per minute',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS collector_requests (
        source TEXT NOT NULL,
        feed TEXT NOT NULL,
        minute INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (source, feed, minute)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS collector_requests_minute ON collector_requests (minute);
    `);
  },
};
