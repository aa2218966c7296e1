/** EMA, SMA and volume ratio (volume / its SMA). */
import { SEEDED_SIZE, SMA_SIZE, seededInit, seededPush, smaInit, smaPush, type Kernel } from './kernel';
import type { Bar, IndicatorSpec } from './types';

/** EMA of the close, seeded with the SMA of the first `period` closes (technicalindicators' convention). */
export class EmaKernel implements Kernel {
  readonly names: string[];
  readonly stateSize = SEEDED_SIZE;
  private readonly period: number;
  private readonly alpha: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.alpha = 2 / (this.period + 1);
    this.names = [`ema_${this.period}`];
  }
  init(s: Float64Array): void {
    seededInit(s, 0);
  }
  step(s: Float64Array, bar: Bar, out: Float64Array, o: number): void {
    out[o] = seededPush(s, 0, this.period, this.alpha, bar.close);
  }
}

export class SmaKernel implements Kernel {
  readonly names: string[];
  readonly stateSize: number;
  private readonly period: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.names = [`sma_${this.period}`];
    this.stateSize = SMA_SIZE(this.period);
  }
  init(s: Float64Array): void {
    smaInit(s, 0, this.period);
  }
  step(s: Float64Array, bar: Bar, out: Float64Array, o: number): void {
    out[o] = smaPush(s, 0, this.period, bar.close);
  }
}

/** Volume / SMA(volume, period), the current bar included in the average; 0 when the average is 0. */
export class VolumeRatioKernel implements Kernel {
  readonly names: string[];
  readonly stateSize: number;
  private readonly period: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.names = [`volume_ratio_${this.period}`];
    this.stateSize = SMA_SIZE(this.period);
  }
  init(s: Float64Array): void {
    smaInit(s, 0, this.period);
  }
  step(s: Float64Array, bar: Bar, out: Float64Array, o: number): void {
    const avg = smaPush(s, 0, this.period, bar.volume);
    out[o] = Number.isNaN(avg) ? NaN : avg > 0 ? bar.volume / avg : 0;
  }
}
