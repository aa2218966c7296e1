/**
 * The backtest task the shared worker pool runs (engine/indicators/pool-worker.ts dispatches
 * here): bars arrive packed (6 floats a bar, in a SharedArrayBuffer so a sweep's combinations
 * share one copy), progress leaves through a MessagePort.
 */
import type { MessagePort } from 'node:worker_threads';
import { ColumnCache, packedColumns, type BarColumns } from '../indicators/batch';
import type { Bar } from '../indicators/types';
import { runBacktest, type RunResult, type RunSettings } from './runner';

export const BACKTEST_TASK = 'backtest';

export interface BacktestTask {
  task: typeof BACKTEST_TASK;
  settings: RunSettings;
  symbols: string[];
  /** One packed series per symbol: ts, open, high, low, close, volume per bar. */
  bars: Float64Array[];
  /** Names this data set: tasks with the same key reuse the worker's unpacked bars and indicator columns. */
  dataKey?: string;
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

/** Bytes of indicator columns a worker keeps for its current data set (split between its symbols). */
const CACHE_BYTES = 256 * 1024 * 1024;

interface Prepared {
  /** The bars as objects, unpacked on first read (only the per-bar decision path and several-symbol runs read them). */
  readonly bars: Bar[];
  columns: BarColumns;
  cache: ColumnCache;
}

function prepared1(a: Float64Array, per: number): Prepared {
  let bars: Bar[] | null = null;
  return {
    get bars(): Bar[] {
      bars ??= unpackBars(a);
      return bars;
    },
    columns: packedColumns(a),
    cache: new ColumnCache(per),
  };
}

/** The last data set this worker saw: its bars unpacked once, its indicator columns computed once. */
let prepared: { key: string; series: Prepared[] } | null = null;

function prepare(t: BacktestTask): Prepared[] {
  if (t.dataKey !== undefined && prepared?.key === t.dataKey && prepared.series.length === t.bars.length) return prepared.series;
  prepared = null; // let the previous data set go before building the next
  const per = CACHE_BYTES / Math.max(1, t.bars.length);
  const series = t.bars.map((a) => prepared1(a, per));
  if (t.dataKey !== undefined) prepared = { key: t.dataKey, series };
  return series;
}

export function runBacktestTask(t: BacktestTask): BacktestTaskResult {
  try {
    const data = prepare(t);
    const series = t.symbols.map((symbol, k) => {
      const p = data[k]!;
      return {
        symbol,
        get bars(): Bar[] {
          return p.bars;
        },
        columns: p.columns,
        cache: p.cache,
      };
    });
    const r = runBacktest(t.settings, series, {
      every: t.every,
      metricsOnly: t.metricsOnly,
      onProgress: t.port ? (done) => t.port!.postMessage({ done }) : undefined,
    });
    return t.metricsOnly ? { metrics: r.metrics } : { metrics: r.metrics, trades: r.trades, equity: r.equity };
  } finally {
    t.port?.close();
  }
}
