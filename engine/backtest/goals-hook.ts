/**
 * Where the backtest gets the account's goals for the goal evaluation when a run's input does not
 * give them: the engine composition sets a provider that reads the default account's goals
 * (engine/core/engine.ts). Without a provider, runs without `goals` skip the evaluation
 * (metrics.goals = null).
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
