/**
 * Backtest benchmarks (`npm run bench -- backtest`):
 * - `backtest_indicator_batch`: bars per second of the indicator batch path (the live kernels
 *   over typed arrays, engine/indicators/batch.ts) for ema_cross's set (EMA 9, EMA 21, ATR 14).
 * - `backtest_run`: bars per second of one `ema_cross` run (registry strategy + indicator batch
 *   path + its columnar decisions + the one-symbol fill loop + metrics) over 1,000,000 synthetic
 *   1m bars — from Bar objects, from bars already as columns (`fromColumns*`), and through the
 *   per-bar `evaluate` path (`perBar*`) — against a plain hand-written
 *   loop of the same rules (EMA/ATR inline, the same cross and fill rules) in the same run — and
 *   their trade counts, which must agree. Goal: ≥ 10 M bars/s.
 * - `backtest_sweep`: 100 ema_cross combinations over a year of 1m bars in the worker pool, end to
 *   end (pack, run, rank). Goal: < 10 s.
 * Times are wall clock and CPU time of this process (all its threads); on a shared machine the
 * wall time mostly measures the wait for a core. Single-thread figures are the best of a few
 * repeats. `BENCH_BACKTEST_SCALE` (0..1, default 1) shrinks the bar counts for a quick look.
 * The comparison with trading-signals is in `npm run bench -- indicators`.
 */
import { performance } from 'node:perf_hooks';
import { runBacktest } from '../engine/backtest/runner';
import { packShared, runInPool } from '../engine/backtest/pool';
import { combinations, rank, objectiveOf } from '../engine/backtest/sweep';
import { barColumns, closePool, featureColumns, parseSpecList } from '../engine/indicators';
import { getPool, setPoolThreads } from '../engine/indicators/pool';
import type { Bar } from '../engine/indicators/types';
import { report } from './lib';

/** A deterministic random walk of 1m bars (xorshift; no Math.random). */
export function syntheticBars(n: number, seed = 7): Bar[] {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const out: Bar[] = new Array<Bar>(n);
  let p = 100;
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = p;
    const close = Math.max(1, open * (1 + (rnd() - 0.5) * 0.004));
    const high = Math.max(open, close) * (1 + rnd() * 0.001);
    const low = Math.min(open, close) * (1 - rnd() * 0.001);
    out[i] = { ts: t0 + i * 60_000, open, high, low, close, volume: 1 + rnd() * 10 };
    p = close;
  }
  return out;
}

/**
 * The same rules written out by hand for one symbol, long only: EMA(9)/EMA(21) seeded by their
 * SMA, Wilder ATR(14); a cross up at a close buys at the next open (stop 1.5 ATR, target 2× that),
 * a cross down sells; stop/target against each bar, stop first; taker/maker fees, slippage.
 */
export function plainLoop(bars: readonly Bar[]): { trades: number; cash: number } {
  const slip = 5 / 10_000;
  const taker = 10 / 10_000;
  const maker = 8 / 10_000;
  const af = 2 / 10;
  const as = 2 / 22;
  let ef = NaN;
  let es = NaN;
  let sumF = 0;
  let sumS = 0;
  let atr = NaN;
  let trSum = 0;
  let pf = NaN;
  let ps = NaN;
  let cash = 10_000;
  let amount = 0;
  let stop = 0;
  let target = 0;
  let pending = 0; // 1 buy, -1 sell
  let pStop = 0;
  let pTarget = 0;
  let trades = 0;
  let prevClose = NaN;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    if (pending === 1 && amount === 0) {
      const px = b.open * (1 + slip);
      amount = 1000 / px;
      cash -= 1000 + 1000 * taker;
      stop = pStop;
      target = pTarget;
    } else if (pending === -1 && amount > 0) {
      const px = b.open * (1 - slip);
      cash += amount * px * (1 - taker);
      amount = 0;
      trades++;
    }
    pending = 0;
    if (amount > 0) {
      if (b.low <= stop) {
        cash += amount * Math.min(b.open, stop) * (1 - slip) * (1 - taker);
        amount = 0;
        trades++;
      } else if (b.high >= target) {
        cash += amount * Math.max(b.open, target) * (1 - maker);
        amount = 0;
        trades++;
      }
    }
    // indicators
    if (i < 9) {
      sumF += b.close;
      if (i === 8) ef = sumF / 9;
    } else ef += af * (b.close - ef);
    if (i < 21) {
      sumS += b.close;
      if (i === 20) es = sumS / 21;
    } else es += as * (b.close - es);
    const tr = i === 0 ? b.high - b.low : Math.max(b.high - b.low, Math.abs(b.high - prevClose), Math.abs(b.low - prevClose));
    if (i < 14) {
      trSum += tr;
      if (i === 13) atr = trSum / 14;
    } else atr = (atr * 13 + tr) / 14;
    prevClose = b.close;
    if (i < bars.length - 1 && ef === ef && es === es && pf === pf && ps === ps && atr > 0) {
      if (pf <= ps && ef > es) {
        pending = 1;
        pStop = b.close - 1.5 * atr;
        pTarget = b.close + 3 * atr;
      } else if (pf >= ps && ef < es) pending = -1;
    }
    pf = ef;
    ps = es;
  }
  if (amount > 0) {
    cash += amount * bars[bars.length - 1]!.close * (1 - slip) * (1 - taker);
    trades++;
  }
  return { trades, cash };
}

/** Wall and CPU milliseconds of `fn` (CPU: user + system of the whole process). */
async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t;
  const d = process.cpuUsage(c);
  return { value, wallMs, cpuMs: (d.user + d.system) / 1000 };
}

/** The best (least CPU) of `repeats` runs. */
async function bestOf<T>(repeats: number, fn: () => T): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  let best: { value: T; wallMs: number; cpuMs: number } | null = null;
  for (let r = 0; r < repeats; r++) {
    const x = await timed(fn);
    if (!best || x.cpuMs < best.cpuMs) best = x;
  }
  return best!;
}

const perSec = (n: number, ms: number): number => Math.round(n / (ms / 1000));

export async function backtestBench(): Promise<void> {
  const scale = Math.min(1, Math.max(0.001, Number(process.env.BENCH_BACKTEST_SCALE ?? 1)));
  const n = Math.round(1_000_000 * scale);
  const bars = syntheticBars(n);
  const cols = barColumns(bars);
  const specs = parseSpecList('ema:9,ema:21,atr:14');
  featureColumns(specs, barColumns(bars.slice(0, 100_000))); // warm the JIT
  const batch = await bestOf(3, () => featureColumns(specs, cols));
  report({
    bench: 'backtest_indicator_batch',
    indicators: 'ema:9,ema:21,atr:14',
    bars: n,
    cpuMs: Math.round(batch.cpuMs),
    barsPerSecCpu: perSec(n, batch.cpuMs),
    indicatorBarsPerSecCpu: perSec(n * specs.length, batch.cpuMs),
    goalBarsPerSec: 10_000_000,
  });

  const settings = { strategy: { id: 'ema_cross' }, timeframe: '1m' as const };
  const warm = bars.slice(0, 100_000);
  for (let k = 0; k < 2; k++) runBacktest(settings, [{ symbol: 'SYN/USDT', bars: warm }]); // warm the JIT
  const run = await bestOf(3, () => runBacktest(settings, [{ symbol: 'SYN/USDT', bars }]));
  // The same run from bars already held as columns (what a pool worker has: the store's bars
  // arrive packed): no Bar objects read, no column copy.
  const fromCols = await bestOf(3, () => runBacktest(settings, [{ symbol: 'SYN/USDT', bars, columns: cols }]));
  // The reference path: `evaluate` bar by bar through feature views (what strategies without
  // `decideColumns` use), for comparison.
  const perBar = await bestOf(1, () => runBacktest(settings, [{ symbol: 'SYN/USDT', bars }], { perBar: true }));
  for (let k = 0; k < 2; k++) plainLoop(warm);
  const plain = await bestOf(3, () => plainLoop(bars));
  report({
    bench: 'backtest_run',
    bars: n,
    trades: run.value.metrics.trades,
    fromColumnsTrades: fromCols.value.metrics.trades,
    perBarTrades: perBar.value.metrics.trades,
    plainTrades: plain.value.trades,
    engineMs: Math.round(run.wallMs),
    engineCpuMs: Math.round(run.cpuMs),
    barsPerSec: perSec(n, run.wallMs),
    barsPerSecCpu: perSec(n, run.cpuMs),
    fromColumnsCpuMs: Math.round(fromCols.cpuMs),
    fromColumnsBarsPerSecCpu: perSec(n, fromCols.cpuMs),
    perBarBarsPerSecCpu: perSec(n, perBar.cpuMs),
    plainBarsPerSecCpu: perSec(n, plain.cpuMs),
    plainOverEngine: Math.round((run.cpuMs / plain.cpuMs) * 10) / 10,
    goalBarsPerSec: 10_000_000,
  });

  const year = Math.round(525_600 * scale);
  const ybars = syntheticBars(year, 11);
  const grid = { fast: [3, 5, 7, 9, 11, 13, 15, 17, 19, 21], slow: [25, 30, 35, 40, 45, 50, 55, 60, 65, 70] };
  const combos = combinations(grid);
  // This process is nothing but the sweep: a pool thread per core (the live app keeps one free).
  setPoolThreads('all');
  const sweep = await timed(async () => {
    const packed = [packShared(ybars)];
    const rows = await Promise.all(
      combos.map(async (params) => {
        const m = await runInPool({ strategy: { id: 'ema_cross', params }, timeframe: '1m' }, ['SYN/USDT'], packed, { metricsOnly: true });
        return { params, objective: objectiveOf(m.metrics, 'sharpe') };
      }),
    );
    return rank(rows, 'sharpe');
  });
  const threads = getPool().options.maxThreads;
  await closePool();
  report({
    bench: 'backtest_sweep',
    combinations: combos.length,
    barsEach: year,
    totalBars: year * combos.length,
    poolThreads: threads,
    ms: Math.round(sweep.wallMs),
    cpuMs: Math.round(sweep.cpuMs),
    barsPerSec: perSec(year * combos.length, sweep.wallMs),
    best: sweep.value[0]?.params,
    goalMs: 10_000,
  });
}
