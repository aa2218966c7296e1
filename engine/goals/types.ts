/**
 * Goals: internal shapes and constants shared by the pure math (status, sizing, stance), the
 * snapshot scheduler and the module.
 */
import type { Account, RiskLimits, RiskStage } from '../api/commands/orders';
import type { Goal, GoalSizingSetting, GoalType } from '../api/commands/goals';

export const DAY_MS = 86_400_000;
/** Daily snapshots are taken as of 23:59:00 UTC engine time. */
export const SNAPSHOT_OFFSET_MS = 23 * 3_600_000 + 59 * 60_000;

/** What the status math needs about one goal at one moment. */
export interface StatusInputs {
  goal: Pick<Goal, 'id' | 'accountId' | 'type' | 'target' | 'label' | 'deadline' | 'createdAt'>;
  asOf: number;
  /** Equity at asOf. */
  equity: number;
  /** Equity the period started from (month's first snapshot, or the goal's creation). */
  startEquity: number;
  /** monthly_income: realized P&L minus fees of the period's fills up to asOf. */
  income: number;
}

/** The narrow view of the order engine that goals read through (set by the engine composition). */
export interface GoalsOrdersPort {
  account(id?: number): Account;
  accounts(): Account[];
  /** Equity now (cash plus positions marked to market), exact decimal string. */
  equity(accountId: number): string;
  stage(accountId: number): RiskStage;
  limits(accountId: number): RiskLimits;
}

export interface StarterGoal {
  type: GoalType;
  target: number;
  label: string;
}
export const STARTER_GOALS: readonly StarterGoal[] = [
  { type: 'monthly_return', target: 10, label: 'Monthly return' },
  { type: 'monthly_income', target: 500, label: 'Monthly income' },
  { type: 'portfolio_value', target: 20_000, label: 'Portfolio value' },
];

export const DEFAULT_LABELS: Record<GoalType, string> = {
  monthly_return: 'Monthly return',
  monthly_income: 'Monthly income',
  portfolio_value: 'Portfolio value',
};

/** Goal-aware sizing: on by default for paper accounts, off for live ones. */
export function defaultGoalSizing(kind: Account['kind']): GoalSizingSetting {
  return { enabled: kind === 'paper', min: 0.5, max: 1.3 };
}
