import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../db/migrations/index';
import { SignalsRepo } from '../../db/repos/signals';

describe('migration 022 (the AI review recorded with a signal)', () => {
  it('adds signals.ai_review to a database at 016 and keeps its signals, which read back with no review', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.filter((m) => m.version <= 16));
    db.prepare(
      `INSERT INTO signals (channel_id, autopilot, source, symbol, timeframe, strategy, strategy_key, bar_time, side, entry, stop_loss, take_profit, confidence, reasons, status, created_at, updated_at)
       VALUES (1, 0, 'sim', 'BTC/USDT', '1m', 'ema_cross', 'k', 0, 'buy', 100, 99, 102, 0.8, '["old"]', 'delivered', 0, 0)`,
    ).run();
    // Every migration after 016 runs (019 and 021 landed beside it), 022 among them.
    expect(migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 16).map((m) => m.version));
    expect(MIGRATIONS.map((m) => m.version)).toContain(22);
    expect(db.pragma('user_version', { simple: true })).toBe(22);
    const cols = (db.prepare('PRAGMA table_info(signals)').all() as Array<{ name: string }>).map((c) => c.name);
    expect(cols).toContain('ai_review');
    const repo = new SignalsRepo(db);
    expect(repo.get(1)).toMatchObject({ reasons: ['old'], aiReview: null });
    const review = { mode: 'gate' as const, opinions: [] };
    const id = repo.insert({ channelId: 1, autopilot: false, source: 'sim', symbol: 'ETH/USDT', timeframe: '1m', strategy: 's', strategyKey: 'k', barTime: 60_000, side: 'sell', entry: 1, stopLoss: 2, takeProfit: 0.5, confidence: 1, reasons: [], status: 'rejected', rejectReason: 'AI_SKIP', rejectDetail: 'x', aiReview: review, createdAt: 1 });
    expect(repo.get(id!)!.aiReview).toEqual(review);
  });
});
