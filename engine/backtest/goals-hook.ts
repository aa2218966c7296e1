/**
 * GOALS HOOK — where the backtest gets the account's goals for the goal evaluation when a run's
 * input does not give them. The goals module (issue 12) is not merged here yet: the lead wires
 * it with `setBacktestGoalsProvider(() => ({monthlyReturnPct, monthlyIncome, portfolioValue}))`
 * at engine construction. Until then there is no provider and runs without `goals` skip the
 * evaluation (metrics.goals = null).
 */
import type { BacktestGoals } from './metrics';

export type BacktestGoalsProvider = () => BacktestGoals | null;

let provider: BacktestGoalsProvider | null = null;

export function setBacktestGoalsProvider(p: BacktestGoalsProvider | null): void {
  provider = p;
}

/** The goals a run is evaluated against: the input's own, else the provider's, else none. */
export function resolveGoals(input: BacktestGoals | null | undefined): BacktestGoals | null {
  if (input) return input;
  try {
    return provider?.() ?? null;
  } catch (err) {
    console.error('[backtest] goals provider failed:', err);
    return null;
  }
}
