import { describe, expect, it } from 'vitest';
import { createFeatureEngine, parseSpecList, warmupBars, type Bar } from '../../engine/indicators';
import { readOhlcv } from '../helpers/ohlcv';
import { referenceColumns, toBars } from './reference';

const SET = parseSpecList(
  // ema:12 / ema:26 come after the MACD on purpose: the MACD then reads them (shared sub-indicators).
  'ema:9,ema:21,sma:50,rsi:14,macd:12:26:9,atr:14,bb:20:2,obv,vwap,stoch:14:3,adx:14,volume_ratio:20,ema:200,rsi:2,bb:10:2.5,atr:1,ema:12,ema:26',
);

const FILES = [
  'bittrex_ETH-BTC_5m.csv',
  'unknown-exchange_BTC-USDT_5m.csv',
  'bittrex_BTC-USDT_1d.csv',
  'binance-futures_XRP-USDT_5m.csv',
  'binance_XRP-ETH_1m.csv',
  'bittrex_ETC-BTC_1m.csv',
  'poloniex_XRP-BTC_1d.csv',
];

/** Oscillators live on 0..100; everything else is compared relative to the file's price or volume level. */
function tolerance(name: string, priceScale: number, volumeScale: number): number {
  if (/^rsi_/.test(name)) return 0.005; // technicalindicators rounds RSI to 2 decimals
  if (/^(stoch_|adx_|pdi_|mdi_)/.test(name)) return 1e-7;
  if (/^volume_ratio_/.test(name)) return 1e-9;
  if (name === 'obv') return 1e-9 * volumeScale;
  return 1e-9 * priceScale;
}

function run(bars: readonly Bar[]) {
  const engine = createFeatureEngine(SET);
  const cols: Record<string, number[]> = Object.fromEntries(engine.names.map((n) => [n, []]));
  for (const b of bars) {
    const f = engine.update(b);
    for (const n of engine.names) cols[n]!.push(f[n] ?? NaN);
  }
  return { engine, cols };
}

describe('indicators equal technicalindicators on real candles', () => {
  for (const file of FILES) {
    it(`${file}: every feature, bar by bar, with the same warm-up`, () => {
      const bars = toBars(readOhlcv(file));
      const { engine, cols } = run(bars);
      const ref = referenceColumns(bars, engine.names);
      const priceScale = Math.max(...bars.map((b) => b.high));
      const volumeScale = bars.reduce((s, b) => s + b.volume, 0);
      let compared = 0;
      for (const name of engine.names) {
        const r = ref[name];
        expect(r, `reference for ${name}`).toBeDefined();
        const ours = cols[name]!;
        const tol = tolerance(name, priceScale, volumeScale);
        for (let i = 0; i < bars.length; i++) {
          const want = r![i];
          const got = ours[i]!;
          if (want === undefined) {
            // Warming: no value where the reference has none (except +DI/−DI, which we show earlier).
            if (!/^(pdi|mdi)_/.test(name)) expect(Number.isNaN(got), `${name}[${i}] should be empty while warming, got ${got}`).toBe(true);
            continue;
          }
          if (!Number.isFinite(want)) continue; // the reference's NaN on flat data (see docs/indicators.md)
          if (Math.abs(got - want) > tol) {
            expect.fail(`${file} ${name}[${i}] = ${got}, technicalindicators ${want} (tolerance ${tol})`);
          }
          compared++;
        }
        // Our first value comes on the same bar as the reference's.
        const firstRef = r!.findIndex((v) => v !== undefined);
        const firstOurs = ours.findIndex((v) => !Number.isNaN(v));
        if (!/^(pdi|mdi)_/.test(name) && firstRef >= 0) expect(firstOurs, name).toBe(firstRef);
      }
      expect(compared).toBeGreaterThan(engine.names.length * Math.min(bars.length - 250, 50));
    });
  }

  it('is ready exactly after the warm-up every spec declares, and absent before', () => {
    const bars = toBars(readOhlcv('bittrex_LTC-BTC_5m.csv')).slice(0, 400);
    for (const spec of SET) {
      const e = createFeatureEngine([spec]);
      const w = warmupBars(spec);
      bars.forEach((b, i) => {
        const f = e.update(b);
        const defined = e.names.filter((n) => f[n] !== undefined).length;
        if (i + 1 < w) {
          expect(e.ready()).toBe(false);
          if (spec.kind !== 'adx' && spec.kind !== 'vwap') expect(defined, `${spec.kind} at bar ${i}`).toBeLessThan(e.names.length);
        } else {
          expect(e.ready()).toBe(true);
          expect(defined, `${spec.kind}:${spec.params.join(':')} at bar ${i}`).toBe(e.names.length);
        }
      });
    }
  });
});
