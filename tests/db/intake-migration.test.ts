import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../db/migrations/index';

describe('migration 016 (intake)', () => {
  it('creates the intake tables; an idempotency key is unique per source, absent keys are not', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.filter((m) => m.version <= 16));
    expect(db.pragma('user_version', { simple: true })).toBe(16);
    db.prepare("INSERT INTO intake_sources (name, market, channel_id, config, secret_sealed, created_at, updated_at) VALUES ('a', 'sim', 1, '{}', 'x', 0, 0)").run();
    const ins = db.prepare("INSERT INTO intake_events (source_id, idempotency_key, status, payload, timeline, created_at, updated_at) VALUES (1, ?, 'validated', '{}', '[]', 0, 0)");
    ins.run('k');
    expect(() => ins.run('k')).toThrow(/UNIQUE/);
    ins.run(null);
    ins.run(null);
    expect(db.prepare('SELECT COUNT(*) AS n FROM intake_events').get()).toEqual({ n: 3 });
    for (const t of ['ai_providers', 'ai_decisions']) expect(db.prepare("SELECT name FROM sqlite_master WHERE name = ?").get(t)).toEqual({ name: t });
  });
});
