import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../db/migrations/index';
import { AlertRulesRepo, AlertsRepo, AlertStateRepo } from '../../db/repos/alerts';
import { tempDir } from '../helpers/serve';

describe('migration 015: alerts', () => {
  it('upgrades a goals-era database, keeps its data, and an alert is unique per rule and dedup key', () => {
    const db = new BetterSqlite3(path.join(tempDir('sd-m015-'), 'x.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.filter((m) => m.version < 15));
    db.prepare("INSERT INTO accounts (name, kind, source, created_at, updated_at) VALUES ('Paper', 'paper', 'sim', 1, 1)").run();
    expect(migrate(db)).toContain(15);
    // Later migrations (016 intake, …) run on top: the database ends at the latest version.
    expect(db.pragma('user_version', { simple: true })).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(db.prepare('SELECT name FROM accounts').get()).toEqual({ name: 'Paper' });
    const rules = new AlertRulesRepo(db);
    const r = rules.insert({ name: 'BTC above 70k', kind: 'price', condition: { source: 'sim', symbol: 'BTC/USDT', op: 'crosses_above', value: 70_000 }, priority: 'high', delivery: ['desktop', 'telegram'], throttleMinutes: 5, once: false, enabled: true }, 10);
    expect(rules.get(r.id)).toMatchObject({ kind: 'price', delivery: ['desktop', 'telegram'], throttleMinutes: 5, lastFiredAt: null });
    const alerts = new AlertsRepo(db);
    const draft = { ruleId: r.id, ruleName: r.name, kind: 'price' as const, priority: 'high' as const, message: 'm', values: { price: 70_012.5 }, firedAt: 20, source: 'sim', symbol: 'BTC/USDT', dedupKey: 'cross:above:20' };
    expect(alerts.insert(draft, 20)?.values).toEqual({ price: 70_012.5 });
    expect(alerts.insert(draft, 21)).toBeNull(); // the same crossing: not twice
    expect(alerts.insert({ ...draft, dedupKey: 'cross:above:30', firedAt: 30 }, 30)).not.toBeNull();
    expect(() => db.prepare("INSERT INTO alert_rules (name, kind, condition, priority, created_at, updated_at) VALUES ('x', 'weather', '{}', 'low', 1, 1)").run()).toThrow(/CHECK/);
    const state = new AlertStateRepo(db);
    state.set(r.id, { side: 'above' }, 1);
    state.set(r.id, { side: 'below' }, 2);
    expect(state.all().get(r.id)).toEqual({ side: 'below' });
    expect(rules.delete(r.id)).toBe(1);
    expect(state.all().size).toBe(0);
    expect(alerts.list({})).toHaveLength(2); // alerts stay in the history
    db.close();
  });
});
