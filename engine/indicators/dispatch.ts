/**
 * The kernel classes by kind, and `stepKernel`: the batch path's way to feed one bar to a kernel
 * that has no `batch` loop of its own (batch.ts). The live engine calls each kernel's `step`
 * from a step function compiled per indicator set (engine.ts compileSteps); every path runs the
 * kernel's own per-bar code — one implementation of every indicator.
 */
import { EmaKernel, SmaKernel, VolumeRatioKernel } from './averages';
import type { Kernel } from './kernel';
import { MacdKernel, RsiKernel, StochKernel } from './momentum';
import { SrKernel } from './pivots';
import { AdxKernel } from './trend';
import { INDICATOR_KINDS, type Bar, type IndicatorKind, type IndicatorSpec } from './types';
import { AtrKernel, BbKernel } from './volatility';
import { ObvKernel, VwapKernel } from './volume';

/** Kernels are classes: every engine shares their code and its type feedback, so it stays optimised. */
export const KERNELS: Readonly<Record<IndicatorKind, new (spec: IndicatorSpec) => Kernel>> = {
  ema: EmaKernel,
  sma: SmaKernel,
  rsi: RsiKernel,
  macd: MacdKernel,
  atr: AtrKernel,
  bb: BbKernel,
  obv: ObvKernel,
  vwap: VwapKernel,
  stoch: StochKernel,
  adx: AdxKernel,
  volume_ratio: VolumeRatioKernel,
  sr: SrKernel,
};

/** The dispatch code of a kind (its index in INDICATOR_KINDS). */
export function kindCode(kind: IndicatorKind): number {
  return INDICATOR_KINDS.indexOf(kind);
}

/**
 * Applies one bar to one kernel. One call site per kernel class keeps every call monomorphic
 * (inlined), where a single `k.step(...)` site would see a dozen classes and stay a slow
 * megamorphic call. (The casts only steer the call site: each call runs the kernel's own step.)
 */
export function stepKernel(code: number, k: Kernel, st: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
  switch (code) {
    case 0:
      (k as EmaKernel).step(st, b, bar, out, o);
      break;
    case 1:
      (k as SmaKernel).step(st, b, bar, out, o);
      break;
    case 2:
      (k as RsiKernel).step(st, b, bar, out, o);
      break;
    case 3:
      (k as MacdKernel).step(st, b, bar, out, o);
      break;
    case 4:
      (k as AtrKernel).step(st, b, bar, out, o);
      break;
    case 5:
      (k as BbKernel).step(st, b, bar, out, o);
      break;
    case 6:
      (k as ObvKernel).step(st, b, bar, out, o);
      break;
    case 7:
      (k as VwapKernel).step(st, b, bar, out, o);
      break;
    case 8:
      (k as StochKernel).step(st, b, bar, out, o);
      break;
    case 9:
      (k as AdxKernel).step(st, b, bar, out, o);
      break;
    case 10:
      (k as VolumeRatioKernel).step(st, b, bar, out, o);
      break;
    default:
      (k as SrKernel).step(st, b, bar, out, o);
  }
}
