import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../db/migrations/index';
import { GoalsRepo } from '../../db/repos/goals';
import { tempDir } from '../helpers/serve';

describe('migration 011: goals', () => {
  it('upgrades a database with orders in it: intents gain sizing columns, goals tables appear, one daily snapshot per goal per day', () => {
    const db = new BetterSqlite3(path.join(tempDir('sd-m011-'), 'x.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.version < 11));
    db.prepare("INSERT INTO accounts (name, kind, source, created_at, updated_at) VALUES ('Paper', 'paper', 'sim', 1, 1)").run();
    db.prepare("INSERT INTO order_intents (idempotency_key, account_id, origin, symbol, side, type, request, client_order_id, status, created_at) VALUES ('k', 1, 'manual', 'BTC/USDT', 'buy', 'market', '{}', 'c', 'done', 1)").run();
    expect(migrate(db)).toContain(11);
    expect(db.prepare('SELECT sizing_factor, sizing_reason FROM order_intents').get()).toEqual({ sizing_factor: null, sizing_reason: null });
    const repo = new GoalsRepo(db);
    const g = repo.insert({ accountId: 1, type: 'monthly_return', target: 10, label: 'r', deadline: null, startEquity: '10000', createdAt: 1 }, 'on_track', 1);
    const snap = { goalId: g.id, day: '2030-01-31', kind: 'daily' as const, ts: 5, current: 1, expected: 2, target: 10, progressPct: 10, pace: 0.5, status: 'behind' as const, periodStart: 1 };
    expect(repo.insertSnapshot(snap)).toBe(true);
    expect(repo.insertSnapshot({ ...snap, ts: 6, current: 9 })).toBe(false);
    expect(repo.insertSnapshot({ ...snap, kind: 'manual', ts: 7 })).toBe(true);
    expect(repo.insertSnapshot({ ...snap, kind: 'manual', ts: 8 })).toBe(true);
    expect(repo.history(g.id).map((s) => [s.kind, s.current])).toEqual([['daily', 1], ['manual', 1], ['manual', 1]]);
    expect(() => db.prepare("INSERT INTO goals (account_id, type, target, label, start_equity, created_at, updated_at) VALUES (1, 'monthly_return', 0, 'x', '1', 1, 1)").run()).toThrow(/CHECK/);
    expect(repo.delete(g.id)).toBe(1);
    expect(repo.history(g.id)).toEqual([]);
    db.close();
  });
});
