import type { Migration } from './index';

/**
 * Goals: targets per account, their snapshots (exactly one daily snapshot per goal per UTC day,
 * enforced by a partial UNIQUE index, plus any number of manual ones), the log of sizing and
 * stance adjustments, and per-account goal state (last factor and stance). Order intents record
 * the goal sizing factor and its reason.
 */
export const m011Goals: Migration = {
  version: 11,
  name: 'goals: goals, snapshots, adjustments; intents record the sizing factor',
  up(db) {
    db.exec(`
      CREATE TABLE goals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        type TEXT NOT NULL CHECK (type IN ('monthly_return', 'monthly_income', 'portfolio_value')),
        target REAL NOT NULL CHECK (target > 0),
        label TEXT NOT NULL,
        deadline INTEGER,
        start_equity TEXT NOT NULL,
        last_status TEXT,
        last_period INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX goals_account ON goals (account_id);
      CREATE TABLE goal_snapshots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('daily', 'manual')),
        ts INTEGER NOT NULL,
        current REAL NOT NULL,
        expected REAL NOT NULL,
        target REAL NOT NULL,
        progress_pct REAL NOT NULL,
        pace REAL,
        status TEXT NOT NULL,
        period_start INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX goal_snapshots_daily ON goal_snapshots (goal_id, day) WHERE kind = 'daily';
      CREATE INDEX goal_snapshots_goal_ts ON goal_snapshots (goal_id, ts);
      CREATE TABLE goal_adjustments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        ts INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('sizing', 'stance')),
        factor REAL NOT NULL,
        rule INTEGER NOT NULL,
        stance TEXT NOT NULL,
        sentence TEXT NOT NULL
      );
      CREATE INDEX goal_adjustments_account_ts ON goal_adjustments (account_id, ts);
      CREATE TABLE goal_account_state (
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
        factor REAL NOT NULL,
        rule INTEGER NOT NULL,
        stance TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      ALTER TABLE order_intents ADD COLUMN sizing_factor REAL;
      ALTER TABLE order_intents ADD COLUMN sizing_reason TEXT;
    `);
  },
};
