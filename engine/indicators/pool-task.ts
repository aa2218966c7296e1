/** The warm-up task the pool's workers run (shared by the pool and its worker). */
import { createFeatureEngine, type EngineSnapshot } from './engine';
import type { Bar, IndicatorSpec } from './types';

export const BAR_FIELDS = 6;

/** Bar `i` of bars packed BAR_FIELDS floats each (packBars' layout), written into `bar`; returns it. */
export function readPackedBar(a: Float64Array, i: number, bar: Bar): Bar {
  const k = i * BAR_FIELDS;
  bar.ts = a[k]!;
  bar.open = a[k + 1]!;
  bar.high = a[k + 2]!;
  bar.low = a[k + 3]!;
  bar.close = a[k + 4]!;
  bar.volume = a[k + 5]!;
  return bar;
}

export interface WarmUpTask {
  specs: IndicatorSpec[];
  /** ts, open, high, low, close, volume per bar. */
  bars: Float64Array;
  series: boolean;
}

export interface WarmUpTaskResult {
  names: string[];
  snapshot: EngineSnapshot;
  /** names.length values per bar, when asked for. */
  series: Float64Array | null;
}

export function runWarmUpTask(task: WarmUpTask): WarmUpTaskResult {
  const engine = createFeatureEngine(task.specs);
  const n = Math.floor(task.bars.length / BAR_FIELDS);
  const w = engine.names.length;
  const series = task.series ? new Float64Array(n * w) : null;
  const a = task.bars;
  const bar: Bar = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < n; i++) {
    const v = engine.step(readPackedBar(a, i, bar));
    if (series) series.set(v, i * w);
  }
  return { names: [...engine.names], snapshot: engine.snapshot(), series };
}
