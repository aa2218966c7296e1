/** ADX with +DI / −DI (Wilder). */
import { SEEDED_SIZE, SEEDED_VALUE, seededInit, seededPush, type Kernel } from './kernel';
import { trueRange } from './volatility';
import type { Bar, IndicatorSpec } from './types';

/**
 * ADX as technicalindicators computes it: from the second bar, true range, +DM and −DM are
 * smoothed with Wilder's running sum (first value = the sum of the first `period`, then
 * s − s/period + x); +DI = 100 × s(+DM)/s(TR), −DI likewise; DX = 100 × |+DI − −DI| / (+DI + −DI);
 * ADX = Wilder average of DX seeded with the simple average of the first `period` DX values.
 * +DI/−DI have values from bar `period + 1` on (technicalindicators only shows them with the
 * ADX); a DX over a zero DI sum counts as 0 (technicalindicators would turn it into NaN forever).
 * Layout: [count, prevHigh, prevLow, prevClose, sTR, sPDM, sMDM, ADX seeded].
 */
const ADX_X = 7;
export class AdxKernel implements Kernel {
  readonly names: string[];
  readonly stateSize = ADX_X + SEEDED_SIZE;
  private readonly period: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.names = [`adx_${this.period}`, `pdi_${this.period}`, `mdi_${this.period}`];
  }
  init(s: Float64Array, b: number): void {
    s.fill(0, b, b + ADX_X);
    seededInit(s, b + ADX_X);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    const period = this.period;
    const n = s[b]!;
    s[b] = n + 1;
    const ph = s[b + 1]!;
    const pl = s[b + 2]!;
    const pc = s[b + 3]!;
    s[b + 1] = bar.high;
    s[b + 2] = bar.low;
    s[b + 3] = bar.close;
    if (n === 0) {
      out[o] = out[o + 1] = out[o + 2] = NaN;
      return;
    }
    const tr = trueRange(bar.high, bar.low, pc);
    const up = bar.high - ph;
    const down = pl - bar.low;
    const pdm = up > down && up > 0 ? up : 0;
    const mdm = down > up && down > 0 ? down : 0;
    let sTR: number;
    let sP: number;
    let sM: number;
    if (n <= period) {
      sTR = s[b + 4]! + tr;
      sP = s[b + 5]! + pdm;
      sM = s[b + 6]! + mdm;
    } else {
      sTR = s[b + 4]! - s[b + 4]! / period + tr;
      sP = s[b + 5]! - s[b + 5]! / period + pdm;
      sM = s[b + 6]! - s[b + 6]! / period + mdm;
    }
    s[b + 4] = sTR;
    s[b + 5] = sP;
    s[b + 6] = sM;
    if (n < period) {
      out[o] = out[o + 1] = out[o + 2] = NaN;
      return;
    }
    const pdi = (sP * 100) / sTR;
    const mdi = (sM * 100) / sTR;
    const sum = pdi + mdi;
    const dx = sum > 0 ? (Math.abs(pdi - mdi) / sum) * 100 : 0;
    seededPush(s, b + ADX_X, period, 1 / period, dx);
    out[o] = s[b + ADX_X + SEEDED_VALUE]!;
    out[o + 1] = pdi;
    out[o + 2] = mdi;
  }
}
