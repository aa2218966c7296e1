/**
 * The protective drawdown stance: while a portfolio_value goal is at ≥ 90 % of its target, the
 * account's drawdown limit becomes its protective limit (risk field protectiveDrawdownPct,
 * default 2 %) instead of maxDrawdownPct, so what is nearly reached is protected.
 */
import type { GoalStance, GoalStatus } from '../api/commands/goals';
import { PROTECTIVE_PROGRESS_PCT } from './sizing';

export const DEFAULT_PROTECTIVE_DRAWDOWN_PCT = 2;

export function stanceFor(statuses: readonly GoalStatus[]): { stance: GoalStance; goal: GoalStatus | null } {
  const near = statuses.find((s) => s.type === 'portfolio_value' && s.progressPct >= PROTECTIVE_PROGRESS_PCT) ?? null;
  return { stance: near ? 'protective' : 'normal', goal: near };
}

export function drawdownLimitFor(stance: GoalStance, limits: { maxDrawdownPct: number; protectiveDrawdownPct?: number }): number {
  return stance === 'protective' ? (limits.protectiveDrawdownPct ?? DEFAULT_PROTECTIVE_DRAWDOWN_PCT) : limits.maxDrawdownPct;
}

export function stanceSentence(stance: GoalStance, goal: GoalStatus | null, limits: { maxDrawdownPct: number; protectiveDrawdownPct?: number }, quote: string): string {
  const prot = limits.protectiveDrawdownPct ?? DEFAULT_PROTECTIVE_DRAWDOWN_PCT;
  if (stance === 'protective' && goal) {
    return `Stance protective: ${goal.label.toLowerCase()} at ${goal.progressPct.toFixed(1)} % of ${goal.target.toLocaleString('en-US')} ${quote} — drawdown limit ${prot} % instead of ${limits.maxDrawdownPct} %`;
  }
  return `Stance normal: no portfolio goal within 10 % of its target — drawdown limit back to ${limits.maxDrawdownPct} %`;
}
