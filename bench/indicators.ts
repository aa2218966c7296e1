/**
 * Indicator benchmarks:
 *  - per-bar incremental update of the full_v1 indicator set (our O(1) kernels) against
 *    recomputing it with technicalindicators over the history, and against technicalindicators'
 *    own nextValue streaming — ratios from the same run;
 *  - batch warm-up throughput (bars/s) through the worker pool, and on one thread for scale;
 *  - EMA, SMA, RSI, ATR, MACD and Bollinger against trading-signals, incremental and batch
 *    (indicators-trading-signals.ts).
 */
import { ADX, ATR, BollingerBands, EMA, MACD, OBV, RSI, SMA, Stochastic, VWAP } from 'technicalindicators';
import { closePool, createFeatureEngine, profileSpecs, warmUp, type Bar } from '../engine/indicators';
import { report } from './lib';
import { tradingSignalsBench } from './indicators-trading-signals';

const SPECS = profileSpecs('full_v1');

/** A deterministic random walk with volume (mulberry32). */
export function walk(seed: number, n: number, start = 0): Bar[] {
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: Bar[] = [];
  let p = 100 + seed;
  for (let i = 0; i < n; i++) {
    const open = p;
    p = Math.max(1, p * (1 + (rnd() - 0.5) * 0.01));
    const high = Math.max(open, p) * (1 + rnd() * 0.003);
    const low = Math.min(open, p) * (1 - rnd() * 0.003);
    out.push({ ts: start + i * 60_000, open, high, low, close: p, volume: 10 + rnd() * 100 });
  }
  return out;
}

/** technicalindicators' streaming instances for the same set (what a nextValue engine would keep). */
function tiStreams() {
  const empty = { values: [] as number[] };
  const hlc = { high: [] as number[], low: [] as number[], close: [] as number[] };
  const s = {
    ema9: new EMA({ period: 9, ...empty }),
    ema21: new EMA({ period: 21, ...empty }),
    ema50: new EMA({ period: 50, ...empty }),
    macd: new MACD({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false, ...empty }),
    adx: new ADX({ period: 14, ...hlc }),
    atr: new ATR({ period: 14, ...hlc }),
    volSma: new SMA({ period: 20, ...empty }),
    rsi: new RSI({ period: 14, ...empty }),
    bb: new BollingerBands({ period: 20, stdDev: 2, ...empty }),
    stoch: new Stochastic({ period: 14, signalPeriod: 3, ...hlc }),
    sma50: new SMA({ period: 50, ...empty }),
    sma200: new SMA({ period: 200, ...empty }),
    obv: new OBV({ close: [], volume: [] }),
    vwap: new VWAP({ ...hlc, volume: [] }),
  };
  return (b: Bar): number => {
    const c = b.close;
    let x = 0;
    x += Number(s.ema9.nextValue(c) ?? 0) + Number(s.ema21.nextValue(c) ?? 0) + Number(s.ema50.nextValue(c) ?? 0);
    x += Number(s.macd.nextValue(c)?.MACD ?? 0);
    x += Number(s.adx.nextValue({ high: b.high, low: b.low, close: c } as never)?.adx ?? 0);
    x += Number(s.atr.nextValue({ high: b.high, low: b.low, close: c } as never) ?? 0);
    x += b.volume / Number(s.volSma.nextValue(b.volume) ?? 1);
    x += Number(s.rsi.nextValue(c) ?? 0);
    x += Number(s.bb.nextValue(c)?.upper ?? 0);
    x += Number(s.stoch.nextValue({ high: b.high, low: b.low, close: c } as never)?.k ?? 0);
    x += Number(s.sma50.nextValue(c) ?? 0) + Number(s.sma200.nextValue(c) ?? 0);
    x += Number(s.obv.nextValue({ close: c, volume: b.volume } as never) ?? 0);
    x += Number(s.vwap.nextValue({ high: b.high, low: b.low, close: c, volume: b.volume } as never) ?? 0);
    return x;
  };
}

/** Recomputing the whole set with technicalindicators' batch functions over a history window. */
function tiRecompute(h: readonly Bar[]): number {
  const close = h.map((b) => b.close);
  const high = h.map((b) => b.high);
  const low = h.map((b) => b.low);
  const volume = h.map((b) => b.volume);
  const last = <T>(a: T[]): T | undefined => a[a.length - 1];
  let x = 0;
  for (const p of [9, 21, 50]) x += last(EMA.calculate({ period: p, values: close })) ?? 0;
  x += last(MACD.calculate({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false, values: close }))?.MACD ?? 0;
  x += last(ADX.calculate({ period: 14, high, low, close }))?.adx ?? 0;
  x += last(ATR.calculate({ period: 14, high, low, close })) ?? 0;
  x += last(SMA.calculate({ period: 20, values: volume })) ?? 0;
  x += last(RSI.calculate({ period: 14, values: close })) ?? 0;
  x += last(BollingerBands.calculate({ period: 20, stdDev: 2, values: close }))?.upper ?? 0;
  x += last(Stochastic.calculate({ period: 14, signalPeriod: 3, high, low, close }))?.k ?? 0;
  x += (last(SMA.calculate({ period: 50, values: close })) ?? 0) + (last(SMA.calculate({ period: 200, values: close })) ?? 0);
  x += last(OBV.calculate({ close, volume })) ?? 0;
  x += last(VWAP.calculate({ high, low, close, volume })) ?? 0;
  return x;
}

export async function indicatorsBench(): Promise<void> {
  // 1. Per-bar update of the full set, per symbol.
  const symbols = 1000;
  const warm = 300;
  const steps = 200;
  const series = Array.from({ length: symbols }, (_, s) => walk(s + 1, warm + steps));
  const engines = series.map((bars) => {
    const e = createFeatureEngine(SPECS);
    for (let i = 0; i < warm; i++) e.step(bars[i]!);
    return e;
  });
  let sink = 0;
  const t0 = performance.now();
  for (let i = warm; i < warm + steps; i++) {
    for (let s = 0; s < symbols; s++) sink += engines[s]!.step(series[s]![i]!)[0]!;
  }
  const oursNs = ((performance.now() - t0) * 1e6) / (symbols * steps);

  const tiSymbols = 100;
  const streams = series.slice(0, tiSymbols).map((bars) => {
    const f = tiStreams();
    for (let i = 0; i < warm; i++) f(bars[i]!);
    return f;
  });
  const t1 = performance.now();
  for (let i = warm; i < warm + steps; i++) {
    for (let s = 0; s < tiSymbols; s++) sink += streams[s]!(series[s]![i]!);
  }
  const streamNs = ((performance.now() - t1) * 1e6) / (tiSymbols * steps);

  const window = 500;
  const recSymbols = 10;
  const recSteps = 20;
  const long = Array.from({ length: recSymbols }, (_, s) => walk(s + 1, window + recSteps));
  const t2 = performance.now();
  for (let i = window; i < window + recSteps; i++) {
    for (let s = 0; s < recSymbols; s++) sink += tiRecompute(long[s]!.slice(i - window + 1, i + 1));
  }
  const recomputeNs = ((performance.now() - t2) * 1e6) / (recSymbols * recSteps);

  report({
    bench: 'indicators_per_bar_update',
    set: 'full_v1',
    features: engines[0]!.names.length,
    ours_ns_per_symbol_bar: Math.round(oursNs),
    ti_nextvalue_ns_per_symbol_bar: Math.round(streamNs),
    ti_recompute_ns_per_symbol_bar: Math.round(recomputeNs),
    recompute_window_bars: window,
    speedup_vs_ti_nextvalue: Math.round((streamNs / oursNs) * 10) / 10,
    speedup_vs_ti_recompute: Math.round(recomputeNs / oursNs),
    state_bytes_per_symbol: engines[0]!.snapshot().state.byteLength,
    symbols,
    sink: Number.isFinite(sink) ? 'ok' : 'nan',
  });

  // 2. Batch warm-up throughput: one thread in-process vs the worker pool.
  const histSymbols = 32;
  const histBars = 20_000;
  const hist = Array.from({ length: histSymbols }, (_, s) => walk(s + 7, histBars));
  const t3 = performance.now();
  for (const bars of hist) {
    const e = createFeatureEngine(SPECS);
    for (const b of bars) e.step(b);
  }
  const inlineRate = (histSymbols * histBars) / ((performance.now() - t3) / 1000);
  try {
    await warmUp(SPECS, hist[0]!.slice(0, 100)); // start the pool's threads outside the timing
    const t4 = performance.now();
    const results = await Promise.all(hist.map((bars) => warmUp(SPECS, bars)));
    const poolMs = performance.now() - t4;
    report({
      bench: 'indicators_warmup_throughput',
      set: 'full_v1',
      symbols: histSymbols,
      bars_per_symbol: histBars,
      pool_bars_per_s: Math.round((histSymbols * histBars) / (poolMs / 1000)),
      one_thread_bars_per_s: Math.round(inlineRate),
      pool_ms: Math.round(poolMs),
      all_ready: results.every((r) => r.bars === histBars),
    });
  } finally {
    await closePool();
  }

  // 3. Against trading-signals, in the same run.
  tradingSignalsBench(walk);
}
