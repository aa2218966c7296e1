/**
 * Quality gates, in the order they are checked. The first that fails names the rejection; a
 * rejected signal is stored with its code and detail, never dropped.
 *
 *  PAUSED          the global pause switch is on
 *  NOT_WARMED_UP   the feature engine has seen fewer bars than the strategy's indicators need
 *  STALE_DATA      the bar closed more than `staleBars` bars of its timeframe before now
 *  SIGNAL_TOO_OLD  more than `maxAgeSeconds` passed between the bar close and now
 *
 * "Now" is the clock of the bar's source: engine time for the simulated market (so the gates mean
 * the same at any sim speed), a replay's playback position, wall time for exchanges. Both ages allow `slackMs` on top: how late
 * the source can deliver a bar by construction (the sim publishes the bars that closed during a
 * tick at its end: one tick of engine time, tickMs × speed), so a 600× sim whose tick spans five
 * 1m bars is not judged stale for its own granularity.
 *  PRICE_DRIFT     the last price is more than `maxDriftPct` % away from the entry
 *  LOW_CONFIDENCE  confidence below the channel's minimum
 *  COOLDOWN        the channel delivered on this symbol less than `cooldownMinutes` (of bar time) ago
 *  DAILY_LIMIT     the channel already delivered `maxPerDay` signals this UTC day (of bar time)
 */
import type { Channel, RejectReason } from '../api/commands/signals';
import { TIMEFRAME_MS, type Timeframe } from '../api/timeframes';
import type { StrategyDecision } from '../strategies/types';

export interface GateInput {
  channel: Channel;
  timeframe: Timeframe;
  barTime: number;
  decision: StrategyDecision;
  /** The source's clock (engine time for the sim, wall time otherwise). */
  now: number;
  /** How late the source delivers a bar by construction, in the same clock (0 for exchanges). */
  slackMs?: number;
  paused: boolean;
  barsSeen: number;
  warmupNeeded: number;
  lastPrice: number | undefined;
  /** Bar time of the channel's last delivered signal on this symbol. */
  lastDeliveredBar: () => number | undefined;
  /** Signals the channel delivered since the start of the bar's UTC day. */
  deliveredToday: () => number;
}

export interface GateResult {
  reason: RejectReason;
  detail: string;
}

const DAY = 86_400_000;

export function checkGates(g: GateInput): GateResult | null {
  const { channel: c, decision: d } = g;
  const tf = TIMEFRAME_MS[g.timeframe];
  const barClose = g.barTime + tf;
  const age = g.now - barClose;
  const slack = g.slackMs !== undefined && g.slackMs > 0 ? g.slackMs : 0;
  const late = age - slack;
  const within = slack > 0 ? ` (allowing ${fmtAge(slack)} for the source's delivery)` : '';
  if (g.paused) return { reason: 'PAUSED', detail: 'signals are paused' };
  if (g.barsSeen < g.warmupNeeded) return { reason: 'NOT_WARMED_UP', detail: `indicators have ${g.barsSeen} of the ${g.warmupNeeded} bars they need` };
  if (late > c.gates.staleBars * tf) return { reason: 'STALE_DATA', detail: `bar closed ${fmtAge(age)} ago, more than ${c.gates.staleBars} × ${g.timeframe}${within}` };
  if (late > c.gates.maxAgeSeconds * 1000) return { reason: 'SIGNAL_TOO_OLD', detail: `signal is ${fmtAge(age)} old, limit ${c.gates.maxAgeSeconds} s${within}` };
  if (g.lastPrice !== undefined && d.entry > 0) {
    const drift = (Math.abs(g.lastPrice - d.entry) / d.entry) * 100;
    if (drift > c.gates.maxDriftPct) return { reason: 'PRICE_DRIFT', detail: `last price ${g.lastPrice} is ${drift.toFixed(2)} % from entry ${d.entry}, limit ${c.gates.maxDriftPct} %` };
  }
  if (d.confidence < c.minConfidence) return { reason: 'LOW_CONFIDENCE', detail: `confidence ${d.confidence.toFixed(2)} below the channel minimum ${c.minConfidence}` };
  if (c.cooldownMinutes > 0) {
    const last = g.lastDeliveredBar();
    if (last !== undefined && g.barTime - last < c.cooldownMinutes * 60_000) {
      return { reason: 'COOLDOWN', detail: `last signal on this symbol ${fmtAge(g.barTime - last)} earlier, cooldown ${c.cooldownMinutes} min` };
    }
  }
  const today = g.deliveredToday();
  if (today >= c.maxPerDay) return { reason: 'DAILY_LIMIT', detail: `${today} signals today, limit ${c.maxPerDay}` };
  return null;
}

export const utcDayStart = (t: number): number => t - (((t % DAY) + DAY) % DAY);

function fmtAge(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Non-rejected signals of a channel on a bar's UTC day (the daily cap): counted once from the DB, then kept. */
export class DeliveredToday {
  private readonly counts = new Map<string, number>();
  constructor(private readonly signals: { deliveredSince(channelId: number, from: number, to: number): number }) {}

  get(channelId: number, barTime: number): number {
    const day = utcDayStart(barTime);
    const k = `${channelId}|${day}`;
    let n = this.counts.get(k);
    if (n === undefined) {
      if (this.counts.size > 10_000) this.counts.clear();
      n = this.signals.deliveredSince(channelId, day, day + DAY);
      this.counts.set(k, n);
    }
    return n;
  }

  /** One more delivered (only where the day was already counted; else the next read counts it). */
  bump(channelId: number, barTime: number): void {
    const k = `${channelId}|${utcDayStart(barTime)}`;
    const n = this.counts.get(k);
    if (n !== undefined) this.counts.set(k, n + 1);
  }
}
