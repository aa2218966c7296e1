import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDatabase } from '../../db/database';
import { CandlesRepo } from '../../db/repos/candles';
import type { Ohlcv } from '../../engine/api/timeframes';
import { readOhlcv } from '../helpers/ohlcv';
import { tempDir } from '../helpers/serve';

const key = { source: 'bittrex', symbol: 'ETH/BTC', timeframe: '1m' as const };

describe('CandlesRepo', () => {
  it('stores a batch, replaces a revised bar without duplicating, and reads ranges ascending', () => {
    const repo = new CandlesRepo(openDatabase(':memory:'));
    const rows: Ohlcv[] = [
      [60_000, 1, 2, 0.5, 1.5, 10],
      [120_000, 1.5, 2.5, 1, 2, 11],
      [180_000, 2, 3, 1.5, 2.5, 12],
    ];
    repo.upsertMany(key, rows);
    repo.upsertMany(key, [[180_000, 2, 3.5, 1.5, 3, 20]]);
    expect(repo.count(key)).toBe(3);
    expect(repo.range(key, 2)).toEqual([rows[1], [180_000, 2, 3.5, 1.5, 3, 20]]);
    expect(repo.range(key, 2, 60_000)).toEqual([rows[0], rows[1]]);
    expect(repo.latest(key)?.[0]).toBe(180_000);
  });

  it('aggregates real Bittrex ETH/BTC 1m candles into exactly the exchange 5m candles', () => {
    const repo = new CandlesRepo(openDatabase(':memory:'));
    const m1 = readOhlcv('bittrex_ETH-BTC_1m.csv');
    const m5 = readOhlcv('bittrex_ETH-BTC_5m.csv');
    repo.upsertMany(key, m1);
    const from = Date.UTC(2018, 0, 20, 4, 55);
    const to = Date.UTC(2018, 0, 30, 4, 45);
    const expected = m5.filter((c) => c[0] >= from && c[0] <= to);
    expect(expected.length).toBe(2879);
    const got = repo.aggregated(key.source, key.symbol, '5m', 2879, from);
    expect(got.length).toBe(2879);
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i]!;
      const g = got[i]!;
      expect(g[0]).toBe(e[0]);
      expect(g[1]).toBe(e[1]);
      expect(g[2]).toBe(e[2]);
      expect(g[3]).toBe(e[3]);
      expect(g[4]).toBe(e[4]);
      expect(g[5]).toBeCloseTo(e[5], 6);
    }
  });

  it('returns the newest buckets when no since is given', () => {
    const repo = new CandlesRepo(openDatabase(':memory:'));
    const m1 = readOhlcv('bittrex_ETH-BTC_1m.csv');
    repo.upsertMany(key, m1);
    const got = repo.aggregated(key.source, key.symbol, '1h', 24);
    expect(got.length).toBe(24);
    const last = m1[m1.length - 1]!;
    expect(got[got.length - 1]![0]).toBe(last[0] - (last[0] % 3_600_000));
    expect(got[got.length - 1]![4]).toBe(last[4]);
    for (let i = 1; i < got.length; i++) expect(got[i]![0] - got[i - 1]![0]).toBe(3_600_000);
  });
});

describe('CandlesRepo series', () => {
  const a = { source: 'binance', symbol: 'BTC/USDT', timeframe: '1m' as const };
  const bar = (ts: number, close: number): Ohlcv => [ts, close, close + 1, close - 1, close, 1];

  it('keeps series apart that share a symbol, a source or a timeframe', () => {
    const repo = new CandlesRepo(openDatabase(':memory:'));
    const keys = [a, { ...a, source: 'kraken' }, { ...a, symbol: 'ETH/USDT' }, { ...a, timeframe: '1h' as const }];
    keys.forEach((k, i) => repo.upsertMany(k, [bar(0, i + 1), bar(3_600_000, i + 10)]));
    keys.forEach((k, i) => {
      expect(repo.count(k)).toBe(2);
      expect(repo.range(k, 10)).toEqual([bar(0, i + 1), bar(3_600_000, i + 10)]);
    });
  });

  it('reads of an unknown key are empty and create no series', () => {
    const db = openDatabase(':memory:');
    const repo = new CandlesRepo(db);
    expect(repo.latest(a)).toBeUndefined();
    expect(repo.count(a)).toBe(0);
    expect(repo.range(a, 10)).toEqual([]);
    expect(repo.range(a, 10, 0)).toEqual([]);
    expect(repo.aggregated(a.source, a.symbol, '1h', 10)).toEqual([]);
    repo.upsertMany(a, []);
    expect(db.prepare('SELECT COUNT(*) AS n FROM series').get()).toEqual({ n: 0 });
  });

  it('writes many series in one transaction, and all of them or none', () => {
    const db = openDatabase(':memory:');
    const repo = new CandlesRepo(db);
    const b = { ...a, symbol: 'ETH/USDT' };
    repo.upsertGroups([{ key: a, rows: [bar(0, 1)] }, { key: b, rows: [bar(0, 2), bar(60_000, 3)] }, { key: { ...a, source: 'x' }, rows: [] }]);
    expect(repo.range(a, 10)).toEqual([bar(0, 1)]);
    expect(repo.range(b, 10)).toEqual([bar(0, 2), bar(60_000, 3)]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM series').get()).toEqual({ n: 2 });
    const bad = [0, 1, 2, 3, 4, Number.NaN] as unknown as Ohlcv; // NOT NULL volume: the row is refused
    expect(() => repo.upsertGroups([{ key: a, rows: [bar(120_000, 4)] }, { key: b, rows: [bad] }])).toThrow();
    expect(repo.range(a, 10)).toEqual([bar(0, 1)]);
  });

  it('does not remember a series whose creation was rolled back', () => {
    const db = openDatabase(':memory:');
    const repo = new CandlesRepo(db);
    const b = { ...a, symbol: 'ETH/USDT' };
    expect(() =>
      db.transaction(() => {
        repo.upsertMany(a, [bar(0, 1)]);
        throw new Error('caller fails after writing');
      })(),
    ).toThrow('caller fails');
    expect(repo.count(a)).toBe(0);
    repo.upsertMany(b, [bar(0, 2)]); // takes the id the rolled-back series had
    repo.upsertMany(a, [bar(0, 3)]);
    expect(repo.range(b, 10)).toEqual([bar(0, 2)]);
    expect(repo.range(a, 10)).toEqual([bar(0, 3)]);
    expect(db.prepare('SELECT symbol, ts, close FROM named_candles ORDER BY symbol').all()).toEqual([
      { symbol: 'BTC/USDT', ts: 0, close: 3 },
      { symbol: 'ETH/USDT', ts: 0, close: 2 },
    ]);
  });

  it('a reader on another connection sees a series written after it first looked', () => {
    const file = path.join(tempDir(), 'two.db');
    const writer = new CandlesRepo(openDatabase(file));
    const readerDb = openDatabase(file, { readonly: true });
    const reader = new CandlesRepo(readerDb);
    expect(reader.latest(a)).toBeUndefined();
    writer.upsertMany(a, [bar(0, 1), bar(60_000, 2)]);
    expect(reader.latest(a)).toEqual(bar(60_000, 2));
    expect(reader.aggregated(a.source, a.symbol, '5m', 1)).toEqual([[0, 1, 3, 0, 2, 2]]);
    readerDb.close();
  });
});
