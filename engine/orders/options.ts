/** The order engine's options and the hooks other areas may set on it. */
import type { GoalSizing } from './signal-orders';
import type { Account } from '../api/contract';

/**
 * What other areas may tell the order engine (set by the engine composition): the goal-aware
 * sizing factor for signal orders, and the drawdown limit in force (the goals' protective stance).
 */
export interface OrdersHooks {
  sizingFactor?(accountId: number): GoalSizing;
  drawdownLimit?(accountId: number): number;
  /** Before a live account becomes the default (the account autopilot trades): throws to refuse (the live-autopilot promotion rule). */
  beforeLiveDefault?(account: Account, confirm: string | undefined): void;
}

export interface OrdersOptions {
  /** ccxt request timeout for live accounts. */
  liveTimeoutMs: number;
  /** Retries of temporary exchange errors (network, rate limit, timeout), with back-off. */
  retries: number;
  retryBaseMs: number;
  /** How often open live orders are polled for fills. */
  pollMs: number;
  /** Clock for records (created_at), fills and limits: engine time by default; tests may pin it. */
  now: () => number;
  /**
   * Wall clock. The signals area stamps signals with it, so the diagnostics window over signals
   * is taken on this clock (the sim clock runs ahead of the wall at --sim-speed > 1).
   */
  wallNow: () => number;
}

export const DEFAULT_OPTIONS: OrdersOptions = { liveTimeoutMs: 10_000, retries: 2, retryBaseMs: 300, pollMs: 2000, now: Date.now, wallNow: Date.now };
