/** Migration 021: a version-16 database keeps its sources, gains series_values, and accepts http_json sources. */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { MIGRATIONS, migrate } from '../../db/migrations/index';
import { ExtSeriesRepo } from '../../db/repos/ext-series';
import { MarketSourcesRepo } from '../../db/repos/market-sources';
import { tempDir } from '../helpers/serve';

describe('migration 021: external series', () => {
  it('keeps every source row, adds series_values keyed by series, and allows http_json sources', () => {
    const file = path.join(tempDir(), 'v20.db');
    const old = new BetterSqlite3(file);
    migrate(old, MIGRATIONS.filter((m) => m.version < 21));
    old.prepare("INSERT INTO market_sources (id, kind, enabled, config, keys_enc, discovered, created_at, updated_at) VALUES ('bn', 'ccxt', 1, '{\"exchange\":\"binance\",\"timeframes\":[\"1h\"],\"symbols\":[\"BTC/USDT\"]}', 'sealed', NULL, 1, 2)").run();
    expect(() => old.prepare("INSERT INTO market_sources (id, kind, enabled, config, created_at, updated_at) VALUES ('x', 'http_json', 1, '{}', 1, 1)").run()).toThrow(/CHECK/);
    // A column and an index another migration may have added before 021 survive it.
    old.exec("ALTER TABLE market_sources ADD COLUMN note TEXT; UPDATE market_sources SET note = 'kept'; CREATE INDEX market_sources_kind ON market_sources (kind)");
    old.prepare("INSERT INTO series (source, symbol, timeframe) VALUES ('bn', 'BTC/USDT', '1h')").run();
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(21);
    expect(db.prepare("SELECT note FROM market_sources WHERE id = 'bn'").get()).toEqual({ note: 'kept' });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'market_sources_kind'").get()).toEqual({ name: 'market_sources_kind' });
    const sources = new MarketSourcesRepo(db);
    expect(sources.get('bn')).toMatchObject({ kind: 'ccxt', enabled: true, keysEnc: 'sealed', createdAt: 1, updatedAt: 2, config: { exchange: 'binance' } });
    sources.insert({ id: 'fng', kind: 'http_json', enabled: true, config: { url: 'https://x' }, keysEnc: null, createdAt: 3, updatedAt: 3 });
    expect(sources.list().map((s) => s.id)).toEqual(['bn', 'fng']);
    expect(() => db.prepare("INSERT INTO market_sources (id, kind, enabled, config, created_at, updated_at) VALUES ('y', 'ftp', 1, '{}', 1, 1)").run()).toThrow(/CHECK/);

    const repo = new ExtSeriesRepo(db);
    repo.upsert({ source: 'fng', symbol: '', series: 'value' }, [[2000, 2], [1000, 1]]);
    repo.upsert({ source: 'fng', symbol: '', series: 'value' }, [[2000, 2.5]]);
    expect(repo.range({ source: 'fng', symbol: '', series: 'value' })).toEqual([[1000, 1], [2000, 2.5]]);
    expect(repo.atOrBefore({ source: 'fng', symbol: '', series: 'value' }, 1999)).toEqual([1000, 1]);
    expect(repo.atOrBefore({ source: 'fng', symbol: '', series: 'value' }, 2000)).toEqual([2000, 2.5]);
    expect(repo.atOrBefore({ source: 'fng', symbol: '', series: 'value' }, 999)).toBeNull();
    // Series values live beside candles in the one series table, never under a candle timeframe.
    expect(db.prepare('SELECT source, symbol, timeframe FROM series ORDER BY id').all()).toEqual([
      { source: 'bn', symbol: 'BTC/USDT', timeframe: '1h' },
      { source: 'fng', symbol: '', timeframe: 'value' },
    ]);
    expect(db.prepare('SELECT source, series, ts, value FROM named_series_values ORDER BY ts').all()).toEqual([
      { source: 'fng', series: 'value', ts: 1000, value: 1 },
      { source: 'fng', series: 'value', ts: 2000, value: 2.5 },
    ]);
    db.close();
  });
});
