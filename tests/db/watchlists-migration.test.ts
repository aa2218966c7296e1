import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../db/migrations/index';

describe('migration 019 (watchlists)', () => {
  it('applies after the earlier ones; names are unique ignoring case, a pair once per list, symbols go with their list', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.version < 19));
    expect(migrate(db, MIGRATIONS.filter((m) => m.version <= 19))).toEqual([19]);
    expect(db.pragma('user_version', { simple: true })).toBe(19);
    db.prepare("INSERT INTO watchlists (name, created_at, updated_at) VALUES ('Majors', 0, 0)").run();
    expect(() => db.prepare("INSERT INTO watchlists (name, created_at, updated_at) VALUES ('MAJORS', 0, 0)").run()).toThrow(/UNIQUE/);
    const add = db.prepare('INSERT INTO watchlist_symbols (watchlist_id, position, source, symbol) VALUES (1, ?, ?, ?)');
    add.run(0, 'sim', 'BTC/USDT');
    add.run(1, 'sim', 'ETH/USDT');
    expect(() => add.run(2, 'sim', 'BTC/USDT')).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO watchlist_symbols (watchlist_id, position, source, symbol) VALUES (42, 0, 'sim', 'X/Y')").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM watchlists WHERE id = 1').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM watchlist_symbols').get()).toEqual({ n: 0 });
  });
});
