import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { parseInput } from '../../engine/api/validate';
import type { CommandInput, CommandName, CommandResult } from '../../engine/api';
import { Engine } from '../../engine/core/engine';
import type { EngineOptions } from '../../engine/core/context';
import { TIMEFRAME_MS, type Ohlcv } from '../../engine/api/timeframes';
import { tempDir } from '../helpers/serve';
import { referenceColumns, toBars } from './reference';

let engine: Engine;
const dataDir = tempDir('sd-ind-');

beforeAll(() => {
  const opts: EngineOptions = {
    dataDir,
    mode: 'serve',
    version: 'test',
    simSeed: 7,
    simSpeed: 1,
    simSymbols: 2,
    simHistoryDays: 2,
    tickMs: 3_600_000,
  };
  engine = new Engine(opts, () => {});
  engine.start();
});
afterAll(() => engine?.stop());

/** A call as a client makes it: validated against the contract, then answered by the engine. */
async function call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>> {
  return engine.handle(name, parseInput(name, input));
}
async function callError(name: CommandName, input: unknown): Promise<ApiError> {
  try {
    await engine.handle(name, parseInput(name, input as never));
  } catch (err) {
    return err as ApiError;
  }
  throw new Error(`${name} accepted ${JSON.stringify(input)}`);
}

describe('indicators.profiles', () => {
  it('lists the profiles with resolved specs and feature names', async () => {
    const profiles = await call('indicators.profiles', {});
    const full = profiles.find((p) => p.name === 'full_v1')!;
    const trend = profiles.find((p) => p.name === 'trend_follow_v1')!;
    expect(full.extends).toBe('trend_follow_v1');
    expect(full.specs.slice(0, trend.specs.length)).toEqual(trend.specs);
    expect(full.names).toEqual(expect.arrayContaining(['ema_9', 'ema_21', 'macd_12_26_9', 'rsi_14', 'bb_upper_20_2', 'sr_support_5', 'vwap']));
    expect(profiles.map((p) => p.name)).toContain('mean_reversion_v1');
    expect(full.warmup).toBe(200);
  });
});

describe('indicators.series', () => {
  it('computes a profile over stored closed candles, equal to technicalindicators, null while warming', async () => {
    const sym = (await call('market.symbols', { source: 'sim' }))[0]!;
    const s = await call('indicators.series', { source: 'sim', symbol: sym, timeframe: '5m', set: 'ema:21,sma:50,rsi:14,macd:12:26:9,atr:14,bb:20:2,obv', limit: 100 });
    expect(s.names).toEqual(['ema_21', 'sma_50', 'rsi_14', 'macd_12_26_9', 'macd_signal_12_26_9', 'macd_hist_12_26_9', 'atr_14', 'bb_upper_20_2', 'bb_middle_20_2', 'bb_lower_20_2', 'obv']);
    expect(s.rows).toHaveLength(100);
    // Closed bars only: the last row's bucket has ended on the engine clock.
    const candles = (await call('market.candles', { source: 'sim', symbol: sym, timeframe: '5m', limit: 5000 })) as Ohlcv[];
    const closed = candles.filter((c) => c[0] + TIMEFRAME_MS['5m'] <= engine.market.clock());
    expect(s.rows[s.rows.length - 1]![0]).toBe(closed[closed.length - 1]![0]);
    // Values equal the reference over the same candles (history before the first row warms them).
    const ref = referenceColumns(toBars(closed), s.names);
    const offset = closed.length - s.rows.length;
    const price = Math.max(...closed.map((c) => c[2]));
    s.rows.forEach((row, i) => {
      expect(row[0]).toBe(closed[offset + i]![0]);
      s.names.forEach((name, j) => {
        if (name === 'obv') {
          // OBV is a running total from the first bar read: compare its steps, not its level.
          if (i === 0) return;
          const [, , , , close, volume] = closed[offset + i]!;
          const prevClose = closed[offset + i - 1]![4];
          const step = (row[j + 1] as number) - (s.rows[i - 1]![j + 1] as number);
          expect(step).toBeCloseTo(close > prevClose ? volume : close < prevClose ? -volume : 0, 6);
          return;
        }
        const want = ref[name]![offset + i]!;
        const got = row[j + 1] as number;
        const tol = name === 'rsi_14' ? 0.005 : price * 1e-9; // EMAs seeded a few hundred bars earlier have converged to this
        expect(Math.abs(got - want), `${name} row ${i}`).toBeLessThanOrEqual(tol);
      });
    });
  });

  it('gives null while warming when there is not enough history, and defaults to full_v1', async () => {
    const sym = (await call('market.symbols', { source: 'sim' }))[1]!;
    const s = await call('indicators.series', { source: 'sim', symbol: sym, timeframe: '1h', limit: 5000 });
    expect(s.names).toContain('sma_200');
    const col = s.names.indexOf('sma_200') + 1;
    expect(s.rows.length).toBeLessThan(200);
    expect(s.rows.every((r) => r[col] === null)).toBe(true);
    const ema9 = s.names.indexOf('ema_9') + 1;
    expect(s.rows[7]![ema9]).toBeNull();
    expect(typeof s.rows[8]![ema9]).toBe('number');
  });

  it('answers bad input with structured errors', async () => {
    const base = { source: 'sim', symbol: 'BTC/USDT', timeframe: '5m' as const };
    expect((await callError('indicators.series', { ...base, profile: 'nope_v1' })).code).toBe('NOT_FOUND');
    const badSet = await callError('indicators.series', { ...base, set: 'ema:21,foo:2' });
    expect(badSet.code).toBe('BAD_INPUT');
    expect(badSet.message).toMatch(/unknown indicator "foo"/);
    expect((await callError('indicators.series', { ...base, set: 'ema:0' })).message).toMatch(/period must be a whole number/);
    expect((await callError('indicators.series', { ...base, set: 'ema:21', profile: 'full_v1' })).code).toBe('BAD_INPUT');
    expect((await callError('indicators.series', { ...base, set: 'ema;21' })).code).toBe('BAD_INPUT');
    expect((await callError('indicators.series', { ...base, limit: 0 })).code).toBe('BAD_INPUT');
    expect((await callError('indicators.series', { ...base, symbol: 'NOPE/USDT' })).code).toBe('NOT_FOUND');
    expect((await callError('indicators.profiles', { x: 1 })).code).toBe('BAD_INPUT');
    // Still answering after all that.
    expect((await call('indicators.series', { ...base, set: 'rsi:14', limit: 3 })).rows).toHaveLength(3);
    expect(path.isAbsolute(dataDir)).toBe(true);
  });
});
