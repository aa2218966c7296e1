import type { Migration } from './index';

/**
 * Delivery: webhooks (secret sealed), delivery jobs (one per event and target; pending ones
 * resume after a restart), every attempt logged, and when a signal was first acknowledged,
 * snoozed or executed (the per-channel delivery metrics).
 */
export const m012Delivery: Migration = {
  version: 12,
  name: 'delivery: webhooks, jobs, attempts',
  up(db) {
    db.exec(`
      CREATE TABLE webhooks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL,
        secret_sealed TEXT NOT NULL,
        events TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE delivery_jobs (
        id TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        event_type TEXT NOT NULL,
        ref TEXT NOT NULL,
        payload TEXT NOT NULL,
        event_ts REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'dropped')),
        next_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX delivery_jobs_pending ON delivery_jobs (state, next_at);
      CREATE TABLE delivery_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL,
        target TEXT NOT NULL,
        event_type TEXT NOT NULL,
        ref TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('delivered', 'retrying', 'failed', 'dropped')),
        http_status INTEGER,
        error TEXT,
        latency_ms REAL NOT NULL,
        event_ts REAL NOT NULL,
        ts INTEGER NOT NULL,
        next_attempt_at INTEGER
      );
      CREATE INDEX delivery_attempts_ts ON delivery_attempts (ts);
      CREATE INDEX delivery_attempts_target ON delivery_attempts (target, ts);
      ALTER TABLE signals ADD COLUMN acknowledged_at INTEGER;
      ALTER TABLE signals ADD COLUMN snoozed_at INTEGER;
      ALTER TABLE signals ADD COLUMN executed_at INTEGER;
    `);
  },
};
