/** Migration 012 (delivery) upgrades a database that already holds signals. */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../db/migrations/index';

describe('migration 012: delivery', () => {
  it('adds webhooks, delivery jobs and attempts, and the first ack/snooze/execute times of existing signals', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.filter((m) => m.version < 12));
    db.prepare(
      `INSERT INTO signals (channel_id, source, symbol, timeframe, strategy, bar_time, side, entry, stop_loss, take_profit, confidence, reasons, status, created_at)
       VALUES (1, 'sim', 'BTC/USDT', '1m', 'ema_cross', 0, 'buy', 1, 0.9, 1.2, 0.5, '[]', 'acknowledged', 5)`,
    ).run();
    expect(migrate(db)).toContain(12);
    expect(db.prepare('SELECT acknowledged_at, snoozed_at, executed_at, status FROM signals').get()).toEqual({ acknowledged_at: null, snoozed_at: null, executed_at: null, status: 'acknowledged' });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => (r as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['webhooks', 'delivery_jobs', 'delivery_attempts']));
    expect(() => db.prepare("INSERT INTO delivery_attempts (delivery_id, target, event_type, ref, attempt, status, latency_ms, event_ts, ts) VALUES ('a', 'desktop', 't', 'r', 1, 'sent', 0, 0, 0)").run()).toThrow(/CHECK/);
  });
});
