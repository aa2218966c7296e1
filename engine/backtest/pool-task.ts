/**
 * The backtest task the shared worker pool runs (engine/indicators/pool-worker.ts dispatches
 * here): bars arrive packed (6 floats a bar, in a SharedArrayBuffer so a sweep's combinations
 * share one copy), progress leaves through a MessagePort.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Bar } from '../indicators/types';
import { runBacktest, type RunResult, type RunSettings } from './runner';

export const BACKTEST_TASK = 'backtest';

export interface BacktestTask {
  task: typeof BACKTEST_TASK;
  settings: RunSettings;
  symbols: string[];
  /** One packed series per symbol: ts, open, high, low, close, volume per bar. */
  bars: Float64Array[];
  /** Receives `{done}` (bars evaluated) every `every` bars. */
  port?: MessagePort;
  every?: number;
  /** Metrics only: no trades, equity or decisions back (sweep combinations). */
  metricsOnly?: boolean;
}

export type BacktestTaskResult = Pick<RunResult, 'metrics'> & Partial<Pick<RunResult, 'trades' | 'equity'>>;

export function isBacktestTask(t: unknown): t is BacktestTask {
  return typeof t === 'object' && t !== null && (t as { task?: unknown }).task === BACKTEST_TASK;
}

export function unpackBars(a: Float64Array): Bar[] {
  const n = Math.floor(a.length / 6);
  const out: Bar[] = new Array<Bar>(n);
  for (let i = 0, k = 0; i < n; i++, k += 6) out[i] = { ts: a[k]!, open: a[k + 1]!, high: a[k + 2]!, low: a[k + 3]!, close: a[k + 4]!, volume: a[k + 5]! };
  return out;
}

export function runBacktestTask(t: BacktestTask): BacktestTaskResult {
  try {
    const series = t.symbols.map((symbol, k) => ({ symbol, bars: unpackBars(t.bars[k]!) }));
    const r = runBacktest(t.settings, series, { every: t.every, onProgress: t.port ? (done) => t.port!.postMessage({ done }) : undefined });
    return t.metricsOnly ? { metrics: r.metrics } : { metrics: r.metrics, trades: r.trades, equity: r.equity };
  } finally {
    t.port?.close();
  }
}
