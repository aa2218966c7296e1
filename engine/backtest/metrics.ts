/**
 * Metrics as pure functions of the equity series and the trades. Nothing
 * here can flatter: the drawdown is measured on every bar's equity (from the initial balance
 * to the end-of-data exit), Sharpe/Sortino on daily returns annualised with 365 days,
 * profitFactor is null without losses, and ratios whose denominator is zero are null.
 */
import type { EquityColumns, EquityPoint, Trade } from './types';

/** An equity series as points or as columns (the fill loop's form; no object per bar). */
export type EquityInput = readonly EquityPoint[] | EquityColumns;

function columnsOf(e: EquityInput): EquityColumns {
  if (!Array.isArray(e)) return e as EquityColumns;
  const pts = e as readonly EquityPoint[];
  const ts = new Float64Array(pts.length);
  const equity = new Float64Array(pts.length);
  pts.forEach((p, i) => {
    ts[i] = p.ts;
    equity[i] = p.equity;
  });
  return { length: pts.length, ts, equity };
}

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

export interface MonthlyReturn {
  /** `YYYY-MM` (UTC). */
  month: string;
  startEquity: number;
  endEquity: number;
  returnPct: number;
  /** endEquity − startEquity (quote). */
  income: number;
}

/** What the account's goals ask for (the goals module); every field optional. */
export interface BacktestGoals {
  monthlyReturnPct?: number;
  monthlyIncome?: number;
  portfolioValue?: number;
}

export interface GoalEvaluation {
  monthlyReturnGoalPct: number | null;
  /** Share of months whose return reached the monthly return goal (null without that goal or months). */
  monthsReachedGoalPct: number | null;
  avgMonthlyIncome: number | null;
  monthlyIncomeGoal: number | null;
  /** Share of months whose income reached the monthly income goal. */
  monthsReachedIncomePct: number | null;
  portfolioValueGoal: number | null;
  /** Months from the final equity to the portfolio-value goal at the average monthly return (0 when reached; null when it never gets there). */
  monthsToPortfolioGoal: number | null;
}

export interface BacktestMetrics {
  initialBalance: number;
  finalEquity: number;
  totalReturnPct: number;
  cagrPct: number | null;
  maxDrawdownPct: number;
  /** From the peak before the deepest fall to the recovery above it (or the end). */
  maxDrawdownDurationMs: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  profitFactor: number | null;
  winRatePct: number | null;
  /** Average pnl per trade (quote). */
  expectancy: number | null;
  trades: number;
  /** Average pnl per trade as % of the entry notional. */
  avgTradePct: number | null;
  avgTradeDurationMs: number | null;
  exposurePct: number;
  feesPaid: number;
  bestTrade: number | null;
  worstTrade: number | null;
  /** Equal-weight buy-and-hold of the same symbols, first open to last close. */
  buyHoldReturnPct: number | null;
  monthly: MonthlyReturn[];
  goals: GoalEvaluation | null;
}

export function totalReturnPct(initial: number, final: number): number {
  return initial > 0 ? (final / initial - 1) * 100 : 0;
}

export function cagrPct(initial: number, final: number, spanMs: number): number | null {
  if (!(initial > 0) || !(final > 0) || !(spanMs > 0)) return null;
  return (Math.pow(final / initial, YEAR_MS / spanMs) - 1) * 100;
}

/**
 * One pass over the equity series for everything the metrics read from it: the deepest drawdown
 * and its duration, each UTC day's last equity, and each UTC month's first and last equity. One
 * pass, not three: over a year of 1m bars the series is two 4 MB columns, and reading them is
 * most of the cost.
 */
interface EquityScan {
  drawdown: { pct: number; durationMs: number };
  /** The last equity of each UTC day, in order. */
  dayEnds: number[];
  monthly: MonthlyReturn[];
}

function monthRow(month: string, startEquity: number, endEquity: number): MonthlyReturn {
  return { month, startEquity, endEquity, returnPct: startEquity !== 0 ? (endEquity / startEquity - 1) * 100 : 0, income: endEquity - startEquity };
}

function scanEquity(input: EquityInput): EquityScan {
  const { length: n, ts, equity } = columnsOf(input);
  const dayEnds: number[] = [];
  const monthly: MonthlyReturn[] = [];
  if (n === 0) return { drawdown: { pct: 0, durationMs: 0 }, dayEnds, monthly };
  // Drawdown: the running peak, the last point at it (where a fall starts), the deepest fall
  // so far with the point it started from, and the first point back at that peak after it.
  let peak = -Infinity;
  let atPeakTs = 0;
  let worst = 0;
  let worstFromTs = 0;
  let recoveredTs = NaN;
  // Days and months: a new one only when a point passes the current one's end (no date
  // arithmetic per point).
  const t0 = ts[0]!;
  let dayEnd = (Math.floor(t0 / DAY_MS) + 1) * DAY_MS;
  let monthEnd = nextMonthStart(t0);
  let month = monthOf(t0);
  let monthStart = equity[0]!;
  let last = equity[0]!;
  // (No closure over these: a `let` a closure captures lives in a context, where every store of
  // a double allocates — once per point for `last`.)
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    const v = equity[i]!;
    if (t >= dayEnd) {
      dayEnds.push(last);
      dayEnd = (Math.floor(t / DAY_MS) + 1) * DAY_MS;
    }
    if (t >= monthEnd) {
      monthly.push(monthRow(month, monthStart, last));
      monthStart = last;
      month = monthOf(t);
      monthEnd = nextMonthStart(t);
    }
    last = v;
    if (v >= peak) {
      // Back at the peak the deepest fall started from (the peak never falls, so this is the first such point).
      if (worst > 0 && Number.isNaN(recoveredTs)) recoveredTs = t;
      peak = v;
      atPeakTs = t;
    } else if (peak > 0) {
      const dd = ((peak - v) / peak) * 100;
      if (dd > worst) {
        worst = dd;
        worstFromTs = atPeakTs;
        recoveredTs = NaN;
      }
    }
  }
  dayEnds.push(last);
  monthly.push(monthRow(month, monthStart, last));
  const end = Number.isNaN(recoveredTs) ? ts[n - 1]! : recoveredTs;
  return { drawdown: worst === 0 ? { pct: 0, durationMs: 0 } : { pct: worst, durationMs: end - worstFromTs }, dayEnds, monthly };
}

/**
 * Largest fall from the running peak (percent of the peak) and how long that drawdown lasted:
 * from the last point at the peak before the fall to the first point back at the peak after
 * it (or the last point, when it never got back).
 */
export function maxDrawdown(input: EquityInput): { pct: number; durationMs: number } {
  return scanEquity(input).drawdown;
}

/** Drawdown (percent below the running peak) at every point, for the drawdown curve. */
export function drawdownSeries(equity: readonly EquityPoint[]): EquityPoint[] {
  let peak = -Infinity;
  return equity.map((p) => {
    peak = Math.max(peak, p.equity);
    return { ts: p.ts, equity: peak > 0 ? ((p.equity - peak) / peak) * 100 : 0 };
  });
}

/** Day-over-day returns of a list of day ends, the first against `first` (the series' first point). */
function returnsOf(first: number, ends: readonly number[]): number[] {
  const out: number[] = [];
  let prev = first;
  for (const e of ends) {
    out.push(prev !== 0 ? e / prev - 1 : 0);
    prev = e;
  }
  return out;
}

/** Returns day over day of the last equity of each UTC day; the first day is against the first point. */
export function dailyReturns(input: EquityInput): number[] {
  const c = columnsOf(input);
  return c.length ? returnsOf(c.equity[0]!, scanEquity(c).dayEnds) : [];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function sharpe(daily: readonly number[]): number | null {
  if (daily.length < 2) return null;
  const m = mean(daily);
  const sd = Math.sqrt(daily.reduce((a, r) => a + (r - m) ** 2, 0) / (daily.length - 1));
  return sd > 0 ? (m / sd) * Math.sqrt(365) : null;
}

/** Mean over downside deviation (root mean square of the negative returns, over all days). */
export function sortino(daily: readonly number[]): number | null {
  if (daily.length < 2) return null;
  const dd = Math.sqrt(daily.reduce((a, r) => a + Math.min(0, r) ** 2, 0) / daily.length);
  return dd > 0 ? (mean(daily) / dd) * Math.sqrt(365) : null;
}

export function profitFactor(trades: readonly Trade[]): number | null {
  let win = 0;
  let loss = 0;
  for (const t of trades) {
    if (t.pnl > 0) win += t.pnl;
    else if (t.pnl < 0) loss -= t.pnl;
  }
  return loss > 0 ? win / loss : null;
}

/** UTC month of a time, `YYYY-MM`. */
export function monthOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 7);
}

/** Start of the UTC month after the one holding `ts`. */
function nextMonthStart(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Per UTC month: equity at its start (the previous month's end, or the initial point) and at its end. */
export function monthlyReturns(input: EquityInput): MonthlyReturn[] {
  return scanEquity(input).monthly;
}

/**
 * Goal evaluation over the monthly table: the share of months that reached the monthly return
 * goal (and the income goal), the average monthly income, and the months from the final equity
 * to the portfolio-value goal at the average monthly return.
 */
export function evaluateGoals(monthly: readonly MonthlyReturn[], finalEquity: number, goals: BacktestGoals): GoalEvaluation {
  const n = monthly.length;
  const share = (ok: (m: MonthlyReturn) => boolean): number => (monthly.filter(ok).length / n) * 100;
  const r = goals.monthlyReturnPct;
  const inc = goals.monthlyIncome;
  const pv = goals.portfolioValue;
  const avgRet = n ? mean(monthly.map((m) => m.returnPct)) / 100 : NaN;
  let toGoal: number | null = null;
  if (pv !== undefined && n) {
    if (finalEquity >= pv) toGoal = 0;
    else if (avgRet > 0 && finalEquity > 0) toGoal = Math.log(pv / finalEquity) / Math.log(1 + avgRet);
  }
  return {
    monthlyReturnGoalPct: r ?? null,
    monthsReachedGoalPct: r !== undefined && n ? share((m) => m.returnPct >= r) : null,
    avgMonthlyIncome: n ? mean(monthly.map((m) => m.income)) : null,
    monthlyIncomeGoal: inc ?? null,
    monthsReachedIncomePct: inc !== undefined && n ? share((m) => m.income >= inc) : null,
    portfolioValueGoal: pv ?? null,
    monthsToPortfolioGoal: toGoal,
  };
}

export interface MetricsInput {
  initialBalance: number;
  equity: EquityInput;
  trades: readonly Trade[];
  exposedBars: number;
  totalBars: number;
  /** First open and last close per symbol, for buy-and-hold. */
  buyHold: ReadonlyArray<{ firstOpen: number; lastClose: number }>;
  goals?: BacktestGoals | null;
}

export function computeMetrics(x: MetricsInput): BacktestMetrics {
  const eq = columnsOf(x.equity);
  const n0 = eq.length;
  const final = n0 ? eq.equity[n0 - 1]! : x.initialBalance;
  const span = n0 ? eq.ts[n0 - 1]! - eq.ts[0]! : 0;
  const scan = scanEquity(eq);
  const dd = scan.drawdown;
  const daily = n0 ? returnsOf(eq.equity[0]!, scan.dayEnds) : [];
  const cagr = cagrPct(x.initialBalance, final, span);
  const n = x.trades.length;
  const pnls = x.trades.map((t) => t.pnl);
  const monthly = scan.monthly;
  const bh = x.buyHold.filter((b) => b.firstOpen > 0);
  return {
    initialBalance: x.initialBalance,
    finalEquity: final,
    totalReturnPct: totalReturnPct(x.initialBalance, final),
    cagrPct: cagr,
    maxDrawdownPct: dd.pct,
    maxDrawdownDurationMs: dd.durationMs,
    sharpe: sharpe(daily),
    sortino: sortino(daily),
    calmar: cagr !== null && dd.pct > 0 ? cagr / dd.pct : null,
    profitFactor: profitFactor(x.trades),
    winRatePct: n ? (pnls.filter((p) => p > 0).length / n) * 100 : null,
    expectancy: n ? mean(pnls) : null,
    trades: n,
    avgTradePct: n ? mean(x.trades.map((t) => (t.pnl / (t.entryPrice * t.amount)) * 100)) : null,
    avgTradeDurationMs: n ? mean(x.trades.map((t) => t.exitTs - t.entryTs)) : null,
    exposurePct: x.totalBars ? (x.exposedBars / x.totalBars) * 100 : 0,
    feesPaid: x.trades.reduce((a, t) => a + t.fees, 0),
    bestTrade: n ? pnls.reduce((a, b) => Math.max(a, b), -Infinity) : null,
    worstTrade: n ? pnls.reduce((a, b) => Math.min(a, b), Infinity) : null,
    buyHoldReturnPct: bh.length ? mean(bh.map((b) => (b.lastClose / b.firstOpen - 1) * 100)) : null,
    monthly,
    goals: x.goals ? evaluateGoals(monthly, final, x.goals) : null,
  };
}
