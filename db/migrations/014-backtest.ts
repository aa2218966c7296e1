import type { Migration } from './index';

/**
 * Backtests and sweeps: one row per run with its input, status and progress, and
 * its results as JSON (metrics, trades, thinned equity curve, sweep table) once it finishes.
 */
export const m014Backtest: Migration = {
  version: 14,
  name: 'backtest: runs and sweeps',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS backtest_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'sweep')),
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        input TEXT NOT NULL,
        metrics TEXT,
        trades TEXT,
        equity TEXT,
        sweep TEXT,
        error TEXT,
        bars_done INTEGER NOT NULL DEFAULT 0,
        bars_total INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS backtest_runs_created ON backtest_runs (created_at);
    `);
  },
};
