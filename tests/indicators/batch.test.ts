import { describe, expect, it } from 'vitest';
import {
  barColumns,
  ColumnCache,
  createFeatureEngine,
  featureColumns,
  packedColumns,
  parseSpecList,
  profileSpecs,
  specColumns,
  type Bar,
  type IndicatorSpec,
} from '../../engine/indicators';
import { packBars } from '../../engine/indicators/pool';
import { readOhlcv } from '../helpers/ohlcv';
import { toBars } from './reference';

/** Every kind, the full profile plus other parameters (a MACD without its EMAs in the set, fractional Bollinger). */
const SPECS: IndicatorSpec[] = [...profileSpecs('full_v1'), ...parseSpecList('ema:3,sma:7,rsi:2,macd:5:35:5,atr:3,bb:10:1.5,stoch:5:1,adx:3,volume_ratio:3,sr:2')];

/** The live path: one engine, one bar at a time, read through the Features object a strategy sees. */
function live(specs: readonly IndicatorSpec[], bars: readonly Bar[]): Map<string, Array<number | undefined>> {
  const e = createFeatureEngine(specs);
  const cols = new Map<string, Array<number | undefined>>(e.names.map((n) => [n, []]));
  for (const b of bars) {
    const f = e.update(b);
    for (const n of e.names) cols.get(n)!.push(f[n]);
  }
  return cols;
}

function expectEqualToLive(specs: readonly IndicatorSpec[], bars: readonly Bar[], batch: { names: string[]; columns: Float64Array[] }): number {
  const want = live(specs, bars);
  expect(batch.names).toEqual([...want.keys()]);
  let compared = 0;
  batch.names.forEach((name, j) => {
    const col = batch.columns[j]!;
    const ref = want.get(name)!;
    expect(col.length, name).toBe(bars.length);
    for (let i = 0; i < bars.length; i++) {
      const r = ref[i];
      if (r === undefined) {
        expect(Number.isNaN(col[i]!), `${name} bar ${i} warming live, ${col[i]} in batch`).toBe(true);
        continue;
      }
      compared++;
      const diff = Math.abs(col[i]! - r);
      if (!(diff <= 1e-9 * Math.max(1, Math.abs(r)))) expect(col[i], `${name} bar ${i}`).toBe(r);
    }
  });
  return compared;
}

describe('batch path over typed arrays', () => {
  for (const file of ['bittrex_ETH-BTC_1m.csv', 'unknown-exchange_BTC-USDT_5m.csv', 'binance-futures_XRP-USDT_5m.csv']) {
    it(`equals the live incremental engine on real candles (${file}) to 1e-9, for every indicator`, () => {
      const bars = toBars(readOhlcv(file));
      const compared = expectEqualToLive(SPECS, bars, featureColumns(SPECS, barColumns(bars)));
      // Every output column of every indicator had values to compare (not just warm-up NaNs).
      expect(compared).toBeGreaterThan(bars.length * 30);
    });
  }

  it('is bit-identical to the engine step by step (the same kernels through the same dispatch)', () => {
    const bars = toBars(readOhlcv('bittrex_ETC-BTC_1m.csv'));
    const { names, columns } = featureColumns(SPECS, barColumns(bars));
    const e = createFeatureEngine(SPECS);
    bars.forEach((b, i) => {
      const v = e.step(b);
      for (let j = 0; j < names.length; j++) {
        if (!Object.is(v[j], columns[j]![i])) expect(columns[j]![i], `${names[j]} bar ${i}`).toBe(v[j]);
      }
    });
  });

  it('reads bars packed for the pool the same as bar objects', () => {
    const bars = toBars(readOhlcv('binance_XRP-ETH_1m.csv'));
    const a = barColumns(bars);
    const b = packedColumns(packBars(bars));
    expect(b.length).toBe(bars.length);
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(b[k])).toEqual(Array.from(a[k]));
  });

  it('a column cache computes each indicator once and hands back the same values', () => {
    const bars = toBars(readOhlcv('binance_XRP-ETH_5m.csv'));
    const cols = barColumns(bars);
    const cache = new ColumnCache();
    const first = featureColumns(parseSpecList('ema:9,ema:21,atr:14'), cols, cache);
    const second = featureColumns(parseSpecList('ema:21,ema:50,atr:14'), cols, cache);
    expect(cache.misses).toBe(4);
    expect(cache.hits).toBe(2);
    expect(second.columns[0]).toBe(first.columns[1]);
    expect(Array.from(second.columns[1]!)).toEqual(Array.from(specColumns(parseSpecList('ema:50')[0]!, cols)[0]!));
  });

  it('a cache over its byte budget drops the oldest columns and recomputes them equal', () => {
    const bars = toBars(readOhlcv('binance_XRP-ETH_5m.csv'));
    const cols = barColumns(bars);
    const cache = new ColumnCache(bars.length * 8 * 2); // room for two one-output columns
    const [a, b, c] = parseSpecList('ema:5,ema:6,ema:7');
    const first = cache.columns(a!, cols)[0]!;
    cache.columns(b!, cols);
    cache.columns(c!, cols); // evicts ema:5
    const again = cache.columns(a!, cols)[0]!;
    expect(cache.misses).toBe(4);
    expect(again).not.toBe(first);
    expect(Array.from(again)).toEqual(Array.from(first));
  });
});
