/** EMA, SMA and volume ratio (volume / its SMA). */
import { SEEDED_SIZE, SEEDED_VALUE, SMA_MEAN, SMA_SIZE, seededInit, seededPush, smaInit, smaPush, type Kernel } from './kernel';
import type { Bar, BarColumns, IndicatorSpec } from './types';

/** EMA of the close, seeded with the SMA of the first `period` closes (technicalindicators' convention). */
export class EmaKernel implements Kernel {
  readonly names: string[];
  readonly stateSize = SEEDED_SIZE;
  readonly period: number;
  private readonly alpha: number;
  constructor(readonly spec: IndicatorSpec) {
    this.period = spec.params[0]!;
    this.alpha = 2 / (this.period + 1);
    this.names = [`ema_${this.period}`];
  }
  init(s: Float64Array, b: number): void {
    seededInit(s, b);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    seededPush(s, b, this.period, this.alpha, bar.close);
    out[o] = s[b + SEEDED_VALUE]!;
  }
  batch(s: Float64Array, c: BarColumns, cols: Float64Array[]): void {
    const { period, alpha } = this;
    const close = c.close;
    const col = cols[0]!;
    for (let i = 0; i < c.length; i++) {
      seededPush(s, 0, period, alpha, close[i]!);
      col[i] = s[SEEDED_VALUE]!;
    }
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
  init(s: Float64Array, b: number): void {
    smaInit(s, b, this.period);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    smaPush(s, b, this.period, bar.close);
    out[o] = s[b + SMA_MEAN]!;
  }
  batch(s: Float64Array, c: BarColumns, cols: Float64Array[]): void {
    const period = this.period;
    const close = c.close;
    const col = cols[0]!;
    for (let i = 0; i < c.length; i++) {
      smaPush(s, 0, period, close[i]!);
      col[i] = s[SMA_MEAN]!;
    }
  }
}

/** Volume over its average: 0 when the average is 0, NaN while the average warms up. */
function volumeRatio(volume: number, avg: number): number {
  return Number.isNaN(avg) ? NaN : avg > 0 ? volume / avg : 0;
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
  init(s: Float64Array, b: number): void {
    smaInit(s, b, this.period);
  }
  step(s: Float64Array, b: number, bar: Bar, out: Float64Array, o: number): void {
    smaPush(s, b, this.period, bar.volume);
    out[o] = volumeRatio(bar.volume, s[b + SMA_MEAN]!);
  }
  batch(s: Float64Array, c: BarColumns, cols: Float64Array[]): void {
    const period = this.period;
    const volume = c.volume;
    const col = cols[0]!;
    for (let i = 0; i < c.length; i++) {
      const v = volume[i]!;
      smaPush(s, 0, period, v);
      col[i] = volumeRatio(v, s[SMA_MEAN]!);
    }
  }
}
