/**
 * The feature engine: one (source, symbol, timeframe) and a set of indicators. All state lives in
 * one fixed-size Float64Array (each kernel at its offset), the outputs in another; a bar costs
 * O(1) per indicator and nothing grows. `snapshot()` / `restore()` copy that state, which is how a
 * warm-up computed in the worker pool continues live in the engine.
 */
import { EmaKernel } from './averages';
import { KERNELS } from './dispatch';
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
  return new Engine(planFor(uniqueSpecs(input)));
}

/**
 * What every engine over the same indicator set shares: the kernels (they hold only their
 * parameters and, for a MACD, which shared EMA outputs it reads), their run order, their state
 * offsets and the step compiled for them. An engine is then a plan plus two arrays of its own — its state and its
 * outputs — so stepping a thousand symbols touches a thousand small arrays and one plan, not a
 * thousand copies of the kernels.
 */
interface Plan {
  readonly specs: IndicatorSpec[];
  readonly key: string;
  readonly names: string[];
  readonly kernels: Kernel[];
  /** Where each kernel's state starts (run order). */
  readonly stateOffsets: Int32Array;
  readonly stateSize: number;
  readonly warmup: number;
  /** Applies one bar to every kernel, in run order (compileSteps). */
  stepAll(s: Float64Array, bar: Bar, out: Float64Array): void;
}

/** Plans by specs key; a handful in practice (profiles, strategies' sets), bounded all the same. */
const plans = new Map<string, Plan>();
const MAX_PLANS = 256;

function planFor(specs: IndicatorSpec[]): Plan {
  const key = specsKey(specs);
  const had = plans.get(key);
  if (had) return had;
  const plan = buildPlan(specs, key);
  if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value!);
  plans.set(key, plan);
  return plan;
}

function buildPlan(specs: IndicatorSpec[], key: string): Plan {
  const kernels = specs.map((s) => new KERNELS[s.kind](s));
  // Outputs (names) in spec order; state in the same order.
  const names: string[] = [];
  const outAt: number[] = [];
  const stateAt: number[] = [];
  let size = 0;
  for (const k of kernels) {
    outAt.push(names.length);
    names.push(...k.names);
    stateAt.push(size);
    size += k.stateSize;
  }
  // Shared sub-indicators: a MACD reads the EMAs the set already computes.
  const emaSlot = new Map<number, number>();
  kernels.forEach((k, i) => {
    if (k instanceof EmaKernel) emaSlot.set(k.period, outAt[i]!);
  });
  for (const k of kernels) {
    if (k instanceof MacdKernel) {
      k.fastSlot = emaSlot.get(k.fast) ?? -1;
      k.slowSlot = emaSlot.get(k.slow) ?? -1;
    }
  }
  // Execution order: EMAs first (others may read them), then the rest in spec order.
  const order = kernels.map((_, i) => i).sort((a, b) => Number(!(kernels[a] instanceof EmaKernel)) - Number(!(kernels[b] instanceof EmaKernel)) || a - b);
  const run = order.map((i) => kernels[i]!);
  const stateOffsets = Int32Array.from(order, (i) => stateAt[i]!);
  return {
    specs,
    key,
    names,
    kernels: run,
    stateOffsets,
    stateSize: size,
    warmup: specs.reduce((m, s) => Math.max(m, warmupBars(s)), 0),
    stepAll: compileSteps(run, stateOffsets, Int32Array.from(order, (i) => outAt[i]!)),
  };
}

/**
 * The plan's step as straight-line code: one call per kernel, `k0.step(s, 0, bar, out, 0);
 * k1.step(s, 3, bar, out, 1); …`, each with its offsets as constants. Why generated: a loop
 * `kernels[i].step(…)` is one call site that sees every kernel class — megamorphic, never
 * inlined, a stub-cache lookup per kernel per bar — and a `switch` over kinds makes one function
 * too large to inline its cases. Here every call site sees one kernel of one class, so V8
 * inlines each kernel's step (and its push function) into one function per indicator set:
 * about 1.5× faster per symbol-bar (docs/indicators.md). The source holds nothing but the
 * parameter names k0…kN and integer offsets — no input from outside reaches it.
 */
function compileSteps(kernels: readonly Kernel[], stateAt: Int32Array, outAt: Int32Array): Plan['stepAll'] {
  const params = kernels.map((_, i) => `k${i}`);
  const body = kernels.map((_, i) => `k${i}.step(s, ${stateAt[i]!}, bar, out, ${outAt[i]!});`).join('\n');
  const make = new Function(...params, `return function stepAll(s, bar, out) {\n${body}\n};`) as (...k: Kernel[]) => Plan['stepAll'];
  return make(...kernels);
}

class Engine implements FeatureEngineImpl {
  readonly values: Float64Array;
  /** Every kernel's state, each at its plan offset. */
  private readonly state: Float64Array;
  private count = 0;
  private last = NaN;
  private features: Features = {};
  private featuresValid = true;

  constructor(private readonly plan: Plan) {
    this.state = new Float64Array(plan.stateSize);
    this.values = new Float64Array(plan.names.length);
    this.reset();
  }

  get specs(): IndicatorSpec[] {
    return this.plan.specs;
  }
  get names(): string[] {
    return this.plan.names;
  }
  get warmup(): number {
    return this.plan.warmup;
  }
  get bars(): number {
    return this.count;
  }
  get lastTs(): number {
    return this.last;
  }

  reset(): void {
    const { kernels, stateOffsets } = this.plan;
    kernels.forEach((k, i) => k.init(this.state, stateOffsets[i]!));
    this.values.fill(NaN);
    this.count = 0;
    this.last = NaN;
    this.features = {};
    this.featuresValid = true;
  }

  step(bar: Bar): Float64Array {
    const st = this.state;
    const out = this.values;
    this.plan.stepAll(st, bar, out);
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
      const names = this.plan.names;
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        if (!Number.isNaN(v)) f[names[i]!] = v;
      }
      this.features = f;
      this.featuresValid = true;
    }
    return this.features;
  }

  ready(): boolean {
    return this.count >= this.plan.warmup;
  }

  snapshot(): EngineSnapshot {
    return { key: this.plan.key, bars: this.count, lastTs: this.last, state: this.state.slice(), out: this.values.slice() };
  }

  restore(snap: EngineSnapshot): void {
    if (snap.key !== this.plan.key || snap.state.length !== this.state.length || snap.out.length !== this.values.length) {
      throw new Error(`snapshot is for indicators "${snap.key}", not "${this.plan.key}"`);
    }
    this.state.set(snap.state);
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
