/** Support / resistance from recent swing pivots. */
import type { Kernel } from './kernel';
import type { Bar, IndicatorSpec } from './types';

/** Pivot levels remembered (the most recent ones). */
export const SR_LEVELS = 16;

/**
 * A swing high is a bar whose high is above the highs of the `strength` bars before it and not
 * below those of the `strength` bars after it (a swing low mirrors it), so it is confirmed
 * `strength` bars later. The last SR_LEVELS pivot levels (highs and lows together) are kept;
 * `sr_support_N` is the highest level below the close, `sr_resistance_N` the lowest level above
 * it — absent when there is none (a new high has no resistance). Not in technicalindicators.
 * Layout: [count, level count, level head, ring position, highs ring × w, lows ring × w, levels × SR_LEVELS]
 * with w = 2 × strength + 1.
 */
/** Slots: 0 count, 1 level count, 2 level head, 3 ring position, then the rings. */
const SR_POS = 3;
const SR_H = 4;
export class SrKernel implements Kernel {
  readonly names: string[];
  readonly stateSize: number;
  private readonly strength: number;
  private readonly w: number;
  private readonly L: number;
  private readonly LV: number;
  constructor(readonly spec: IndicatorSpec) {
    this.strength = spec.params[0]!;
    this.w = 2 * this.strength + 1;
    this.L = SR_H + this.w;
    this.LV = this.L + this.w;
    this.names = [`sr_support_${this.strength}`, `sr_resistance_${this.strength}`];
    this.stateSize = this.LV + SR_LEVELS;
  }
  init(s: Float64Array, b: number): void {
    s.fill(0, b, b + this.stateSize);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    const { strength, w } = this;
    const H = b + SR_H;
    const L = b + this.L;
    const LV = b + this.LV;
    const n = s[b]!;
    s[b] = n + 1;
    // s[b + SR_POS] is where the newest bar goes; bar n − d sits d slots before it (wrapping).
    const p = s[b + SR_POS]!;
    s[b + SR_POS] = p + 1 === w ? 0 : p + 1;
    s[H + p] = bar.high;
    s[L + p] = bar.low;
    if (n >= w - 1) {
      // The candidate is the middle bar of the last w bars.
      const c = ring(p, strength, w);
      const ch = s[H + c]!;
      const cl = s[L + c]!;
      let isHigh = true;
      let isLow = true;
      for (let j = 1; j <= strength && (isHigh || isLow); j++) {
        const before = ring(p, strength + j, w);
        const after = ring(p, strength - j, w);
        const bh = s[H + before]!;
        const ah = s[H + after]!;
        const bl = s[L + before]!;
        const al = s[L + after]!;
        if (!(ch > bh && ch >= ah)) isHigh = false;
        if (!(cl < bl && cl <= al)) isLow = false;
      }
      if (isHigh) addLevel(s, b, LV, ch);
      if (isLow) addLevel(s, b, LV, cl);
    }
    const count = s[b + 1]!;
    let support = NaN;
    let resistance = NaN;
    const close = bar.close;
    for (let j = 0; j < count; j++) {
      const lv = s[LV + j]!;
      if (lv < close) {
        if (!(lv <= support)) support = lv;
      } else if (lv > close) {
        if (!(lv >= resistance)) resistance = lv;
      }
    }
    out[o] = support;
    out[o + 1] = resistance;
  }
}

function addLevel(s: Float64Array, b: number, LV: number, level: number): void {
  const count = s[b + 1]!;
  const head = s[b + 2]!;
  s[LV + head] = level;
  s[b + 2] = (head + 1) % SR_LEVELS;
  if (count < SR_LEVELS) s[b + 1] = count + 1;
}

/** Ring index of the bar `d` bars before the newest (at `p`), for d < w. */
function ring(p: number, d: number, w: number): number {
  const i = p - d;
  return i < 0 ? i + w : i;
}
