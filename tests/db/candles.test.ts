import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { CandlesRepo } from '../../db/repos/candles';
import type { Ohlcv } from '../../engine/api/timeframes';
import { readOhlcv } from '../helpers/ohlcv';

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
