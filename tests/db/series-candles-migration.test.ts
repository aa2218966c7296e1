import { describe, expect, it } from 'vitest';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../db/database';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../db/migrations/index';
import { CandlesRepo } from '../../db/repos/candles';
import type { Ohlcv } from '../../engine/api/timeframes';
import { readOhlcv } from '../helpers/ohlcv';
import { tempDir } from '../helpers/serve';

type NamedRow = { source: string; symbol: string; timeframe: string; ts: number; open: number; high: number; low: number; close: number; volume: number };

/** A database file exactly as Signaldesk left it at schema version 8, with these candles in the text-keyed table. */
function version8(file: string, rows: NamedRow[]): void {
  const db = new BetterSqlite3(file);
  expect(migrate(db, MIGRATIONS.filter((m) => m.version <= 8)).at(-1)).toBe(8);
  const ins = db.prepare('INSERT INTO candles (source, symbol, timeframe, ts, open, high, low, close, volume) VALUES (@source, @symbol, @timeframe, @ts, @open, @high, @low, @close, @volume)');
  db.transaction(() => rows.forEach((r) => ins.run(r)))();
  db.close();
}

const named = (source: string, symbol: string, timeframe: string, c: Ohlcv): NamedRow => ({ source, symbol, timeframe, ts: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5] });
const byKey = (a: NamedRow, b: NamedRow) =>
  a.source.localeCompare(b.source) || a.symbol.localeCompare(b.symbol) || a.timeframe.localeCompare(b.timeframe) || a.ts - b.ts;

describe('migration 009: candles keyed by series id', () => {
  it('moves every candle of a version-8 database exactly, each to its own series', () => {
    const file = path.join(tempDir(), 'v8.db');
    const m1 = readOhlcv('bittrex_ETH-BTC_1m.csv');
    const rows: NamedRow[] = [
      ...m1.map((c) => named('bittrex', 'ETH/BTC', '1m', c)),
      ...readOhlcv('bittrex_ETH-BTC_5m.csv').map((c) => named('bittrex', 'ETH/BTC', '5m', c)),
      ...readOhlcv('poloniex_XRP-BTC_1d.csv').map((c) => named('poloniex', 'XRP/BTC', '1d', c)),
      // Same symbol and timestamps under another source; odd values survive as they are.
      named('sim', 'ETH/BTC', '1m', m1[0]!),
      named('sim', 'ETH/BTC', '1m', [m1[1]![0], 0.1 + 0.2, 1e-12, 1e-13, 123456789.123456, 0]),
      named('sim', 'Ünïcode/USDT', '1h', [-3_600_000, 1, 2, 0.5, 1.5, 1e300]),
    ];
    version8(file, rows);

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const moved = db.prepare('SELECT source, symbol, timeframe, ts, open, high, low, close, volume FROM named_candles').all() as NamedRow[];
    expect(moved.length).toBe(rows.length);
    expect(moved.sort(byKey)).toEqual([...rows].sort(byKey));
    expect(db.prepare('SELECT source, symbol, timeframe FROM series ORDER BY id').all()).toEqual([
      { source: 'bittrex', symbol: 'ETH/BTC', timeframe: '1m' },
      { source: 'bittrex', symbol: 'ETH/BTC', timeframe: '5m' },
      { source: 'poloniex', symbol: 'XRP/BTC', timeframe: '1d' },
      { source: 'sim', symbol: 'ETH/BTC', timeframe: '1m' },
      { source: 'sim', symbol: 'Ünïcode/USDT', timeframe: '1h' },
    ]);
    // The text-keyed table is gone; rows carry no text.
    const cols = (db.prepare('PRAGMA table_info(candles)').all() as Array<{ name: string; type: string }>).map((c) => `${c.name} ${c.type}`);
    expect(cols).toEqual(['series_id INTEGER', 'ts INTEGER', 'open REAL', 'high REAL', 'low REAL', 'close REAL', 'volume REAL']);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'candles_by_name'").all()).toEqual([]);

    // The repository reads the moved candles by key, and keeps writing to the moved series.
    const repo = new CandlesRepo(db);
    const key = { source: 'bittrex', symbol: 'ETH/BTC', timeframe: '1m' as const };
    expect(repo.count(key)).toBe(m1.length);
    expect(repo.range(key, 3)).toEqual(m1.slice(-3));
    expect(repo.range({ source: 'sim', symbol: 'Ünïcode/USDT', timeframe: '1h' }, 5, -3_600_000)).toEqual([[-3_600_000, 1, 2, 0.5, 1.5, 1e300]]);
    const next: Ohlcv = [m1.at(-1)![0] + 60_000, 1, 2, 0.5, 1.5, 7];
    repo.upsertMany(key, [next]);
    expect(repo.latest(key)).toEqual(next);
    expect(db.prepare('SELECT COUNT(*) AS n FROM series').get()).toEqual({ n: 5 });
    db.close();
  });

  it('migrates a version-8 database without candles to an empty store', () => {
    const file = path.join(tempDir(), 'empty-v8.db');
    version8(file, []);
    const db = openDatabase(file);
    expect(db.prepare('SELECT COUNT(*) AS n FROM candles').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM series').get()).toEqual({ n: 0 });
    db.close();
  });
});
