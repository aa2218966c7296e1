/** OBV and session VWAP. */
import type { Kernel } from './kernel';
import type { Bar, IndicatorSpec } from './types';

const DAY_MS = 86_400_000;

/**
 * On-balance volume: from the second bar, adds the bar's volume on an up close and subtracts it
 * on a down close (technicalindicators' convention: no value on the first bar, then a running
 * total from 0). Layout: [count, prevClose, obv].
 */
export class ObvKernel implements Kernel {
  readonly names = ['obv'];
  readonly stateSize = 3;
  constructor(readonly spec: IndicatorSpec) {}
  init(s: Float64Array, b: number): void {
    s.fill(0, b, b + 3);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    const n = s[b]!;
    s[b] = n + 1;
    const prev = s[b + 1]!;
    s[b + 1] = bar.close;
    if (n === 0) {
      out[o] = NaN;
      return;
    }
    let v = s[b + 2]!;
    if (bar.close > prev) v += bar.volume;
    else if (bar.close < prev) v -= bar.volume;
    s[b + 2] = v;
    out[o] = v;
  }
}

/**
 * VWAP over a session that is the UTC day: Σ(typical price × volume) / Σ volume, typical price
 * (high + low + close) / 3, reset at 00:00 UTC (the bar whose open time starts a new UTC day
 * starts a new session). Before any volume in the session it is the bar's typical price.
 * technicalindicators' VWAP never resets (one session for the whole input).
 * Layout: [session day, Σ pv, Σ v].
 */
export class VwapKernel implements Kernel {
  readonly names = ['vwap'];
  readonly stateSize = 3;
  constructor(readonly spec: IndicatorSpec) {}
  init(s: Float64Array, b: number): void {
    s[b] = NaN;
    s[b + 1] = 0;
    s[b + 2] = 0;
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    const day = Math.floor(bar.ts / DAY_MS);
    if (day !== s[b]) {
      s[b] = day;
      s[b + 1] = 0;
      s[b + 2] = 0;
    }
    const tp = (bar.high + bar.low + bar.close) / 3;
    const pv = s[b + 1]! + bar.volume * tp;
    const v = s[b + 2]! + bar.volume;
    s[b + 1] = pv;
    s[b + 2] = v;
    out[o] = v > 0 ? pv / v : tp;
  }
}
