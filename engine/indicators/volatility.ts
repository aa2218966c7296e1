/** ATR (Wilder) and Bollinger Bands (population standard deviation). */
import { SEEDED_SIZE, SEEDED_VALUE, SMA_MEAN, SMA_SIZE, seededInit, seededPush, smaAt, smaInit, smaPush, type Kernel } from './kernel';
import type { Bar, BarColumns, IndicatorSpec } from './types';

/** True range from the second bar: max(high − low, |high − prev close|, |low − prev close|). */
export function trueRange(high: number, low: number, prevClose: number): number {
  return Math.max(high - low, Math.abs(high - prevClose), Math.abs(low - prevClose));
}

/**
 * ATR: Wilder's smoothing of the true range, seeded with the simple average of the first
 * `period` true ranges (the first bar has no true range). Layout: [count, prevClose, seeded].
 * `atrPush` applies one bar to the state at `b` and writes the ATR after it at `out[o]`.
 */
export function atrPush(s: Float64Array, b: number, period: number, high: number, low: number, close: number, out: Float64Array, o: number): void {
  const n = s[b]!;
  s[b] = n + 1;
  const prevClose = s[b + 1]!;
  s[b + 1] = close;
  if (n === 0) {
    out[o] = NaN;
    return;
  }
  seededPush(s, b + 2, period, 1 / period, trueRange(high, low, prevClose));
  out[o] = s[b + 2 + SEEDED_VALUE]!;
}

export class AtrKernel implements Kernel {
  readonly names: string[];
  readonly stateSize = 2 + SEEDED_SIZE;
  private readonly period: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.names = [`atr_${this.period}`];
  }
  init(s: Float64Array, b: number): void {
    s[b] = 0;
    s[b + 1] = NaN;
    seededInit(s, b + 2);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    atrPush(s, b, this.period, bar.high, bar.low, bar.close, out, o);
  }
  batch(s: Float64Array, c: BarColumns, cols: Float64Array[]): void {
    const period = this.period;
    const { high, low, close } = c;
    const col = cols[0]!;
    for (let i = 0; i < c.length; i++) atrPush(s, 0, period, high[i]!, low[i]!, close[i]!, col, i);
  }
}

/**
 * Bollinger Bands: middle = SMA(close), bands = middle ± k × population stdev of the window.
 * The sum of squared deviations (M2) slides in O(1) (Welford's update for a removed and an
 * added value) and is recomputed exactly from the ring every `period` bars so it cannot drift,
 * and whenever the window is nearly flat (where the square root would magnify rounding).
 * Layout: [M2, slides since exact, SMA]. `bbPush` applies one close to the state at `b` and
 * writes upper, middle and lower at `out[o..o+2]`.
 */
const BB_A = 2;
function exactM2(s: Float64Array, a: number, period: number, mean: number): number {
  let m2 = 0;
  for (let j = 0; j < period; j++) {
    const d = smaAt(s, a, period, j) - mean;
    m2 += d * d;
  }
  return m2;
}

export function bbPush(s: Float64Array, b: number, period: number, k: number, close: number, out: Float64Array, o: number): void {
  const A = b + BB_A;
  const n = s[A]!;
  const prevMean = n >= period ? s[A + SMA_MEAN]! : NaN; // the previous push's sum / period
  // The value that leaves the window is in the slot the SMA is about to overwrite.
  const leaving = n >= period ? smaAt(s, A, period, period - 1) : NaN;
  smaPush(s, A, period, close);
  const mean = s[A + SMA_MEAN]!;
  if (Number.isNaN(mean)) {
    out[o] = out[o + 1] = out[o + 2] = NaN;
    return;
  }
  let m2: number;
  const slides = s[b + 1]! + 1;
  if (n < period || slides >= period) {
    m2 = exactM2(s, A, period, mean);
    s[b + 1] = 0;
  } else {
    m2 = s[b]! + (close - leaving) * (close - mean + leaving - prevMean);
    s[b + 1] = slides;
    // Near-zero variance (a flat window): the square root would magnify rounding left in M2.
    if (m2 <= mean * mean * period * 1e-8) {
      m2 = exactM2(s, A, period, mean);
      s[b + 1] = 0;
    }
  }
  s[b] = m2;
  const sd = Math.sqrt(m2 / period);
  out[o] = mean + sd * k;
  out[o + 1] = mean;
  out[o + 2] = mean - sd * k;
}

export class BbKernel implements Kernel {
  readonly names: string[];
  readonly stateSize: number;
  private readonly period: number;
  private readonly k: number;
  constructor(readonly spec: IndicatorSpec) {
    [this.period, this.k] = spec.params as [number, number];
    const sfx = `${this.period}_${this.k}`;
    this.names = [`bb_upper_${sfx}`, `bb_middle_${sfx}`, `bb_lower_${sfx}`];
    this.stateSize = BB_A + SMA_SIZE(this.period);
  }
  init(s: Float64Array, b: number): void {
    s[b] = 0;
    s[b + 1] = 0;
    smaInit(s, b + BB_A, this.period);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    bbPush(s, b, this.period, this.k, bar.close, out, o);
  }
  batch(s: Float64Array, c: BarColumns, cols: Float64Array[]): void {
    const { period, k } = this;
    const close = c.close;
    const [upper, middle, lower] = cols as [Float64Array, Float64Array, Float64Array];
    const out = new Float64Array(3);
    for (let i = 0; i < c.length; i++) {
      bbPush(s, 0, period, k, close[i]!, out, 0);
      upper[i] = out[0]!;
      middle[i] = out[1]!;
      lower[i] = out[2]!;
    }
  }
}
