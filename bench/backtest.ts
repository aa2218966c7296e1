/**
 * Backtest benchmarks (`npm run bench -- backtest`):
 * - `backtest_indicator_batch`: bars per second of the indicator batch path (the live kernels
 *   over typed arrays, engine/indicators/batch.ts) for ema_cross's set (EMA 9, EMA 21, ATR 14).
 * - `backtest_run`: bars per second of one `ema_cross` run (registry strategy + indicator batch
 *   path + its columnar decisions + the one-symbol fill loop + metrics) over 1,000,000 synthetic
 *   1m bars held as columns — what a pool worker runs in the app: runs and sweeps reach it as
 *   packed bars, never as Bar objects — against a plain hand-written loop of the same rules
 *   (EMA/ATR inline, the same cross and fill rules) over the same columns in the same run. Also
 *   from Bar objects (`fromBars*`, the column copy included) and through the per-bar `evaluate`
 *   path (`perBar*`), measured after the columnar figures so that a million Bar objects are not
 *   in the heap the columnar run's garbage collections walk. The trade counts must agree.
 *   Goal: ≥ 10 M bars/s.
 * - `backtest_sweep`: 100 ema_cross combinations over a year of 1m bars in the worker pool, end to
 *   end (pack, run, rank). Goal: < 10 s.
 * Times are wall clock and CPU time of this process (all its threads); on a shared machine the
 * wall time mostly measures the wait for a core. Single-thread figures are the best of a few
 * repeats in CPU time, after warm-up runs of the same work (a fresh process runs unoptimised
 * code at first). `BENCH_BACKTEST_SCALE` (0..1, default 1) shrinks the bar counts for a quick look.
 * The comparison with trading-signals is in `npm run bench -- indicators`.
 */
import { performance } from 'node:perf_hooks';
import { runBacktest } from '../engine/backtest/runner';
import { packShared, runInPool } from '../engine/backtest/pool';
import { combinations, rank, objectiveOf } from '../engine/backtest/sweep';
import { closePool, featureColumns, parseSpecList, type BarColumns } from '../engine/indicators';
import { getPool, setPoolThreads } from '../engine/indicators/pool';
import type { Bar } from '../engine/indicators/types';
import { report } from './lib';

/** A deterministic random walk of 1m bars as columns (xorshift; no Math.random). */
export function syntheticColumns(n: number, seed = 7): BarColumns {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const c = { length: n, ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = 100;
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = p;
    const close = Math.max(1, open * (1 + (rnd() - 0.5) * 0.004));
    c.ts[i] = t0 + i * 60_000;
    c.open[i] = open;
    c.close[i] = close;
    c.high[i] = Math.max(open, close) * (1 + rnd() * 0.001);
    c.low[i] = Math.min(open, close) * (1 - rnd() * 0.001);
    c.volume[i] = 1 + rnd() * 10;
    p = close;
  }
  return c;
}

/** The same walk as Bar objects. */
export function syntheticBars(n: number, seed = 7): Bar[] {
  const c = syntheticColumns(n, seed);
  return Array.from({ length: n }, (_, i) => ({ ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! }));
}



/**
 * The same rules written out by hand for one symbol, long only: EMA(9)/EMA(21) seeded by their
 * SMA, Wilder ATR(14); a cross up at a close buys at the next open (stop 1.5 ATR, target 2× that),
 * a cross down sells; stop/target against each bar, stop first; taker/maker fees, slippage.
 */
export function plainLoop(c: BarColumns): { trades: number; cash: number } {
  const { open, high, low, close } = c;
  const n = c.length;
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
  for (let i = 0; i < n; i++) {
    const bOpen = open[i]!;
    const bHigh = high[i]!;
    const bLow = low[i]!;
    const bClose = close[i]!;
    if (pending === 1 && amount === 0) {
      const px = bOpen * (1 + slip);
      amount = 1000 / px;
      cash -= 1000 + 1000 * taker;
      stop = pStop;
      target = pTarget;
    } else if (pending === -1 && amount > 0) {
      const px = bOpen * (1 - slip);
      cash += amount * px * (1 - taker);
      amount = 0;
      trades++;
    }
    pending = 0;
    if (amount > 0) {
      if (bLow <= stop) {
        cash += amount * Math.min(bOpen, stop) * (1 - slip) * (1 - taker);
        amount = 0;
        trades++;
      } else if (bHigh >= target) {
        cash += amount * Math.max(bOpen, target) * (1 - maker);
        amount = 0;
        trades++;
      }
    }
    // indicators
    if (i < 9) {
      sumF += bClose;
      if (i === 8) ef = sumF / 9;
    } else ef += af * (bClose - ef);
    if (i < 21) {
      sumS += bClose;
      if (i === 20) es = sumS / 21;
    } else es += as * (bClose - es);
    const tr = i === 0 ? bHigh - bLow : Math.max(bHigh - bLow, Math.abs(bHigh - prevClose), Math.abs(bLow - prevClose));
    if (i < 14) {
      trSum += tr;
      if (i === 13) atr = trSum / 14;
    } else atr = (atr * 13 + tr) / 14;
    prevClose = bClose;
    if (i < n - 1 && ef === ef && es === es && pf === pf && ps === ps && atr > 0) {
      if (pf <= ps && ef > es) {
        pending = 1;
        pStop = bClose - 1.5 * atr;
        pTarget = bClose + 3 * atr;
      } else if (pf >= ps && ef < es) pending = -1;
    }
    pf = ef;
    ps = es;
  }
  if (amount > 0) {
    cash += amount * close[n - 1]! * (1 - slip) * (1 - taker);
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
  // The bars as columns, as a pool worker holds them (the app's runs and sweeps arrive packed):
  // no Bar object exists in this heap until the object-path figures at the end.
  const cols = syntheticColumns(n);
  const specs = parseSpecList('ema:9,ema:21,atr:14');
  for (let k = 0; k < 8; k++) featureColumns(specs, cols); // warm the JIT (see below)
  const batch = await bestOf(5, () => featureColumns(specs, cols));
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
  // runBacktest reads Bar objects only on the per-bar path and for several symbols; one symbol
  // from columns never calls this.
  const noBars = (): readonly Bar[] => {
    throw new Error('the columnar run read Bar objects');
  };
  const one = (c: BarColumns) => [{ symbol: 'SYN/USDT', get bars() { return noBars(); }, columns: c }];
  // Warm the JIT on the same work: each call is one long loop, so V8 first runs it through
  // on-stack replacement and compiles it fully only after a few calls; the first runs of a fresh
  // process take 3–5× longer (a pool worker's first run; a sweep's later combinations are warm).
  for (let k = 0; k < 8; k++) runBacktest(settings, one(cols));
  const run = await bestOf(5, () => runBacktest(settings, one(cols)));
  for (let k = 0; k < 8; k++) plainLoop(cols);
  const plain = await bestOf(5, () => plainLoop(cols));

  // Secondary figures: from Bar objects (column copy included) and bar by bar through `evaluate`.
  const bars = syntheticBars(n);
  for (let k = 0; k < 2; k++) runBacktest(settings, [{ symbol: 'SYN/USDT', bars: bars.slice(0, 100_000) }]);
  const fromBars = await bestOf(3, () => runBacktest(settings, [{ symbol: 'SYN/USDT', bars }]));
  const perBar = await bestOf(1, () => runBacktest(settings, [{ symbol: 'SYN/USDT', bars }], { perBar: true }));
  report({
    bench: 'backtest_run',
    bars: n,
    path: 'columns (a pool worker: bars packed, no Bar objects)',
    trades: run.value.metrics.trades,
    fromBarsTrades: fromBars.value.metrics.trades,
    perBarTrades: perBar.value.metrics.trades,
    plainTrades: plain.value.trades,
    engineMs: Math.round(run.wallMs),
    engineCpuMs: Math.round(run.cpuMs),
    barsPerSec: perSec(n, run.wallMs),
    barsPerSecCpu: perSec(n, run.cpuMs),
    fromBarsCpuMs: Math.round(fromBars.cpuMs),
    fromBarsBarsPerSecCpu: perSec(n, fromBars.cpuMs),
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
