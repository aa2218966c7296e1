import { describe, expect, it } from 'vitest';
import type { GoalStatus } from '../../engine/api';
import { applySetting, chooseRule } from '../../engine/goals/sizing';
import { drawdownLimitFor, stanceFor } from '../../engine/goals/stance';

const T0 = Date.UTC(2030, 0, 1);
let nextId = 1;
function st(type: GoalStatus['type'], status: GoalStatus['status'], pace: number | null, progressPct = 30): GoalStatus {
  return {
    id: nextId++, accountId: 1, type, label: type === 'monthly_return' ? 'Monthly return' : type === 'monthly_income' ? 'Monthly income' : 'Portfolio value',
    target: type === 'monthly_return' ? 10 : type === 'monthly_income' ? 500 : 20_000, current: 3.1, progressPct, expected: 4, pace, status,
    periodStart: T0, periodEnd: Date.UTC(2030, 1, 1), daysLeft: 17, requiredDailyReturnPct: 0.4, startEquity: 10_000, asOf: T0 + 14 * 86_400_000,
  };
}
const pick = (statuses: GoalStatus[], stage: 'normal' | 'paused' = 'normal') => chooseRule({ statuses, stage, quote: 'USDT' });

describe('goal-aware sizing: the first rule that holds', () => {
  it('1. protective: a portfolio goal at ≥ 90 % of target → 0.5×, even with two goals behind', () => {
    const r = pick([st('portfolio_value', 'on_track', 1, 90), st('monthly_return', 'behind', 0.2), st('monthly_income', 'behind', 0.1)]);
    expect(r).toMatchObject({ rule: 1, factor: 0.5 });
    expect(r.reason).toContain('portfolio value at 90.0 %');
    expect(pick([st('portfolio_value', 'on_track', 1, 89.9)]).rule).not.toBe(1);
  });
  it('1. protective: a drawdown stage other than normal → 0.5×, even with two goals achieved', () => {
    expect(pick([st('monthly_return', 'achieved', 1.5), st('monthly_income', 'achieved', 1.5)], 'paused')).toMatchObject({ rule: 1, factor: 0.5, reason: 'protective — drawdown stage is paused' });
  });
  it('2. two goals achieved → 0.7× (before rule 4 for two behind)', () => {
    const r = pick([st('monthly_return', 'achieved', 0.5), st('monthly_income', 'achieved', 0.5), st('portfolio_value', 'behind', 0.1), st('portfolio_value', 'behind', 0.1)]);
    expect(r).toMatchObject({ rule: 2, factor: 0.7 });
  });
  it('2. mean pace above 1.1 → 0.7× (before rule 3 for one achieved)', () => {
    expect(pick([st('monthly_return', 'achieved', 1.3), st('monthly_income', 'on_track', 1.0)])).toMatchObject({ rule: 2, factor: 0.7 });
    expect(pick([st('monthly_return', 'on_track', 1.1), st('monthly_income', 'on_track', 1.1)]).rule).not.toBe(2);
  });
  it('3. one goal achieved → 0.85× (before rule 4 for two behind)', () => {
    const r = pick([st('monthly_return', 'achieved', 1.0), st('monthly_income', 'behind', 0.5), st('portfolio_value', 'behind', 0.6)]);
    expect(r).toMatchObject({ rule: 3, factor: 0.85 });
    expect(r.reason).toContain('monthly return achieved');
  });
  it('3. mean pace above 1.0 → 0.85× (before rule 5 for one behind)', () => {
    expect(pick([st('monthly_return', 'behind', 0.6), st('monthly_income', 'on_track', 1.6)])).toMatchObject({ rule: 3, factor: 0.85 });
  });
  it('4. two goals behind → 1.3×; or mean pace below 0.7', () => {
    expect(pick([st('monthly_return', 'behind', 0.65), st('monthly_income', 'behind', 0.69), st('portfolio_value', 'on_track', 0.99)])).toMatchObject({ rule: 4, factor: 1.3 });
    expect(pick([st('monthly_return', 'at_risk', 0.6), st('monthly_income', 'on_track', 0.75)])).toMatchObject({ rule: 4, factor: 1.3 });
  });
  it('5. one goal behind, or two at risk → 1.15×, in words', () => {
    expect(pick([st('monthly_return', 'behind', 0.6), st('monthly_income', 'on_track', 0.95), st('portfolio_value', 'on_track', 1)])).toMatchObject({ rule: 5, factor: 1.15 });
    const r = pick([st('monthly_return', 'at_risk', 0.75), st('monthly_income', 'at_risk', 0.8), st('portfolio_value', 'on_track', 1)]);
    expect(r).toMatchObject({ rule: 5, factor: 1.15 });
    expect(r.reason).toMatch(/monthly return at risk — 3\.1 % of 10 % with \d+ % of the month gone/);
  });
  it('6. otherwise → 1×', () => {
    expect(pick([st('monthly_return', 'at_risk', 0.8), st('monthly_income', 'on_track', 0.95), st('portfolio_value', 'on_track', 1)])).toMatchObject({ rule: 6, factor: 1 });
    expect(pick([])).toMatchObject({ rule: 6, factor: 1 });
  });
  it('the account setting keeps the factor within [min, max], and off means 1× (rule 0)', () => {
    const four = pick([st('monthly_return', 'behind', 0.1), st('monthly_income', 'behind', 0.1)]);
    expect(applySetting(four, { enabled: true, min: 0.5, max: 1.3 }).factor).toBe(1.3);
    expect(applySetting(four, { enabled: true, min: 0.8, max: 1.2 })).toMatchObject({ factor: 1.2, rule: 4 });
    expect(applySetting(four, { enabled: false, min: 0.5, max: 1.3 })).toMatchObject({ factor: 1, rule: 0 });
  });
});

describe('protective stance', () => {
  it('protective while a portfolio goal is at ≥ 90 %: the drawdown limit becomes protectiveDrawdownPct', () => {
    const near = stanceFor([st('portfolio_value', 'on_track', 1, 91)]);
    expect(near.stance).toBe('protective');
    expect(drawdownLimitFor(near.stance, { maxDrawdownPct: 5, protectiveDrawdownPct: 2 })).toBe(2);
    const far = stanceFor([st('portfolio_value', 'on_track', 1, 60), st('monthly_return', 'achieved', 2, 120)]);
    expect(far.stance).toBe('normal');
    expect(drawdownLimitFor(far.stance, { maxDrawdownPct: 5, protectiveDrawdownPct: 2 })).toBe(5);
  });
});

describe('goal-aware sizing on a goal period first day', () => {
  it('a pace measured in the first 24 hours does not count toward the mean (a fresh install sizes 1.0×, not 1.3×)', () => {
    // Three on-track goals whose expected value is still near zero: pace 0.1 would read as "far behind".
    const fresh = [st('monthly_return', 'on_track', 0.1), st('monthly_income', 'on_track', 0.1), st('portfolio_value', 'on_track', 0.1)];
    expect(chooseRule({ statuses: fresh, stage: 'normal', quote: 'USDT', asOf: T0 + 3_600_000 })).toMatchObject({ rule: 6, factor: 1, meanPace: null });
    // A day in, the same paces are far behind plan.
    expect(chooseRule({ statuses: fresh, stage: 'normal', quote: 'USDT', asOf: T0 + 86_400_000 })).toMatchObject({ rule: 4, factor: 1.3 });
  });
});
