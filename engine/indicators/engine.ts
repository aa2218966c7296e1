/**
 * The feature engine: one (source, symbol, timeframe) and a set of indicators. All state lives in
 * fixed-size Float64Arrays (one per kernel), the outputs in another; a bar costs O(1) per
 * indicator and nothing grows. `snapshot()` / `restore()` copy that state, which is how a
 * warm-up computed in the worker pool continues live in the engine.
 */
import { EmaKernel } from './averages';
import { KERNELS, kindCode, stepKernel } from './dispatch';
import type { Kernel } from './kernel';
import { MacdKernel } from './momentum';
import { featureNames, uniqueSpecs, warmupBars } from './spec';
import type { Bar, FeatureEngine, Features, IndicatorSpec } from './types';

/** A copy of an engine's state: enough to continue exactly where it stopped. */
export interface EngineSnapshot {
  /** Specs as written (`macd:12:26:9`), to check the snapshot fits the engine. */
  key: string;
  bars: number;
  lastTs: number;
  state: Float64Array;
  out: Float64Array;
}

/** The FeatureEngine plus the allocation-free fast path used by the pool, the CLI and benchmarks. */
export interface FeatureEngineImpl extends FeatureEngine {
  /** Applies one bar and returns the output vector (NaN = warming); the array is reused. */
  step(bar: Bar): Float64Array;
  /** The output vector after the last bar, in `names` order (reused; copy to keep). */
  readonly values: Float64Array;
  /** Bars before every feature has a value. */
  readonly warmup: number;
  /** Open time of the last bar applied (NaN before any). */
  readonly lastTs: number;
  snapshot(): EngineSnapshot;
  restore(snap: EngineSnapshot): void;
  reset(): void;
}

export function specsKey(specs: readonly IndicatorSpec[]): string {
  return specs.map((s) => [s.kind, ...s.params].join(':')).join(',');
}

/** Builds an engine; duplicate specs are computed once. Throws SpecError on a bad spec. */
export function createFeatureEngine(input: readonly IndicatorSpec[]): FeatureEngineImpl {
  return new Engine(uniqueSpecs(input));
}

class Engine implements FeatureEngineImpl {
  readonly names: string[] = [];
  readonly values: Float64Array;
  readonly warmup: number;
  private readonly kernels: Kernel[];
  /** Index of each kernel's kind in INDICATOR_KINDS, for the dispatch in step(). */
  private readonly codes: Uint8Array;
  private readonly states: Float64Array[];
  private readonly outOffsets: number[] = [];
  private readonly stateOffsets: number[] = [];
  private readonly stateSize: number;
  private readonly key: string;
  private count = 0;
  private last = NaN;
  private features: Features = {};
  private featuresValid = true;

  constructor(readonly specs: IndicatorSpec[]) {
    const kernels = specs.map((s) => new KERNELS[s.kind](s));
    // Outputs (names) in spec order; state in the same order.
    const outAt: number[] = [];
    const stateAt: number[] = [];
    let size = 0;
    for (const k of kernels) {
      outAt.push(this.names.length);
      this.names.push(...k.names);
      stateAt.push(size);
      size += k.stateSize;
    }
    this.stateSize = size;
    // Shared sub-indicators: a MACD reads the EMAs the set already computes.
    const emaSlot = new Map<number, number>();
    kernels.forEach((k, i) => {
      if (k instanceof EmaKernel) emaSlot.set(k.spec.params[0]!, outAt[i]!);
    });
    for (const k of kernels) {
      if (k instanceof MacdKernel) {
        k.fastSlot = emaSlot.get(k.fast) ?? -1;
        k.slowSlot = emaSlot.get(k.slow) ?? -1;
      }
    }
    // Execution order: EMAs first (others may read them), then the rest in spec order.
    const order = kernels.map((_, i) => i).sort((a, b) => Number(!(kernels[a] instanceof EmaKernel)) - Number(!(kernels[b] instanceof EmaKernel)) || a - b);
    this.kernels = order.map((i) => kernels[i]!);
    this.outOffsets.push(...order.map((i) => outAt[i]!));
    this.stateOffsets.push(...order.map((i) => stateAt[i]!));
    this.codes = Uint8Array.from(this.kernels.map((k) => kindCode(k.spec.kind)));
    // One array per kernel (standalone arrays index faster than views into one buffer).
    this.states = this.kernels.map((k) => new Float64Array(k.stateSize));
    this.values = new Float64Array(this.names.length);
    this.warmup = specs.reduce((m, s) => Math.max(m, warmupBars(s)), 0);
    this.key = specsKey(specs);
    this.reset();
  }

  get bars(): number {
    return this.count;
  }
  get lastTs(): number {
    return this.last;
  }

  reset(): void {
    this.kernels.forEach((k, i) => k.init(this.states[i]!));
    this.values.fill(NaN);
    this.count = 0;
    this.last = NaN;
    this.features = {};
    this.featuresValid = true;
  }

  step(bar: Bar): Float64Array {
    const kernels = this.kernels;
    const states = this.states;
    const offs = this.outOffsets;
    const out = this.values;
    const codes = this.codes;
    for (let i = 0; i < kernels.length; i++) stepKernel(codes[i]!, kernels[i]!, states[i]!, bar, out, offs[i]!);
    this.count++;
    this.last = bar.ts;
    this.featuresValid = false;
    return out;
  }

  update(bar: Bar): Features {
    this.step(bar);
    return this.current();
  }

  current(): Features {
    if (!this.featuresValid) {
      const f: Record<string, number> = {};
      const out = this.values;
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        if (!Number.isNaN(v)) f[this.names[i]!] = v;
      }
      this.features = f;
      this.featuresValid = true;
    }
    return this.features;
  }

  ready(): boolean {
    return this.count >= this.warmup;
  }

  snapshot(): EngineSnapshot {
    const state = new Float64Array(this.stateSize);
    this.states.forEach((v, i) => state.set(v, this.stateOffsets[i]!));
    return { key: this.key, bars: this.count, lastTs: this.last, state, out: this.values.slice() };
  }

  restore(snap: EngineSnapshot): void {
    if (snap.key !== this.key || snap.state.length !== this.stateSize || snap.out.length !== this.values.length) {
      throw new Error(`snapshot is for indicators "${snap.key}", not "${this.key}"`);
    }
    this.states.forEach((v, i) => v.set(snap.state.subarray(this.stateOffsets[i]!, this.stateOffsets[i]! + v.length)));
    this.values.set(snap.out);
    this.count = snap.bars;
    this.last = snap.lastTs;
    this.featuresValid = false;
  }
}

/** Runs bars through a fresh engine and returns one row of values per bar (NaN while warming). */
export function computeSeries(specs: readonly IndicatorSpec[], bars: readonly Bar[]): { names: string[]; rows: Float64Array[] } {
  const e = createFeatureEngine(specs);
  const rows = bars.map((b) => e.step(b).slice());
  return { names: [...e.names], rows };
}

/** Feature names for a list of specs, duplicates removed, in engine order. */
export function featureNamesOf(specs: readonly IndicatorSpec[]): string[] {
  return uniqueSpecs(specs).flatMap(featureNames);
}
