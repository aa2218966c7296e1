/**
 * Strategies area (the Strategies view): every registry strategy with the channels using it,
 * each channel's live results (from the outcome tracker) beside its latest matching backtest,
 * ranked by a chosen metric; pausing / resuming a strategy in a channel without deleting it;
 * editing a channel strategy's params; and the promotion rule for autopilot on a live account.
 * See docs/strategies.md.
 */
import { z } from 'zod';
import { command, Empty } from './define';
import type { Timeframe } from '../timeframes';
import type { Channel, ChannelSymbols, StrategyInfo } from './signals';

/** Metrics the results can be ranked by (highest first; rows without a value last). */
export const STRATEGY_RANK_METRICS = ['expectancyPct', 'winRate', 'profitFactor', 'signalsPerDay', 'avgOutcomePct', 'outcomes', 'backtestReturnPct'] as const;
export type StrategyRankMetric = (typeof STRATEGY_RANK_METRICS)[number];

/**
 * The promotion rule: autopilot trading through a live account needs at least this many
 * tracked outcomes with a positive expectancy for each strategy that would trade, unless the
 * user types this confirmation.
 */
export const PROMOTION_MIN_OUTCOMES = 30;
export const AUTOPILOT_PROMOTION_CONFIRMATION = 'ENABLE LIVE AUTOPILOT';
/** Why the rule holds or not, per strategy and for the channel. */
export const PROMOTION_REASONS = ['PROMOTION_OK', 'NOT_LIVE_ACCOUNT', 'TOO_FEW_OUTCOMES', 'NON_POSITIVE_EXPECTANCY', 'CONFIRMED_OVERRIDE'] as const;
export type PromotionReason = (typeof PROMOTION_REASONS)[number];

/** A channel's results for one of its strategies at its current params, from tracked outcomes. */
export interface LiveResults {
  /** Signals delivered (not rejected) with these params. */
  signals: number;
  /** signals / days since the first of them (market time; at least one day). */
  signalsPerDay: number;
  /** Finished outcomes (win, loss, expired) and the signals still being followed. */
  outcomes: number;
  wins: number;
  losses: number;
  expired: number;
  /** 0..1; null without outcomes. */
  winRate: number | null;
  /** Gross profit / gross loss; null without a loss. */
  profitFactor: number | null;
  /** winRate × average win − lossRate × average loss, in % per signal; null without outcomes. */
  expectancyPct: number | null;
  /** Mean outcome in % (signed in the signal's direction); null without outcomes. */
  avgOutcomePct: number | null;
  firstSignalAt: number | null;
}

/** The latest finished backtest of the strategy on the channel's symbols. */
export interface BacktestMatch {
  id: number;
  /** 'exact': same params, symbols and timeframe; 'other_params': same symbols and timeframe, other params. */
  match: 'exact' | 'other_params';
  params: Record<string, unknown>;
  symbols: string[];
  timeframe: Timeframe;
  finishedAt: number | null;
  trades: number;
  totalReturnPct: number;
  winRatePct: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  maxDrawdownPct: number;
  sharpe: number | null;
}

export interface StrategyChannelRow {
  channelId: number;
  channelName: string;
  channelEnabled: boolean;
  autopilot: boolean;
  strategy: string;
  /** Position of the strategy in the channel's list. */
  index: number;
  params: Record<string, unknown>;
  paused: boolean;
  symbols: ChannelSymbols;
  timeframe: Timeframe;
  live: LiveResults;
  /** null: no backtest yet. */
  backtest: BacktestMatch | null;
  /** 1 = best by the chosen metric. */
  rank: number;
}

export interface StrategyResults {
  rankBy: StrategyRankMetric;
  rows: StrategyChannelRow[];
}

export interface StrategyOverview extends StrategyInfo {
  /** The channels using the strategy. */
  channels: Array<{ channelId: number; channelName: string; index: number; params: Record<string, unknown>; paused: boolean; autopilot: boolean }>;
}

export interface PromotionStrategy {
  strategy: string;
  paused: boolean;
  outcomes: number;
  expectancyPct: number | null;
  ok: boolean;
  reasonCode: PromotionReason;
}

export interface PromotionCheck {
  channelId: number;
  channelName: string;
  /** The account autopilot trades through (the default account). */
  account: { id: number; name: string; kind: 'paper' | 'live' } | null;
  /** True when autopilot may be enabled without the typed confirmation. */
  allowed: boolean;
  reasonCode: PromotionReason;
  message: string;
  minOutcomes: number;
  /** The strategies that would trade (the unpaused ones; all when every one is paused). */
  strategies: PromotionStrategy[];
  confirmation: string;
}

const ChannelId = z.number().int().positive();
const StrategyRef = { channel: ChannelId, strategy: z.string().min(1).max(64) };
const Confirm = z.string().max(128).optional();

export const strategiesCommands = {
  'strategies.list': command<StrategyOverview[]>()('Every registry strategy with its params, description and the channels using it (params, paused).', Empty),
  'strategies.results': command<StrategyResults>()(
    'Per channel and strategy: live results from tracked outcomes (signals per day, win rate, profit factor, expectancy, average outcome) beside the latest matching backtest, ranked by `rankBy` (default expectancyPct).',
    z
      .object({
        rankBy: z.enum(STRATEGY_RANK_METRICS).optional(),
        strategy: z.string().min(1).max(64).optional(),
        channel: ChannelId.optional(),
      })
      .strict(),
  ),
  'strategies.pause': command<Channel>()('Pauses a strategy in a channel (kept, produces no signals there until resumed).', z.object(StrategyRef).strict()),
  'strategies.resume': command<Channel>()(
    'Resumes a paused strategy in a channel. On an autopilot channel trading a live account the promotion rule applies (or `confirm`).',
    z.object({ ...StrategyRef, confirm: Confirm }).strict(),
  ),
  'strategies.setParams': command<Channel>()(
    "Replaces a channel strategy's params (validated by the strategy's schema); paused stays as it was. The promotion rule applies on a live autopilot channel (or `confirm`).",
    z.object({ ...StrategyRef, params: z.record(z.string().max(64), z.unknown()), confirm: Confirm }).strict(),
  ),
  'strategies.promotion': command<PromotionCheck>()('Whether autopilot may be enabled on the channel now: the autopilot account, and each strategy\'s tracked outcomes and expectancy.', z.object({ channel: ChannelId }).strict()),
} as const;
