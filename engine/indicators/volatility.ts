/** ATR (Wilder) and Bollinger Bands (population standard deviation). */
import { SEEDED_SIZE, SMA_SIZE, seededInit, seededPush, smaAt, smaInit, smaPush, type Kernel } from './kernel';
import type { Bar, IndicatorSpec } from './types';

/** True range from the second bar: max(high − low, |high − prev close|, |low − prev close|). */
export function trueRange(bar: Bar, prevClose: number): number {
  return Math.max(bar.high - bar.low, Math.abs(bar.high - prevClose), Math.abs(bar.low - prevClose));
}

/**
 * ATR: Wilder's smoothing of the true range, seeded with the simple average of the first
 * `period` true ranges (the first bar has no true range). Layout: [count, prevClose, seeded].
 */
export class AtrKernel implements Kernel {
  readonly names: string[];
  readonly stateSize = 2 + SEEDED_SIZE;
  private readonly period: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.names = [`atr_${this.period}`];
  }
  init(s: Float64Array): void {
    s[0] = 0;
    s[1] = NaN;
    seededInit(s, 2);
  }
  step(s: Float64Array, bar: Bar, out: Float64Array, o: number): void {
    const n = s[0]!;
    s[0] = n + 1;
    const prevClose = s[1]!;
    s[1] = bar.close;
    out[o] = n === 0 ? NaN : seededPush(s, 2, this.period, 1 / this.period, trueRange(bar, prevClose));
  }
}

/**
 * Bollinger Bands: middle = SMA(close), bands = middle ± k × population stdev of the window.
 * The sum of squared deviations (M2) slides in O(1) (Welford's update for a removed and an
 * added value) and is recomputed exactly from the ring every `period` bars so it cannot drift,
 * and whenever the window is nearly flat (where the square root would magnify rounding).
 * Layout: [M2, slides since exact, SMA].
 */
const BB_A = 2;
function exactM2(s: Float64Array, period: number, mean: number): number {
  let m2 = 0;
  for (let j = 0; j < period; j++) {
    const d = smaAt(s, BB_A, period, j) - mean;
    m2 += d * d;
  }
  return m2;
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
  init(s: Float64Array): void {
    s[0] = 0;
    s[1] = 0;
    smaInit(s, BB_A, this.period);
  }
  step(s: Float64Array, bar: Bar, out: Float64Array, o: number): void {
    const { period, k } = this;
    const A = BB_A;
    const n = s[A]!;
    const prevMean = n >= period ? s[A + 1]! / period : NaN;
    // The value that leaves the window is in the slot the SMA is about to overwrite.
    const leaving = n >= period ? smaAt(s, A, period, period - 1) : NaN;
    const mean = smaPush(s, A, period, bar.close);
    if (Number.isNaN(mean)) {
      out[o] = out[o + 1] = out[o + 2] = NaN;
      return;
    }
    let m2: number;
    const slides = s[1]! + 1;
    if (n < period || slides >= period) {
      m2 = exactM2(s, period, mean);
      s[1] = 0;
    } else {
      m2 = s[0]! + (bar.close - leaving) * (bar.close - mean + leaving - prevMean);
      s[1] = slides;
      // Near-zero variance (a flat window): the square root would magnify rounding left in M2.
      if (m2 <= mean * mean * period * 1e-8) {
        m2 = exactM2(s, period, mean);
        s[1] = 0;
      }
    }
    s[0] = m2;
    const sd = Math.sqrt(m2 / period);
    out[o] = mean + sd * k;
    out[o + 1] = mean;
    out[o + 2] = mean - sd * k;
  }
}
