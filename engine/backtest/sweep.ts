/**
 * Sweep helpers, pure: the grid's combinations, ranking by an objective, and
 * the in-sample / out-of-sample split of the range (the last share held back).
 */
import type { Bar } from '../indicators/types';
import type { BacktestMetrics } from './metrics';

export type ParamValue = number | boolean | string;
export type Objective = 'sharpe' | 'sortino' | 'calmar' | 'totalReturnPct' | 'cagrPct' | 'profitFactor' | 'winRatePct' | 'expectancy' | 'finalEquity' | 'maxDrawdownPct';

/** Every combination of the grid, the first parameter varying slowest. */
export function combinations(grid: Readonly<Record<string, readonly ParamValue[]>>): Array<Record<string, ParamValue>> {
  let out: Array<Record<string, ParamValue>> = [{}];
  for (const [k, values] of Object.entries(grid)) out = out.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  return out;
}

export function combinationCount(grid: Readonly<Record<string, readonly ParamValue[]>>): number {
  return Object.values(grid).reduce((n, v) => n * v.length, 1);
}

export function objectiveOf(m: BacktestMetrics | null, objective: Objective): number | null {
  const v = m?.[objective];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Best first: highest objective (lowest for maxDrawdownPct); undefined objectives and refused combinations last, in grid order. */
export function rank<T extends { objective: number | null; error?: string }>(rows: readonly T[], objective: Objective): T[] {
  const sign = objective === 'maxDrawdownPct' ? 1 : -1;
  const key = (r: T): number => (r.error !== undefined ? 2 : r.objective === null ? 1 : 0);
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => key(a.r) - key(b.r) || (key(a.r) === 0 ? sign * (a.r.objective! - b.r.objective!) : 0) || a.i - b.i)
    .map((x) => x.r);
}

/** The cut between in-sample and out-of-sample: `pct` % of the span from its end, on a bar's open time. */
export function splitTime(series: ReadonlyArray<readonly Bar[]>, pct: number): number {
  const all = series.filter((b) => b.length);
  if (!all.length) return 0;
  const t0 = Math.min(...all.map((b) => b[0]!.ts));
  const t1 = Math.max(...all.map((b) => b[b.length - 1]!.ts));
  const cut = t1 - (t1 - t0) * (pct / 100);
  // the first open time at or after the cut, across symbols
  let at = Infinity;
  for (const b of all) for (const x of b) if (x.ts >= cut) {
    at = Math.min(at, x.ts);
    break;
  }
  return at === Infinity ? t1 : at;
}
