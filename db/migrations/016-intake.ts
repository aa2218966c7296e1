import type { Migration } from './index';

/**
 * Intake: inbound signal sources (each with its sealed secret and its own signal
 * channel), inbound events with their timeline (idempotency key unique per source), and AI
 * second-opinion providers (sealed keys) with the decisions they gave.
 */
export const m016Intake: Migration = {
  version: 16,
  name: 'intake: inbound sources, events with timeline, AI providers and decisions',
  up(db) {
    db.exec(`
      CREATE TABLE intake_sources (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        market TEXT NOT NULL,
        channel_id INTEGER NOT NULL,
        config TEXT NOT NULL,
        secret_sealed TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      );
      CREATE TABLE intake_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id INTEGER NOT NULL REFERENCES intake_sources(id),
        idempotency_key TEXT,
        status TEXT NOT NULL,
        payload TEXT NOT NULL,
        timeline TEXT NOT NULL,
        reject_code TEXT,
        reject_detail TEXT,
        signal_id INTEGER,
        enrichment TEXT,
        opinions TEXT NOT NULL DEFAULT '[]',
        step TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX intake_events_idem ON intake_events (source_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX intake_events_status ON intake_events (status, id);
      CREATE INDEX intake_events_source ON intake_events (source_id, id);
      CREATE TABLE ai_providers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        base_url TEXT NOT NULL,
        model TEXT NOT NULL,
        api_key_sealed TEXT,
        timeout_ms INTEGER NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      );
      CREATE TABLE ai_decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        provider_id INTEGER NOT NULL,
        event_id INTEGER,
        status TEXT NOT NULL,
        verdict TEXT NOT NULL,
        confidence REAL NOT NULL,
        prompt_version TEXT NOT NULL,
        prompt_hash TEXT NOT NULL,
        latency_ms REAL NOT NULL,
        tokens INTEGER NOT NULL DEFAULT 0,
        raw TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX ai_decisions_provider ON ai_decisions (provider_id, id);
    `);
  },
};
