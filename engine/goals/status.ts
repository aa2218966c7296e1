/**
 * Goal status as pure functions of time and money: the period a goal is measured over, where it
 * should be by now (compound for return and portfolio value, linear for income), its pace and
 * the status word, and the daily return still required.
 */
import { expectedAt, type GoalStatus, type GoalStatusWord, type GoalType } from '../api/commands/goals';
import { DAY_MS, type StatusInputs } from './types';

export const ON_TRACK_PACE = 0.85;
export const AT_RISK_PACE = 0.7;

export function monthStartUtc(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
export function nextMonthStartUtc(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
export function addMonthsUtc(ts: number, months: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
export function dayStartUtc(ts: number): number {
  return ts - (((ts % DAY_MS) + DAY_MS) % DAY_MS);
}
export function dayKey(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Monthly goals run per UTC calendar month (from creation in their first); portfolio goals from creation to the deadline. */
export function periodOf(goal: StatusInputs['goal'], asOf: number): { start: number; end: number } {
  if (goal.type === 'portfolio_value') return { start: goal.createdAt, end: goal.deadline ?? addMonthsUtc(goal.createdAt, 12) };
  return { start: Math.max(monthStartUtc(asOf), goal.createdAt), end: nextMonthStartUtc(asOf) };
}

/** Elapsed fraction of a period, in [0, 1]. */
export function elapsedFraction(start: number, end: number, asOf: number): number {
  if (end <= start) return 1;
  return Math.min(1, Math.max(0, (asOf - start) / (end - start)));
}

/** Where the goal should be at fraction f (compound for return and portfolio value, linear for income): one formula, in the contract. */
export { expectedAt };

export function currentOf(type: GoalType, i: Pick<StatusInputs, 'equity' | 'startEquity' | 'income'>): number {
  if (type === 'monthly_return') return i.startEquity > 0 ? (i.equity / i.startEquity - 1) * 100 : 0;
  if (type === 'monthly_income') return i.income;
  return i.equity;
}

/** achieved ≥ target; else by pace (≥ 0.85 on track, ≥ 0.70 at risk, below behind); first 24 h on track unless negative. */
export function statusWord(current: number, target: number, pace: number | null, sincePeriodStartMs: number): GoalStatusWord {
  if (current >= target) return 'achieved';
  if (sincePeriodStartMs < DAY_MS) return current < 0 ? 'at_risk' : 'on_track';
  if (pace === null) return current < 0 ? 'at_risk' : 'on_track';
  if (pace >= ON_TRACK_PACE) return 'on_track';
  if (pace >= AT_RISK_PACE) return 'at_risk';
  return 'behind';
}

/** ((target equity ÷ equity)^(1/daysLeft) − 1) × 100 for return and portfolio goals; null for income. */
export function requiredDailyReturn(type: GoalType, target: number, startEquity: number, equity: number, daysLeft: number): number | null {
  if (type === 'monthly_income' || daysLeft <= 0 || equity <= 0) return null;
  const targetEquity = type === 'monthly_return' ? startEquity * (1 + target / 100) : target;
  if (targetEquity <= 0) return null;
  return (Math.pow(targetEquity / equity, 1 / daysLeft) - 1) * 100;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function computeStatus(i: StatusInputs): GoalStatus {
  const { goal, asOf } = i;
  const { start, end } = periodOf(goal, asOf);
  const f = elapsedFraction(start, end, asOf);
  const current = currentOf(goal.type, i);
  const expected = expectedAt(goal.type, goal.target, i.startEquity, f);
  const pace = expected > 0 ? current / expected : null;
  const daysLeft = Math.max(0, Math.ceil((end - asOf) / DAY_MS));
  const required = requiredDailyReturn(goal.type, goal.target, i.startEquity, i.equity, daysLeft);
  return {
    id: goal.id,
    accountId: goal.accountId,
    type: goal.type,
    label: goal.label,
    target: goal.target,
    current: r6(current),
    progressPct: r6((current / goal.target) * 100),
    expected: r6(expected),
    pace: pace === null ? null : r6(pace),
    status: statusWord(current, goal.target, pace, asOf - start),
    periodStart: start,
    periodEnd: end,
    daysLeft,
    requiredDailyReturnPct: required === null ? null : r6(required),
    startEquity: r6(i.startEquity),
    asOf,
  };
}
