/**
 * Batch warm-up in a piscina worker pool: the history of many (symbol, timeframe) pairs is run
 * through the same kernels off the engine thread, and what comes back is the engine state after
 * the last bar (a snapshot), so the live engine continues from it bar by bar.
 *
 * The pool's worker is out/main/indicators-pool.js when built (an electron-vite entry), or the
 * TypeScript source through tsx's CommonJS hook when run from source (tests, scripts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { Ohlcv } from '../api/timeframes';
import { createFeatureEngine, type EngineSnapshot, type FeatureEngineImpl } from './engine';
import { normalizeSpec } from './spec';
import type { Bar, Features, IndicatorSpec } from './types';
import { BAR_FIELDS, type WarmUpTask, type WarmUpTaskResult } from './pool-task';

export interface WarmUpResult {
  names: string[];
  /** Bars applied. */
  bars: number;
  /** Open time of the last bar (NaN when there were none). */
  lastTs: number;
  /** Features after the last bar. */
  features: Features;
  /** Engine state after the last bar: `createFeatureEngine(specs).restore(snapshot)` continues from it. */
  snapshot: EngineSnapshot;
  /** One row per bar (NaN while warming), when asked for with `series: true`. */
  series?: Float64Array[];
}

let pool: Piscina | null = null;

function workerFile(): string {
  for (const dir of [__dirname, path.dirname(__dirname)]) {
    const built = path.join(dir, 'indicators-pool.js');
    if (fs.existsSync(built)) return built;
  }
  const shim = path.join(__dirname, 'pool-worker.cjs');
  if (fs.existsSync(shim)) return shim;
  // Bundled elsewhere in the build output (the benchmark bundle in out/bench): out/main's worker.
  const sibling = path.join(path.dirname(__dirname), 'main', 'indicators-pool.js');
  if (fs.existsSync(sibling)) return sibling;
  throw new Error(`indicator pool worker not found near ${__dirname}`);
}

let threadsWanted: number | 'all' | null = null;

/**
 * Threads of the shared pool, set before its first use. Default (the live app): every core
 * but one, at most 4, so the engine thread and the UI keep a core. A process that is nothing
 * but the computation (the CLI, the benchmark) passes 'all': one thread per core.
 */
export function setPoolThreads(n: number | 'all'): void {
  threadsWanted = n;
}

export function poolThreads(): number {
  const cores = os.availableParallelism();
  if (threadsWanted === 'all') return Math.max(1, cores);
  if (typeof threadsWanted === 'number' && threadsWanted >= 1) return Math.floor(threadsWanted);
  return Math.max(1, Math.min(4, cores - 1));
}

/** The shared pool (created on first use). */
export function getPool(): Piscina {
  if (!pool) {
    const threads = poolThreads();
    pool = new Piscina({ filename: workerFile(), minThreads: 0, maxThreads: threads, idleTimeout: 30_000 });
  }
  return pool;
}

/** Threads of the shared pool and tasks waiting for one (zero before its first use). */
export function poolStats(): { threads: number; queued: number } {
  return pool ? { threads: pool.threads.length, queued: pool.queueSize } : { threads: 0, queued: 0 };
}

export async function closePool(): Promise<void> {
  const p = pool;
  pool = null;
  if (p) await p.destroy();
}

/** Packs bars 6 floats each (ts, o, h, l, c, v) into one transferable buffer. */
export function packBars(bars: readonly (Bar | Ohlcv)[]): Float64Array {
  const a = new Float64Array(bars.length * BAR_FIELDS);
  let k = 0;
  for (const b of bars) {
    if (Array.isArray(b)) {
      for (let j = 0; j < BAR_FIELDS; j++) a[k++] = b[j]!;
    } else {
      const x = b as Bar;
      a[k++] = x.ts;
      a[k++] = x.open;
      a[k++] = x.high;
      a[k++] = x.low;
      a[k++] = x.close;
      a[k++] = x.volume;
    }
  }
  return a;
}

function toResult(r: WarmUpTaskResult): WarmUpResult {
  const features: Record<string, number> = {};
  r.names.forEach((n, i) => {
    const v = r.snapshot.out[i]!;
    if (!Number.isNaN(v)) features[n] = v;
  });
  const out: WarmUpResult = { names: r.names, bars: r.snapshot.bars, lastTs: r.snapshot.lastTs, features, snapshot: r.snapshot };
  if (r.series) {
    const w = r.names.length;
    out.series = Array.from({ length: r.snapshot.bars }, (_, i) => r.series!.subarray(i * w, (i + 1) * w));
  }
  return out;
}

/** Runs stored history through the indicators in the worker pool. */
export async function warmUp(specs: readonly IndicatorSpec[], bars: readonly (Bar | Ohlcv)[], opts: { series?: boolean } = {}): Promise<WarmUpResult> {
  const task: WarmUpTask = { specs: specs.map(normalizeSpec), bars: packBars(bars), series: opts.series === true };
  const r = (await getPool().run(task, { transferList: [task.bars.buffer as ArrayBuffer] })) as WarmUpTaskResult;
  return toResult(r);
}

/** Warm-up in the pool, then a live engine that continues from the last bar. */
export async function warmUpEngine(specs: readonly IndicatorSpec[], bars: readonly (Bar | Ohlcv)[]): Promise<FeatureEngineImpl> {
  const r = await warmUp(specs, bars);
  const engine = createFeatureEngine(specs);
  engine.restore(r.snapshot);
  return engine;
}
