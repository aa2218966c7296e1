/**
 * No look-ahead: a series value is visible on a bar only if its time is at or before the bar's
 * close. Each test puts one value exactly AT a bar's close and one 1 ms AFTER another bar's close:
 * the first must show on that bar (not only the next: off by one late), the second only on the
 * next bar (not on its own: off by one early). Live (alert `indicator` rules through the signals'
 * feature engines), in indicators.series and in backtests (decide(), the code the pool runs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtSeriesRepo } from '../../db/repos/ext-series';
import { decide, loadStrategy } from '../../engine/backtest/decide';
import { runBacktest } from '../../engine/backtest/runner';
import { parseExtFeature, parseExtSpec, matchSymbol, valueAt } from '../../engine/market/series/point-in-time';
import { Engine } from '../../engine/core/engine';
import { parseInput } from '../../engine/api/validate';
import { closePool } from '../../engine/indicators';
import type { Bar } from '../../engine/indicators/types';
import { alertRig, T0, MIN } from '../alerts/rig';
import { rigTest } from '../helpers/rig';
import { tempDir } from '../helpers/serve';

describe('the point-in-time rule', () => {
  it('names: ext:<source>:<series> ↔ ext_<source>_<series>, series names with underscores included', () => {
    expect(parseExtSpec('ext:bn:funding')).toEqual({ source: 'bn', series: 'funding' });
    expect(parseExtFeature('ext_bn_funding')).toEqual({ source: 'bn', series: 'funding' });
    expect(parseExtFeature('ext_my_src_open_interest')).toEqual({ source: 'my_src', series: 'open_interest' });
    expect(parseExtFeature('ext_bn_book_imbalance_1pct')).toEqual({ source: 'bn', series: 'book_imbalance_1pct' });
    expect(parseExtFeature('rsi_14')).toBeNull();
    expect(() => parseExtSpec('ext:bn:nonsense')).toThrow(/unknown series/);
  });

  it('valueAt takes the newest point at or before t; symbols match exactly, by base/quote, or the only one', () => {
    const pts: Array<[number, number]> = [[10, 1], [20, 2], [30, 3]];
    expect(valueAt(pts, 9)).toBeUndefined();
    expect(valueAt(pts, 20)).toBe(2);
    expect(valueAt(pts, 29)).toBe(2);
    expect(valueAt(pts, 1000)).toBe(3);
    expect(matchSymbol(['BTC/USDT:USDT', 'ETH/USDT:USDT'], 'ETH/USDT')).toBe('ETH/USDT:USDT');
    expect(matchSymbol(['BTC/USDT:USDT'], 'SOL/USDT')).toBe('BTC/USDT:USDT');
    expect(matchSymbol(['BTC/USDT:USDT', 'ETH/USDT:USDT'], 'SOL/USDT')).toBeNull();
    expect(matchSymbol([''], 'SOL/USDT')).toBe('');
  });
});

const H = 3_600_000;
/** A steady 1h downtrend: every close below the previous close and below its EMA. */
function downtrend(n: number, t0: number): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const close = 1000 - i * 2;
    return { ts: t0 + i * H, open: close + 1, high: close + 2, low: close - 1, close, volume: 10 };
  });
}

describe('backtests read stored series point in time (funding_fade)', () => {
  const t0 = Date.UTC(2025, 0, 1);
  const bars = downtrend(60, t0);
  const s = loadStrategy({ id: 'funding_fade', params: { funding: 'ext:bn:funding', threshold: 0.0005 } });

  it('funding published exactly at bar 39’s close is seen on bar 39; funding published 1 ms after bar 44’s close only from bar 45', () => {
    // Neutral funding from the start; extreme (+0.1 %) at the close of bar 39; back to neutral 1 ms after bar 44's close.
    const points: Array<[number, number]> = [[t0, 0], [t0 + 40 * H, 0.001], [t0 + 45 * H + 1, 0]];
    const d = decide(s, bars, { symbol: 'BTC/USDT', timeframe: '1h', ext: { 'ext:bn:funding': points } });
    const sells = d.map((x, i) => (x?.side === 'sell' ? i : -1)).filter((i) => i >= 0);
    // Bars 39..44 see +0.1 % (a bar closes at open + 1h); bar 44 closes 1 ms before the neutral value, bar 45 after it.
    expect(sells).toEqual([39, 40, 41, 42, 43, 44]);
    expect(d[39]!.reasons[0]).toMatch(/^Funding 0\.1000 % ≥ 0\.0500 %/);
    // Without any funding value published, no decision at all.
    const none = decide(s, bars, { symbol: 'BTC/USDT', timeframe: '1h', ext: {} });
    expect(none.every((x) => x === null)).toBe(true);
  });

  it('runBacktest (the pool’s code) takes the points per symbol from its settings', () => {
    const points: Array<[number, number]> = [[t0 + 40 * H, 0.001]];
    const r = runBacktest({ strategy: { id: 'funding_fade', params: { funding: 'ext:bn:funding' } }, timeframe: '1h', direction: 'both', ext: { 'BTC/USDT': { 'ext:bn:funding': points } } }, [{ symbol: 'BTC/USDT', bars }]);
    expect(r.decisions[0]).toMatchObject({ ts: bars[39]!.ts, side: 'sell' });
    const r2 = runBacktest({ strategy: { id: 'funding_fade', params: { funding: 'ext:bn:funding' } }, timeframe: '1h', direction: 'both', ext: { 'ETH/USDT': { 'ext:bn:funding': points } } }, [{ symbol: 'BTC/USDT', bars }]);
    expect(r2.decisions).toEqual([]);
  });
});

describe('live: alert indicator rules on ext features', () => {
  rigTest('a value stamped at a bar’s close fires on that bar; one stamped 1 ms after a close fires on the next bar', async ({ track }) => {
    const r = track(await alertRig());
    r.s.store('AAA/USDT', Array.from({ length: 60 }, () => 100));
    const repo = new ExtSeriesRepo(r.s.db);
    // Bar i opens at T0 + i·MIN and closes at T0 + (i+1)·MIN.
    repo.upsert({ source: 'fnga', symbol: '', series: 'value' }, [[T0, 10], [T0 + 71 * MIN, 60]]);
    repo.upsert({ source: 'fngb', symbol: '', series: 'value' }, [[T0, 10], [T0 + 71 * MIN + 1, 60]]);
    const a = await r.create({ kind: 'indicator', condition: { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', feature: 'ext_fnga_value', op: '>', value: 50 } });
    const b = await r.create({ kind: 'indicator', condition: { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', feature: 'ext_fngb_value', op: '>', value: 50 } });
    for (let i = 60; i <= 69; i++) r.s.close('AAA/USDT', i, 100);
    expect(r.fired()).toEqual([]);
    r.s.close('AAA/USDT', 70, 100);
    expect(r.fired().map((x) => [x.ruleId, Number(x.values.barTs)])).toEqual([[a, T0 + 70 * MIN]]);
    expect(Number(r.fired()[0]!.values.ext_fnga_value)).toBe(60);
    r.s.close('AAA/USDT', 71, 100);
    expect(r.fired().map((x) => [x.ruleId, Number(x.values.barTs)]).sort()).toEqual([[a, T0 + 70 * MIN], [b, T0 + 71 * MIN]].sort());
  });

  rigTest('refuses an unknown feature name but accepts ext_<source>_<series>', async ({ track }) => {
    const r = track(await alertRig());
    await expect(r.create({ kind: 'indicator', condition: { source: 'sim', symbol: 'AAA/USDT', timeframe: '1m', feature: 'ext_fng_nonsense', op: '>', value: 1 } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('indicators.series reads ext series point in time', () => {
  let engine: Engine;
  beforeAll(() => {
    engine = new Engine({ dataDir: tempDir('sd-pit-'), mode: 'serve', version: 'test', simSeed: 5, simSpeed: 1, simSymbols: 1, simHistoryDays: 1, tickMs: 3_600_000 }, () => undefined);
    engine.start();
  });
  afterAll(async () => {
    engine?.stop();
    await closePool();
  });

  it('each row holds the newest value at or before its bar’s close; a value 1 ms after a close shows on the next row only', async () => {
    const sym = (await engine.handle('market.symbols', parseInput('market.symbols', { source: 'sim' })))[0]!;
    const base = await engine.handle('indicators.series', parseInput('indicators.series', { source: 'sim', symbol: sym, timeframe: '1h', set: 'ema:3', limit: 10 }));
    const ts = base.rows.map((row) => row[0]);
    const k = 4;
    const close = (i: number) => ts[i]! + H;
    const repo = new ExtSeriesRepo(engine.db);
    repo.upsert({ source: 'fng', symbol: '', series: 'value' }, [[ts[0]! - 10 * H, 1], [close(k), 2], [close(k + 2) + 1, 3]]);
    const r = await engine.handle('indicators.series', parseInput('indicators.series', { source: 'sim', symbol: sym, timeframe: '1h', set: 'ema:3,ext:fng:value', limit: 10 }));
    expect(r.names).toEqual(['ema_3', 'ext_fng_value']);
    expect(r.specs).toEqual(['ema:3', 'ext:fng:value']);
    const at = (rows: typeof r.rows, t: number, col: number) => rows.find((row) => row[0] === t)?.[col];
    // Bar k-1 closes before the value at bar k's close; bar k closes exactly at it.
    expect([k - 1, k, k + 1, k + 2, k + 3].map((i) => at(r.rows, ts[i]!, 2))).toEqual([1, 2, 2, 2, 3]);
    const only = await engine.handle('indicators.series', parseInput('indicators.series', { source: 'sim', symbol: sym, timeframe: '1h', set: 'ext:fng:value', limit: 10 }));
    expect(only.names).toEqual(['ext_fng_value']);
    expect([k - 1, k, k + 1, k + 2, k + 3].map((i) => at(only.rows, ts[i]!, 1))).toEqual([1, 2, 2, 2, 3]);
  });

  it('backtest.run loads the strategy’s stored series: funding_fade trades on stored funding, and not without it', async () => {
    const sym = (await engine.handle('market.symbols', parseInput('market.symbols', { source: 'sim' })))[0]!;
    const bars = await engine.handle('market.candles', parseInput('market.candles', { source: 'sim', symbol: sym, timeframe: '5m', limit: 5000 }));
    // Extreme funding, flipping sign every 2 hours, over the whole stored range (a perp symbol: matched by base/quote).
    const pts: Array<[number, number]> = [];
    for (let t = bars[0]![0] - 2 * H; t <= bars[bars.length - 1]![0]; t += 2 * H) pts.push([t, (pts.length % 2 ? -1 : 1) * 0.002]);
    new ExtSeriesRepo(engine.db).upsert({ source: 'perp', symbol: `${sym}:USDT`, series: 'funding' }, pts);
    const run = async (funding: string) => {
      const { id } = await engine.handle('backtest.run', parseInput('backtest.run', { strategy: { id: 'funding_fade', params: { funding } }, source: 'sim', symbols: [sym], timeframe: '5m', direction: 'both' }));
      for (let i = 0; i < 600; i++) {
        const r = await engine.handle('backtest.get', parseInput('backtest.get', { id }));
        if (r.status !== 'queued' && r.status !== 'running') return r;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error('backtest did not finish');
    };
    const withFunding = await run('ext:perp:funding');
    expect(withFunding.status).toBe('done');
    expect(withFunding.trades.length).toBeGreaterThan(0);
    const without = await run('ext:nothing:funding');
    expect(without.status).toBe('done');
    expect(without.trades).toEqual([]);
  });
});
