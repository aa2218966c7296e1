/**
 * Runs backtest tasks in the shared worker pool (engine/indicators/pool.ts), off the engine's
 * thread: progress through a MessageChannel, cancel through an AbortSignal (piscina ends the
 * task's worker).
 */
import { MessageChannel } from 'node:worker_threads';
import { getPool } from '../indicators/pool';
import type { Bar } from '../indicators/types';
import { BACKTEST_TASK, type BacktestTask, type BacktestTaskResult } from './pool-task';
import type { RunSettings } from './runner';

/** Packs bars into a SharedArrayBuffer (6 floats a bar): tasks read it without a copy each. */
export function packShared(bars: readonly Bar[]): Float64Array {
  const a = new Float64Array(new SharedArrayBuffer(bars.length * 6 * 8));
  let k = 0;
  for (const b of bars) {
    a[k++] = b.ts;
    a[k++] = b.open;
    a[k++] = b.high;
    a[k++] = b.low;
    a[k++] = b.close;
    a[k++] = b.volume;
  }
  return a;
}

/**
 * A key per packed data set, the same for every task that sends the same arrays (a sweep's
 * combinations): the worker keeps the unpacked bars and the indicator columns of the last data
 * set it saw under this key and reuses them. Packed bars are never written after packing.
 */
const dataIds = new WeakMap<Float64Array, number>();
let nextDataId = 0;
export function dataKeyOf(bars: readonly Float64Array[]): string {
  return bars
    .map((a) => {
      let id = dataIds.get(a);
      if (id === undefined) {
        id = ++nextDataId;
        dataIds.set(a, id);
      }
      return id;
    })
    .join(',');
}

export interface PoolRunOptions {
  onProgress?: (done: number) => void;
  every?: number;
  signal?: AbortSignal;
  metricsOnly?: boolean;
}

export async function runInPool(settings: RunSettings, symbols: string[], bars: Float64Array[], o: PoolRunOptions = {}): Promise<BacktestTaskResult> {
  const task: BacktestTask = { task: BACKTEST_TASK, settings, symbols, bars, dataKey: `${process.pid}:${dataKeyOf(bars)}`, every: o.every, metricsOnly: o.metricsOnly };
  if (!o.onProgress) return (await getPool().run(task, { signal: o.signal })) as BacktestTaskResult;
  const ch = new MessageChannel();
  ch.port1.on('message', (m: { done: number }) => o.onProgress!(m.done));
  task.port = ch.port2;
  try {
    return (await getPool().run(task, { transferList: [ch.port2], signal: o.signal })) as BacktestTaskResult;
  } finally {
    ch.port1.close();
  }
}
