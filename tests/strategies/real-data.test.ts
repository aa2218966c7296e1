/**
 * Every strategy over real candles (tests/fixtures/ohlcv) through the real indicator engine,
 * the same path the live pipeline uses: decisions are well-formed, each strategy fires, and
 * ema_cross fires exactly where technicalindicators' EMA(9) and EMA(21) cross.
 */
import { describe, expect, it } from 'vitest';
import { EMA, ATR } from 'technicalindicators';
import { createFeatureEngine, uniqueSpecs } from '../../engine/indicators';
import type { Bar, Features } from '../../engine/indicators/types';
import { STRATEGY_IDS, getStrategy, parseParams, type StrategyDecision } from '../../engine/strategies';
import { readOhlcv } from '../helpers/ohlcv';

const FILES = ['unknown-exchange_BTC-USDT_5m.csv', 'binance-futures_XRP-USDT_5m.csv'];

function run(id: string, bars: Bar[], params: unknown = {}): Array<{ i: number; d: StrategyDecision }> {
  const def = getStrategy(id);
  const p = parseParams(id, params);
  const fe = createFeatureEngine(uniqueSpecs(def.indicators(p)));
  const lookback = def.lookback(p);
  const out: Array<{ i: number; d: StrategyDecision }> = [];
  let prev: Features | null = null;
  // A strategy reading point-in-time series (funding_fade) gets a synthetic funding series here:
  // ±0.1 % per 8 h, alternating (its stored-series path is tested in tests/market/point-in-time.test.ts).
  const ext = def.ext?.(p) ?? [];
  for (let i = 0; i < bars.length; i++) {
    let features = fe.update(bars[i]!);
    if (ext.length) features = { ...features, ...Object.fromEntries(ext.map((x) => [x.replace(/:/g, '_'), Math.floor(i / 96) % 2 ? 0.001 : -0.001])) };
    const d = def.evaluate({ symbol: 'X/USDT', timeframe: '5m', bar: bars[i]!, features, prev, history: bars.slice(Math.max(0, i + 1 - lookback), i + 1) }, p);
    if (d) out.push({ i, d });
    prev = features;
  }
  return out;
}

describe.each(FILES)('strategies on %s', (file) => {
  const bars: Bar[] = readOhlcv(file).map(([ts, open, high, low, close, volume]) => ({ ts, open, high, low, close, volume }));

  it.each([...STRATEGY_IDS])('%s fires, with well-formed levels, confidence and reasons', (id) => {
    const fired = run(id, bars);
    expect(fired.length).toBeGreaterThan(0);
    expect(fired.length).toBeLessThan(bars.length / 3);
    for (const { i, d } of fired) {
      expect(d.entry).toBe(bars[i]!.close);
      if (d.side === 'buy') {
        expect(d.stopLoss).toBeLessThan(d.entry);
        expect(d.takeProfit).toBeGreaterThan(d.entry);
      } else {
        expect(d.stopLoss).toBeGreaterThan(d.entry);
        expect(d.takeProfit).toBeLessThan(d.entry);
      }
      expect(d.confidence).toBeGreaterThanOrEqual(0);
      expect(d.confidence).toBeLessThanOrEqual(1);
      expect(d.reasons.length).toBeGreaterThanOrEqual(2);
      for (const r of d.reasons) expect(r).toMatch(/\d/);
    }
  });

  it('ema_cross fires exactly at the crosses of technicalindicators EMA(9) / EMA(21)', () => {
    const closes = bars.map((b) => b.close);
    const pad = (a: number[], n: number) => [...Array<number>(n - a.length).fill(NaN), ...a];
    const f = pad(EMA.calculate({ period: 9, values: closes }), bars.length);
    const s = pad(EMA.calculate({ period: 21, values: closes }), bars.length);
    const atr = pad(ATR.calculate({ period: 14, high: bars.map((b) => b.high), low: bars.map((b) => b.low), close: closes }), bars.length);
    const expected: string[] = [];
    for (let i = 1; i < bars.length; i++) {
      if ([f[i - 1], s[i - 1], f[i], s[i], atr[i]].some((v) => !Number.isFinite(v)) || !(atr[i]! > 0)) continue;
      if (f[i - 1]! <= s[i - 1]! && f[i]! > s[i]!) expected.push(`${i}:buy`);
      else if (f[i - 1]! >= s[i - 1]! && f[i]! < s[i]!) expected.push(`${i}:sell`);
    }
    const got = run('ema_cross', bars).map(({ i, d }) => `${i}:${d.side}`);
    expect(expected.length).toBeGreaterThan(10);
    expect(got).toEqual(expected);
  });
});
