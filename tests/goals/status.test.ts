import { describe, expect, it } from 'vitest';
import { computeStatus, expectedAt, periodOf, requiredDailyReturn, statusWord } from '../../engine/goals/status';
import { DAY_MS } from '../../engine/goals/types';
import type { StatusInputs } from '../../engine/goals/types';

const T0 = Date.UTC(2030, 0, 1); // 1 Jan 2030 00:00 UTC, a 31-day month
const goal = (type: StatusInputs['goal']['type'], target: number, createdAt = Date.UTC(2029, 11, 1)): StatusInputs['goal'] => ({ id: 1, accountId: 1, type, target, label: 'g', deadline: null, createdAt });

describe('goal status words at each threshold', () => {
  const later = 2 * DAY_MS;
  it('achieved when current reaches the target, whatever the pace', () => {
    expect(statusWord(10, 10, 0.1, later)).toBe('achieved');
    expect(statusWord(9.999, 10, 5, later)).toBe('on_track');
  });
  it('on_track at pace 0.85 and above, at_risk from 0.70 to below 0.85, behind below 0.70', () => {
    expect(statusWord(1, 10, 0.85, later)).toBe('on_track');
    expect(statusWord(1, 10, 0.8499, later)).toBe('at_risk');
    expect(statusWord(1, 10, 0.7, later)).toBe('at_risk');
    expect(statusWord(1, 10, 0.6999, later)).toBe('behind');
    expect(statusWord(-1, 10, -0.5, later)).toBe('behind');
  });
  it("in a period's first 24 hours: on_track unless current is negative (at_risk)", () => {
    expect(statusWord(0, 10, 0, DAY_MS - 1)).toBe('on_track');
    expect(statusWord(0.001, 10, 0.01, DAY_MS - 1)).toBe('on_track');
    expect(statusWord(-0.001, 10, -0.1, DAY_MS - 1)).toBe('at_risk');
    // from the 24th hour on, pace rules
    expect(statusWord(0, 10, 0, DAY_MS)).toBe('behind');
  });
});

describe('expected paths', () => {
  it('compound for return: ((1 + target/100)^f − 1) × 100', () => {
    expect(expectedAt('monthly_return', 10, 10_000, 0)).toBe(0);
    expect(expectedAt('monthly_return', 10, 10_000, 0.5)).toBeCloseTo((Math.sqrt(1.1) - 1) * 100, 10);
    expect(expectedAt('monthly_return', 10, 10_000, 0.5)).toBeCloseTo(4.88088, 4);
    expect(expectedAt('monthly_return', 10, 10_000, 1)).toBeCloseTo(10, 10);
  });
  it('compound for portfolio value: start × (target/start)^f', () => {
    expect(expectedAt('portfolio_value', 20_000, 10_000, 0.5)).toBeCloseTo(14_142.1356, 3);
    expect(expectedAt('portfolio_value', 20_000, 10_000, 0.25)).toBeCloseTo(10_000 * Math.pow(2, 0.25), 6);
    expect(expectedAt('portfolio_value', 20_000, 10_000, 1)).toBeCloseTo(20_000, 6);
  });
  it('linear for income: target × f', () => {
    expect(expectedAt('monthly_income', 500, 10_000, 0.5)).toBe(250);
    expect(expectedAt('monthly_income', 500, 10_000, 0.1)).toBeCloseTo(50, 10);
  });
});

describe('periods and the required daily return', () => {
  it('a monthly goal runs per UTC calendar month, from its creation in its first month', () => {
    const created = Date.UTC(2030, 0, 10, 12);
    expect(periodOf(goal('monthly_return', 10, created), Date.UTC(2030, 0, 20))).toEqual({ start: created, end: Date.UTC(2030, 1, 1) });
    expect(periodOf(goal('monthly_return', 10, created), Date.UTC(2030, 1, 3))).toEqual({ start: Date.UTC(2030, 1, 1), end: Date.UTC(2030, 2, 1) });
  });
  it('a portfolio goal runs from creation to 12 months later by default', () => {
    expect(periodOf(goal('portfolio_value', 20_000, T0), T0 + DAY_MS)).toEqual({ start: T0, end: Date.UTC(2031, 0, 1) });
  });
  it('((target equity ÷ equity)^(1/daysLeft) − 1) × 100; null for income', () => {
    expect(requiredDailyReturn('monthly_return', 10, 10_000, 10_000, 10)).toBeCloseTo((Math.pow(1.1, 1 / 10) - 1) * 100, 10);
    expect(requiredDailyReturn('portfolio_value', 20_000, 10_000, 16_000, 100)).toBeCloseTo((Math.pow(20_000 / 16_000, 1 / 100) - 1) * 100, 10);
    expect(requiredDailyReturn('monthly_income', 500, 10_000, 10_000, 10)).toBeNull();
  });
});

describe('computeStatus', () => {
  it('a return goal halfway through the month with 3.1 % is behind (pace ≈ 0.64), 3.8 % at risk (≈ 0.78), 4.5 % on track', () => {
    const asOf = T0 + 15.5 * DAY_MS; // f = 0.5 of January
    const base = { goal: goal('monthly_return', 10), asOf, startEquity: 10_000, income: 0 };
    const behind = computeStatus({ ...base, equity: 10_310 });
    expect(behind.current).toBeCloseTo(3.1, 6);
    expect(behind.expected).toBeCloseTo(4.880885, 5);
    expect(behind.pace).toBeCloseTo(3.1 / 4.880885, 5);
    expect(behind.status).toBe('behind');
    const atRisk = computeStatus({ ...base, equity: 10_380 });
    expect(atRisk.status).toBe('at_risk');
    const onTrack = computeStatus({ ...base, equity: 10_450 });
    expect(onTrack.status).toBe('on_track');
    expect(onTrack.periodStart).toBe(T0);
    expect(onTrack.periodEnd).toBe(Date.UTC(2030, 1, 1));
    expect(onTrack.daysLeft).toBe(16);
    expect(onTrack.requiredDailyReturnPct).toBeCloseTo((Math.pow(11_000 / 10_450, 1 / 16) - 1) * 100, 5);
    expect(onTrack.progressPct).toBeCloseTo(45, 6);
  });
  it('income is linear: 200 of 500 at 50 % of the month is at risk (pace 0.8)', () => {
    const s = computeStatus({ goal: goal('monthly_income', 500), asOf: T0 + 15.5 * DAY_MS, equity: 10_000, startEquity: 10_000, income: 200 });
    expect(s.expected).toBeCloseTo(250, 6);
    expect(s.pace).toBeCloseTo(0.8, 6);
    expect(s.status).toBe('at_risk');
    expect(s.requiredDailyReturnPct).toBeNull();
  });
  it('the first day of a month is on track even with nothing made yet, at risk when negative', () => {
    const asOf = T0 + 6 * 3_600_000;
    expect(computeStatus({ goal: goal('monthly_return', 10), asOf, equity: 10_000, startEquity: 10_000, income: 0 }).status).toBe('on_track');
    expect(computeStatus({ goal: goal('monthly_return', 10), asOf, equity: 9_990, startEquity: 10_000, income: 0 }).status).toBe('at_risk');
    expect(computeStatus({ goal: goal('monthly_income', 500), asOf, equity: 10_000, startEquity: 10_000, income: -3 }).status).toBe('at_risk');
  });
});
