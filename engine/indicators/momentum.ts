/** RSI (Wilder), MACD (line, signal, histogram) and Stochastic (%K, %D). */
import { DEQUE_SIZE, SEEDED_SIZE, SEEDED_VALUE, SMA_MEAN, SMA_SIZE, dequeInit, dequePush, seededInit, seededPush, smaInit, smaPush, type Kernel } from './kernel';
import type { Bar, BarColumns, IndicatorSpec } from './types';

/**
 * RSI with Wilder's smoothing: the first average gain/loss is the simple average of the first
 * `period` changes, then avg = avg × (period − 1)/period + x/period (technicalindicators divides
 * the sum by period; the same value to the last bit or two, without a division per bar). RSI =
 * 100 × avgGain / (avgGain + avgLoss), which is 100 − 100 / (1 + RS) with one division instead of
 * two; 100 when the average loss is 0, 0 when the average gain is 0. Not rounded
 * (technicalindicators rounds to 2 decimals).
 * Layout: [count, prevClose, gainSum, lossSum, avgGain, avgLoss]. `rsiPush` applies one close to
 * the state at `b` and writes the RSI after it at `out[o]` (NaN while warming).
 */
export function rsiPush(s: Float64Array, b: number, period: number, close: number, out: Float64Array, o: number): void {
  const n = s[b]!;
  s[b] = n + 1;
  if (n === 0) {
    s[b + 1] = close;
    out[o] = NaN;
    return;
  }
  const change = close - s[b + 1]!;
  s[b + 1] = close;
  const gain = change > 0 ? change : 0;
  const loss = change < 0 ? -change : 0;
  let avgGain: number;
  let avgLoss: number;
  if (n < period) {
    s[b + 2] = s[b + 2]! + gain;
    s[b + 3] = s[b + 3]! + loss;
    out[o] = NaN;
    return;
  } else if (n === period) {
    avgGain = (s[b + 2]! + gain) / period;
    avgLoss = (s[b + 3]! + loss) / period;
  } else {
    const keep = (period - 1) / period;
    const add = 1 / period;
    avgGain = s[b + 4]! * keep + gain * add;
    avgLoss = s[b + 5]! * keep + loss * add;
  }
  s[b + 4] = avgGain;
  s[b + 5] = avgLoss;
  out[o] = avgLoss === 0 ? 100 : avgGain === 0 ? 0 : (100 * avgGain) / (avgGain + avgLoss);
}

export class RsiKernel implements Kernel {
  readonly names: string[];
  readonly stateSize = 6;
  private readonly period: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.names = [`rsi_${this.period}`];
  }
  init(s: Float64Array, b: number): void {
    s.fill(0, b, b + 4);
    s[b + 4] = NaN;
    s[b + 5] = NaN;
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    rsiPush(s, b, this.period, bar.close, out, o);
  }
  batch(s: Float64Array, c: BarColumns, cols: Float64Array[]): void {
    const period = this.period;
    const close = c.close;
    const col = cols[0]!;
    for (let i = 0; i < c.length; i++) rsiPush(s, 0, period, close[i]!, col, i);
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

/**
 * One close into the MACD state at `b`, given the fast and slow EMAs after it (`f`, `sl`: from
 * the state's own EMAs or shared ones); writes line, signal and histogram at `out[o..o+2]`.
 */
function macdOut(s: Float64Array, b: number, signal: number, f: number, sl: number, out: Float64Array, o: number): void {
  if (Number.isNaN(sl)) {
    out[o] = out[o + 1] = out[o + 2] = NaN;
    return;
  }
  const macd = f - sl;
  seededPush(s, b + MACD_G, signal, 2 / (signal + 1), macd);
  const sig = s[b + MACD_G + SEEDED_VALUE]!;
  out[o] = macd;
  out[o + 1] = sig;
  out[o + 2] = macd - sig;
}

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
  init(s: Float64Array, b: number): void {
    seededInit(s, b);
    seededInit(s, b + MACD_S);
    seededInit(s, b + MACD_G);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    const { fast, slow } = this;
    if (this.fastSlot < 0) seededPush(s, b, fast, 2 / (fast + 1), bar.close);
    if (this.slowSlot < 0) seededPush(s, b + MACD_S, slow, 2 / (slow + 1), bar.close);
    const f = this.fastSlot >= 0 ? out[this.fastSlot]! : s[b + SEEDED_VALUE]!;
    const sl = this.slowSlot >= 0 ? out[this.slowSlot]! : s[b + MACD_S + SEEDED_VALUE]!;
    macdOut(s, b, this.signal, f, sl, out, o);
  }
  /** Batch: its own EMAs (the same arithmetic as shared ones, so the same values). */
  batch(s: Float64Array, c: BarColumns, cols: Float64Array[]): void {
    const { fast, slow, signal } = this;
    const af = 2 / (fast + 1);
    const as = 2 / (slow + 1);
    const close = c.close;
    const [line, sig, hist] = cols as [Float64Array, Float64Array, Float64Array];
    const out = new Float64Array(3);
    for (let i = 0; i < c.length; i++) {
      const x = close[i]!;
      seededPush(s, 0, fast, af, x);
      seededPush(s, MACD_S, slow, as, x);
      macdOut(s, 0, signal, s[SEEDED_VALUE]!, s[MACD_S + SEEDED_VALUE]!, out, 0);
      line[i] = out[0]!;
      sig[i] = out[1]!;
      hist[i] = out[2]!;
    }
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
  init(s: Float64Array, b: number): void {
    s[b] = 0;
    dequeInit(s, b + STOCH_HI, this.period);
    dequeInit(s, b + this.LO, this.period);
    smaInit(s, b + this.D, this.signal);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    const { period, signal } = this;
    const HI = b + STOCH_HI;
    const LO = b + this.LO;
    const D = b + this.D;
    const i = s[b]!;
    s[b] = i + 1;
    const hh = dequePush(s, HI, period, 1, i, bar.high);
    const ll = dequePush(s, LO, period, -1, i, bar.low);
    if (i < period - 1) {
      out[o] = out[o + 1] = NaN;
      return;
    }
    let k = ((bar.close - ll) / (hh - ll)) * 100;
    if (Number.isNaN(k)) k = 0;
    out[o] = k;
    smaPush(s, D, signal, k);
    out[o + 1] = s[D + SMA_MEAN]!;
  }
}
