/**
 * Goals area: monthly return, monthly income and portfolio-value targets per account,
 * their status against the expected path, daily snapshots, goal-aware sizing of signal orders and
 * the protective drawdown stance. Months and days follow engine time (the sim clock on the sim).
 */
import { z } from 'zod';
import { command } from './define';

export const GOAL_TYPES = ['monthly_return', 'monthly_income', 'portfolio_value'] as const;
export type GoalType = (typeof GOAL_TYPES)[number];
export const GOAL_STATUSES = ['achieved', 'on_track', 'at_risk', 'behind'] as const;
export type GoalStatusWord = (typeof GOAL_STATUSES)[number];
export type GoalPriority = 'low' | 'medium' | 'high';
export type GoalStance = 'normal' | 'protective';

/** The confirmation text that turns goal-aware sizing on for a live account (`risk.update`). */
export const GOAL_SIZING_CONFIRMATION = 'I understand goal sizing changes live order sizes';

export interface Goal {
  id: number;
  accountId: number;
  type: GoalType;
  /** % per month (monthly_return), quote currency per month (monthly_income), equity (portfolio_value). */
  target: number;
  label: string;
  /** portfolio_value only: when the target is due (engine time, ms). */
  deadline: number | null;
  /** Equity when the goal was created: the start of its first period. */
  startEquity: string;
  createdAt: number;
  updatedAt: number;
}

export interface GoalStatus {
  id: number;
  accountId: number;
  type: GoalType;
  label: string;
  target: number;
  current: number;
  /** current ÷ target × 100. */
  progressPct: number;
  /** Where the goal should be at the elapsed fraction of its period. */
  expected: number;
  /** current ÷ expected; null when nothing is expected yet. */
  pace: number | null;
  status: GoalStatusWord;
  periodStart: number;
  periodEnd: number;
  daysLeft: number;
  /** ((target equity ÷ equity)^(1/daysLeft) − 1) × 100; null for income goals. */
  requiredDailyReturnPct: number | null;
  /** Equity the period started from (return and portfolio goals). */
  startEquity: number;
  /** When this status was computed (engine time). */
  asOf: number;
}

export interface GoalSnapshot {
  id: number;
  goalId: number;
  /** UTC day (YYYY-MM-DD) of a daily snapshot. */
  day: string;
  kind: 'daily' | 'manual';
  ts: number;
  current: number;
  expected: number;
  target: number;
  progressPct: number;
  pace: number | null;
  status: GoalStatusWord;
  periodStart: number;
}

export interface GoalSizingSetting {
  enabled: boolean;
  min: number;
  max: number;
}

export interface GoalSizing {
  accountId: number;
  factor: number;
  /** 1–6: the rule of the issue that held; 0 when goal sizing is off for the account. */
  rule: number;
  reason: string;
  stance: GoalStance;
  inputs: {
    enabled: boolean;
    min: number;
    max: number;
    /** The factor the rule chose before clamping to [min, max]. */
    ruleFactor: number;
    riskStage: string;
    achieved: number;
    onTrack: number;
    atRisk: number;
    behind: number;
    meanPace: number | null;
    /** Highest portfolio_value progress (current ÷ target × 100), null without such a goal. */
    portfolioProgressPct: number | null;
    drawdownLimitPct: number;
    maxDrawdownPct: number;
    protectiveDrawdownPct: number;
  };
}

export interface GoalAdjustment {
  id: number;
  accountId: number;
  ts: number;
  kind: 'sizing' | 'stance';
  factor: number;
  rule: number;
  stance: GoalStance;
  sentence: string;
}

/** A goal's status changed: the goal's full status plus where it came from and how urgent it is. */
export interface GoalStatusEvent extends GoalStatus {
  goalId: number;
  from: GoalStatusWord | null;
  /** achieved low, on_track low, at_risk medium, behind high. */
  priority: GoalPriority;
}

/**
 * Where a goal should be at the elapsed fraction f of its period: compound for return
 * (((1 + target/100)^f − 1) × 100) and portfolio value (start × (target/start)^f), linear for
 * income (target × f). Shared by the engine's status and the Goals view's expected path.
 */
export function expectedAt(type: GoalType, target: number, startEquity: number, f: number): number {
  if (type === 'monthly_return') return (Math.pow(1 + target / 100, f) - 1) * 100;
  if (type === 'portfolio_value') return startEquity > 0 ? startEquity * Math.pow(target / startEquity, f) : target * f;
  return target * f;
}

const AccountRef = z.number().int().positive().optional();
const GoalId = z.number().int().positive();
const Target = z.number().finite().gt(0, 'target must be greater than 0').max(1e15);
const Label = z.string().trim().min(1).max(80);
const Deadline = z.number().int().positive();

export const goalsCommands = {
  'goals.list': command<Goal[]>()('Goals of an account (every account when omitted).', z.object({ account: AccountRef }).strict()),
  'goals.create': command<Goal>()(
    'Creates a goal: monthly_return (% per UTC month), monthly_income (quote per month) or portfolio_value (target equity by a deadline, default 12 months).',
    z.object({ account: AccountRef, type: z.enum(GOAL_TYPES), target: Target, label: Label.optional(), deadline: Deadline.optional() }).strict(),
  ),
  'goals.update': command<Goal>()(
    "Changes a goal's target, label or deadline.",
    z.object({ id: GoalId, target: Target.optional(), label: Label.optional(), deadline: Deadline.optional() }).strict(),
  ),
  'goals.delete': command<{ deleted: number }>()('Deletes a goal and its history.', z.object({ id: GoalId }).strict()),
  'goals.status': command<GoalStatus[]>()('Status of every goal: current vs target, expected path, pace, days left, required daily return.', z.object({ account: AccountRef }).strict()),
  'goals.history': command<GoalSnapshot[]>()('Snapshots of one goal (daily at 23:59 UTC engine time, and manual ones), oldest first.', z.object({ id: GoalId, since: z.number().int().min(0).optional() }).strict()),
  'goals.snapshot': command<GoalSnapshot[]>()('Takes a manual snapshot of every goal of an account now (the daily one still happens).', z.object({ account: AccountRef }).strict()),
  'goals.sizing': command<GoalSizing>()('The goal-aware sizing factor for signal orders, the rule that chose it, why, and its inputs.', z.object({ account: AccountRef }).strict()),
  'goals.adjustments': command<GoalAdjustment[]>()(
    'Each change of the sizing factor or the drawdown stance, newest first, with a sentence saying why.',
    z.object({ account: AccountRef, since: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).optional() }).strict(),
  ),
} as const;

export interface GoalsEvents {
  'goal.status': GoalStatusEvent;
}
export const GOALS_TOPICS = ['goal.status'] as const satisfies readonly (keyof GoalsEvents)[];
