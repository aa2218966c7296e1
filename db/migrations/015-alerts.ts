import type { Migration } from './index';

/**
 * Alerts: the trader's rules, the alert records their firings create, and each rule's
 * evaluation state (last side of a crossing, last bar evaluated, last truth, when a health
 * condition began), kept so a restart neither loses an alert nor fires one again.
 */
export const m015Alerts: Migration = {
  version: 15,
  name: 'alerts: rules, alert records and evaluation state',
  up(db) {
    db.exec(`
      CREATE TABLE alert_rules (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('price', 'indicator', 'performance', 'risk', 'health', 'goal')),
        condition TEXT NOT NULL,
        priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
        delivery TEXT NOT NULL DEFAULT '["desktop"]',
        throttle_minutes REAL NOT NULL DEFAULT 0,
        once INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        last_fired_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        rule_id INTEGER NOT NULL,
        rule_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        priority TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'acknowledged', 'resolved', 'snoozed')),
        message TEXT NOT NULL,
        "values" TEXT NOT NULL DEFAULT '{}',
        fired_at INTEGER NOT NULL,
        source TEXT,
        symbol TEXT,
        dedup_key TEXT NOT NULL,
        snoozed_until INTEGER,
        acknowledged_at INTEGER,
        resolved_at INTEGER,
        resolution TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX alerts_dedup ON alerts (rule_id, dedup_key);
      CREATE INDEX alerts_status ON alerts (status, fired_at);
      CREATE INDEX alerts_fired ON alerts (fired_at);
      CREATE TABLE alert_rule_state (
        rule_id INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `);
  },
};
