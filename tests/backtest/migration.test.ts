/** Migration 014: the backtest_runs table on a database at version 9, and the repository over it. */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../db/migrations/index';
import { BacktestRepo } from '../../db/repos/backtest';
import { tempDir } from '../helpers/serve';

describe('migration 014 (backtest)', () => {
  it('upgrades a version-9 database; runs round-trip through the repository; interrupted runs are marked failed', () => {
    const db = new BetterSqlite3(path.join(tempDir('sd-bt-mig-'), 'x.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version <= 9));
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    expect(migrate(db)).toContain(14);
    const cols = (db.prepare("PRAGMA table_info('backtest_runs')").all() as Array<{ name: string }>).map((c) => c.name);
    expect(cols).toEqual(['id', 'kind', 'status', 'input', 'metrics', 'trades', 'equity', 'sweep', 'error', 'bars_done', 'bars_total', 'created_at', 'finished_at']);
    expect(() => db.prepare("INSERT INTO backtest_runs (kind, status, input, created_at) VALUES ('run', 'bogus', '{}', 1)").run()).toThrow(/CHECK/);
    const repo = new BacktestRepo(db);
    const input = { strategy: { id: 'ema_cross' }, source: 'sim', symbols: ['BTC/USDT'], timeframe: '5m' as const };
    const a = repo.insert('run', input, 100, 1000);
    const b = repo.insert('sweep', input, 0, 2000);
    repo.finish(a, 'done', { metrics: null, trades: [], equity: [[1, 2]] }, null, 100, 3000);
    expect(repo.get(a)).toMatchObject({ id: a, kind: 'run', status: 'done', input, equity: [[1, 2]], barsDone: 100, barsTotal: 100, finishedAt: 3000 });
    expect(repo.list(10).map((r) => [r.id, r.status])).toEqual([
      [b, 'queued'],
      [a, 'done'],
    ]);
    expect(repo.markInterrupted(4000)).toBe(1);
    expect(repo.get(b)).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted/) as unknown as string });
    expect(repo.delete(a)).toBe(true);
    expect(repo.get(a)).toBeNull();
    db.close();
  });
});
