/**
 * The promotion rule for autopilot on a live account: autopilot trades through the default
 * account; when that account is live, each strategy that would trade in the channel (the
 * unpaused ones; all of them when every one is paused) needs at least PROMOTION_MIN_OUTCOMES
 * tracked outcomes at its current params with a positive expectancy, unless the user typed
 * AUTOPILOT_PROMOTION_CONFIRMATION. Enforced where autopilot is enabled: channel create /
 * update, and resuming or re-parametrising a strategy of a live autopilot channel.
 */
import { ApiError } from '../api/errors';
import type { Channel } from '../api/commands/signals';
import {
  AUTOPILOT_PROMOTION_CONFIRMATION,
  PROMOTION_MIN_OUTCOMES,
  type PromotionCheck,
  type PromotionReason,
  type PromotionStrategy,
} from '../api/commands/strategies';
import { strategyKey } from '../strategies/registry';

export interface AutopilotAccount {
  id: number;
  name: string;
  kind: 'paper' | 'live';
}

/** Outcomes and expectancy of one channel's strategy key (from the outcome tracker). */
export type OutcomeStats = (channelId: number, strategyKey: string) => { outcomes: number; expectancyPct: number | null };

type ChannelLike = Pick<Channel, 'name' | 'strategies' | 'autopilot'> & { id?: number };

/** The strategies that would trade: the unpaused ones, or all when every one is paused. */
export function tradingStrategies(ch: Pick<Channel, 'strategies'>): Channel['strategies'] {
  const active = ch.strategies.filter((s) => !s.paused);
  return active.length ? active : ch.strategies;
}

function judge(s: Channel['strategies'][number], channelId: number | undefined, stats: OutcomeStats): PromotionStrategy {
  const st = channelId === undefined ? { outcomes: 0, expectancyPct: null } : stats(channelId, strategyKey(s.id, s.params));
  const reasonCode: PromotionReason =
    st.outcomes < PROMOTION_MIN_OUTCOMES ? 'TOO_FEW_OUTCOMES' : st.expectancyPct === null || st.expectancyPct <= 0 ? 'NON_POSITIVE_EXPECTANCY' : 'PROMOTION_OK';
  return { strategy: s.id, paused: s.paused === true, outcomes: st.outcomes, expectancyPct: st.expectancyPct, ok: reasonCode === 'PROMOTION_OK', reasonCode };
}

const pctText = (v: number | null): string => (v === null ? 'no expectancy yet' : `expectancy ${v >= 0 ? '+' : ''}${v.toFixed(2)} %`);

/**
 * The rule for `ch`, looking only at `candidates` (default: every strategy that would trade).
 * A channel not yet stored (no id) has no outcomes.
 */
export function checkPromotion(ch: ChannelLike, account: AutopilotAccount | undefined, stats: OutcomeStats, candidates = tradingStrategies(ch)): PromotionCheck {
  const strategies = candidates.map((s) => judge(s, ch.id, stats));
  const base = { channelId: ch.id ?? 0, channelName: ch.name, account: account ?? null, minOutcomes: PROMOTION_MIN_OUTCOMES, strategies, confirmation: AUTOPILOT_PROMOTION_CONFIRMATION };
  if (!account || account.kind !== 'live') {
    return { ...base, allowed: true, reasonCode: 'NOT_LIVE_ACCOUNT', message: `autopilot trades the ${account ? `paper account ${account.name}` : 'default account'}; the live promotion rule does not apply` };
  }
  const bad = strategies.find((s) => !s.ok);
  if (!bad) {
    const summary = strategies.map((s) => `${s.strategy}: ${s.outcomes} outcomes, ${pctText(s.expectancyPct)}`).join('; ');
    return { ...base, allowed: true, reasonCode: 'PROMOTION_OK', message: `promotion rule holds for live account ${account.name} (${summary})` };
  }
  const why =
    bad.reasonCode === 'TOO_FEW_OUTCOMES'
      ? `${bad.strategy} has ${bad.outcomes} tracked outcomes, fewer than ${PROMOTION_MIN_OUTCOMES}`
      : `${bad.strategy} has ${bad.outcomes} tracked outcomes with ${pctText(bad.expectancyPct)}, not positive`;
  return {
    ...base,
    allowed: false,
    reasonCode: bad.reasonCode,
    message: `refused: autopilot of ${ch.name} on live account ${account.name} needs ${PROMOTION_MIN_OUTCOMES} tracked outcomes with positive expectancy per strategy; ${why}. Type "${AUTOPILOT_PROMOTION_CONFIRMATION}" to enable it anyway`,
  };
}

/** Throws the structured refusal (UNPROCESSABLE, details.reasonCode, details.field 'confirm') unless the rule holds or was confirmed. */
export function enforcePromotion(check: PromotionCheck, confirm: string | undefined): void {
  if (check.allowed || confirm === AUTOPILOT_PROMOTION_CONFIRMATION) return;
  throw new ApiError('UNPROCESSABLE', check.message, {
    field: 'confirm',
    reasonCode: check.reasonCode,
    confirm: AUTOPILOT_PROMOTION_CONFIRMATION,
    channel: check.channelId || null,
    account: check.account,
    minOutcomes: check.minOutcomes,
    strategies: check.strategies,
  });
}

/**
 * The strategies that newly start trading on autopilot through `after` compared with `before`
 * (null: the channel is new): every unpaused one when autopilot is turned on, otherwise the ones whose
 * strategy + params did not trade before (resumed, added or re-parametrised). Empty when
 * autopilot stays off.
 */
export function newlyAutopiloted(before: Pick<Channel, 'strategies' | 'autopilot'> | null, after: Pick<Channel, 'strategies' | 'autopilot'>): Channel['strategies'] {
  if (!after.autopilot) return [];
  const now = after.strategies.filter((s) => !s.paused);
  if (!before || !before.autopilot) return now;
  const was = new Set(before.strategies.filter((s) => !s.paused).map((s) => strategyKey(s.id, s.params)));
  return now.filter((s) => !was.has(strategyKey(s.id, s.params)));
}
