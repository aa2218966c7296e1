/**
 * The batch path: indicators over a whole history held in typed arrays (one Float64Array per
 * bar field, one per output). Each kernel's `batch` runs its own per-bar function — the one its
 * live `step` calls (`seededPush`, `atrPush`, `rsiPush`, `bbPush`, …) — down the columns, with
 * the same state layout; kernels without one are fed through `stepKernel` one bar at a time. So
 * a batch column equals, bit for bit, what the incremental engine produces bar by bar
 * (tests/indicators/batch.test.ts). There is no second implementation of any indicator.
 *
 * Why a separate entry point at all: the live engine returns a fresh `Features` object per bar,
 * which is what a strategy reads, and reads a Bar object per bar; over a year of 1m bars that,
 * not the arithmetic, is the cost. Here nothing is allocated per bar and each kernel's loop is
 * its own (monomorphic, no dispatch per bar): values go from input columns straight into output
 * columns. Backtests and sweeps compute each indicator once per parameter set and share the
 * columns between combinations (ColumnCache).
 */
import { KERNELS, kindCode, stepKernel } from './dispatch';
import { featureNames, formatSpec, uniqueSpecs } from './spec';
import type { Bar, BarColumns, IndicatorSpec } from './types';

export type { BarColumns };

function emptyColumns(n: number): BarColumns {
  return {
    length: n,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

export function barColumns(bars: readonly Bar[]): BarColumns {
  const c = emptyColumns(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    c.ts[i] = b.ts;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
  }
  return c;
}

/** Columns from bars packed 6 floats each (ts, open, high, low, close, volume), as the pool sends them. */
export function packedColumns(packed: Float64Array): BarColumns {
  const n = Math.floor(packed.length / 6);
  const c = emptyColumns(n);
  for (let i = 0, k = 0; i < n; i++, k += 6) {
    c.ts[i] = packed[k]!;
    c.open[i] = packed[k + 1]!;
    c.high[i] = packed[k + 2]!;
    c.low[i] = packed[k + 3]!;
    c.close[i] = packed[k + 4]!;
    c.volume[i] = packed[k + 5]!;
  }
  return c;
}

/**
 * One indicator over all bars: one column per output name (NaN while warming up), computed by
 * the kernel's own per-bar function, exactly as the live engine applies it. The spec must be
 * normalized. The output columns share one buffer (one allocation per indicator).
 */
export function specColumns(spec: IndicatorSpec, c: BarColumns): Float64Array[] {
  const k = new KERNELS[spec.kind](spec);
  const st = new Float64Array(k.stateSize);
  k.init(st, 0);
  const w = k.names.length;
  const n = c.length;
  const buf = new ArrayBuffer(n * w * 8);
  const cols = k.names.map((_, j) => new Float64Array(buf, j * n * 8, n));
  if (k.batch) {
    k.batch(st, c, cols);
    return cols;
  }
  const code = kindCode(spec.kind);
  const out = new Float64Array(w);
  const { ts, open, high, low, close, volume } = c;
  const bar: Bar = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < n; i++) {
    bar.ts = ts[i]!;
    bar.open = open[i]!;
    bar.high = high[i]!;
    bar.low = low[i]!;
    bar.close = close[i]!;
    bar.volume = volume[i]!;
    stepKernel(code, k, st, 0, bar, out, 0);
    for (let j = 0; j < w; j++) cols[j]![i] = out[j]!;
  }
  return cols;
}

/**
 * Indicator columns already computed over one history, keyed by the written spec
 * (`ema:21`), so a sweep's combinations that share indicator parameters compute them once.
 * Bounded by bytes: the oldest entries go first. Valid for one history only: the caller keys
 * the cache by its data (see engine/backtest/pool-task.ts).
 */
export class ColumnCache {
  private readonly map = new Map<string, Float64Array[]>();
  private bytes = 0;
  hits = 0;
  misses = 0;
  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  columns(spec: IndicatorSpec, c: BarColumns): Float64Array[] {
    const key = formatSpec(spec);
    const had = this.map.get(key);
    if (had) {
      this.hits++;
      return had;
    }
    this.misses++;
    const cols = specColumns(spec, c);
    const size = cols.length * c.length * 8;
    this.map.set(key, cols);
    this.bytes += size;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes || k === key) break;
      this.map.delete(k);
      this.bytes -= v.length * c.length * 8;
    }
    return cols;
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

/** Feature columns of a set of indicators, in the live engine's name order (duplicates computed once). */
export interface FeatureColumns {
  names: string[];
  columns: Float64Array[];
}

export function featureColumns(specs: readonly IndicatorSpec[], c: BarColumns, cache?: ColumnCache): FeatureColumns {
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const s of uniqueSpecs(specs)) {
    names.push(...featureNames(s));
    columns.push(...(cache ? cache.columns(s, c) : specColumns(s, c)));
  }
  return { names, columns };
}
