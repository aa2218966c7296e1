/**
 * The AI second opinion on a strategy channel's signal (channel setting `aiReview`), asked
 * after the quality gates and before anything is stored or delivered. The review itself is the
 * intake's (engine/intake/ai/review.ts: the providers asked in parallel, the versioned prompt,
 * the rule-based fallback, the decisions and metrics), reached through the Reviewer port the
 * engine composition sets; the semantics are the same: `advise` only records and shows the
 * opinions, `gate` rejects with AI_SKIP on a valid `skip`.
 */
import type { AiOpinion } from '../api/commands/intake';
import type { Channel, SignalAiReview } from '../api/commands/signals';
import type { StrategyDecision } from '../strategies/types';
import type { Features } from '../indicators/types';
import { aiGate, type ReviewContext } from '../intake/ai/review';

/** Asks every enabled provider about one signal (decisions recorded without an inbound event). */
export type Reviewer = (ctx: ReviewContext) => Promise<AiOpinion[]>;

export interface SignalForReview {
  symbol: string;
  timeframe: string;
  strategy: string;
  decision: StrategyDecision;
  features: Features;
  lastPrice: number | undefined;
}

/** The prompt's context for a strategy signal: the decision and the channel's features (no order book or levels here). */
export function reviewContext(s: SignalForReview): ReviewContext {
  const features: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.features)) if (typeof v === 'number' && Number.isFinite(v)) features[k] = v;
  const d = s.decision;
  return {
    signal: { symbol: s.symbol, side: d.side, entry: d.entry, stopLoss: d.stopLoss, takeProfit: d.takeProfit, confidence: d.confidence, timeframe: s.timeframe, strategy: s.strategy, note: d.reasons.join('; ') },
    enrichment: { last: s.lastPrice ?? null, spreadPct: null, support: null, resistance: null, imbalance: null, flags: [], features },
  };
}

/** Reviews a signal of `ch` (aiReview advise | gate): the record to store with it, and the AI_SKIP gate if any. */
export async function reviewSignal(reviewer: Reviewer, ch: Channel, s: SignalForReview): Promise<{ review: SignalAiReview; gate: { reason: string; detail: string } | null }> {
  const mode = ch.aiReview === 'gate' ? 'gate' : 'advise';
  const opinions = await reviewer(reviewContext(s));
  return { review: { mode, opinions }, gate: aiGate(mode, opinions) };
}
