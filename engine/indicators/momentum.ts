/** RSI (Wilder), MACD (line, signal, histogram) and Stochastic (%K, %D). */
import { DEQUE_SIZE, SEEDED_SIZE, SMA_SIZE, dequeInit, dequePush, seededInit, seededPush, smaInit, smaPush, type Kernel } from './kernel';
import type { Bar, IndicatorSpec } from './types';

/**
 * RSI with Wilder's smoothing: the first average gain/loss is the simple average of the first
 * `period` changes, then avg = (avg × (period − 1) + x) / period. 100 when the average loss is 0,
 * 0 when the average gain is 0. Not rounded (technicalindicators rounds to 2 decimals).
 * Layout: [count, prevClose, gainSum, lossSum, avgGain, avgLoss].
 */
export class RsiKernel implements Kernel {
  readonly names: string[];
  readonly stateSize = 6;
  private readonly period: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.names = [`rsi_${this.period}`];
  }
  init(s: Float64Array): void {
    s.fill(0);
    s[4] = NaN;
    s[5] = NaN;
  }
  step(s: Float64Array, bar: Bar, out: Float64Array, o: number): void {
    const period = this.period;
    const n = s[0]!;
    const close = bar.close;
    s[0] = n + 1;
    if (n === 0) {
      s[1] = close;
      out[o] = NaN;
      return;
    }
    const change = close - s[1]!;
    s[1] = close;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    let avgGain: number;
    let avgLoss: number;
    if (n < period) {
      s[2] = s[2]! + gain;
      s[3] = s[3]! + loss;
      out[o] = NaN;
      return;
    } else if (n === period) {
      avgGain = (s[2]! + gain) / period;
      avgLoss = (s[3]! + loss) / period;
    } else {
      avgGain = (s[4]! * (period - 1) + gain) / period;
      avgLoss = (s[5]! * (period - 1) + loss) / period;
    }
    s[4] = avgGain;
    s[5] = avgLoss;
    out[o] = avgLoss === 0 ? 100 : avgGain === 0 ? 0 : 100 - 100 / (1 + avgGain / avgLoss);
  }
}

/**
 * MACD = EMA(fast) − EMA(slow) from the slow EMA's first value; signal = EMA(signal) of MACD,
 * seeded with the SMA of its first values; histogram = MACD − signal. When the engine also
 * computes `ema:fast` / `ema:slow`, it points `fastSlot` / `slowSlot` at their outputs and the
 * MACD reads them instead of keeping its own copy (the same arithmetic, so the same values).
 * Layout: [fast EMA, slow EMA, signal EMA].
 */
const MACD_S = SEEDED_SIZE;
const MACD_G = 2 * SEEDED_SIZE;
export class MacdKernel implements Kernel {
  readonly names: string[];
  readonly stateSize = 3 * SEEDED_SIZE;
  readonly fast: number;
  readonly slow: number;
  private readonly signal: number;
  /** Output slots of shared EMA kernels that run before this one, or −1. */
  fastSlot = -1;
  slowSlot = -1;
  constructor(readonly spec: IndicatorSpec) {
    [this.fast, this.slow, this.signal] = spec.params as [number, number, number];
    const sfx = `${this.fast}_${this.slow}_${this.signal}`;
    this.names = [`macd_${sfx}`, `macd_signal_${sfx}`, `macd_hist_${sfx}`];
  }
  init(s: Float64Array): void {
    seededInit(s, 0);
    seededInit(s, MACD_S);
    seededInit(s, MACD_G);
  }
  step(s: Float64Array, bar: Bar, out: Float64Array, o: number): void {
    const { fast, slow, signal } = this;
    const f = this.fastSlot >= 0 ? out[this.fastSlot]! : seededPush(s, 0, fast, 2 / (fast + 1), bar.close);
    const sl = this.slowSlot >= 0 ? out[this.slowSlot]! : seededPush(s, MACD_S, slow, 2 / (slow + 1), bar.close);
    if (Number.isNaN(sl)) {
      out[o] = out[o + 1] = out[o + 2] = NaN;
      return;
    }
    const macd = f - sl;
    const sig = seededPush(s, MACD_G, signal, 2 / (signal + 1), macd);
    out[o] = macd;
    out[o + 1] = sig;
    out[o + 2] = macd - sig;
  }
}

/**
 * Stochastic %K = (close − lowest low) / (highest high − lowest low) × 100 over `period` bars
 * (0 when the range is flat, as technicalindicators does); %D = SMA(%K, signal).
 * Layout: [count, max deque, min deque, %D SMA].
 */
const STOCH_HI = 1;
export class StochKernel implements Kernel {
  readonly names: string[];
  readonly stateSize: number;
  private readonly period: number;
  private readonly signal: number;
  private readonly LO: number;
  private readonly D: number;
  constructor(readonly spec: IndicatorSpec) {
    [this.period, this.signal] = spec.params as [number, number];
    this.LO = STOCH_HI + DEQUE_SIZE(this.period);
    this.D = this.LO + DEQUE_SIZE(this.period);
    this.names = [`stoch_k_${this.period}_${this.signal}`, `stoch_d_${this.period}_${this.signal}`];
    this.stateSize = this.D + SMA_SIZE(this.signal);
  }
  init(s: Float64Array): void {
    s[0] = 0;
    dequeInit(s, STOCH_HI, this.period);
    dequeInit(s, this.LO, this.period);
    smaInit(s, this.D, this.signal);
  }
  step(s: Float64Array, bar: Bar, out: Float64Array, o: number): void {
    const { period, signal, LO, D } = this;
    const HI = STOCH_HI;
    const i = s[0]!;
    s[0] = i + 1;
    const hh = dequePush(s, HI, period, 1, i, bar.high);
    const ll = dequePush(s, LO, period, -1, i, bar.low);
    if (i < period - 1) {
      out[o] = out[o + 1] = NaN;
      return;
    }
    let k = ((bar.close - ll) / (hh - ll)) * 100;
    if (Number.isNaN(k)) k = 0;
    out[o] = k;
    out[o + 1] = smaPush(s, D, signal, k);
  }
}
