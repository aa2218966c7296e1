/** Delivery metrics: per target sent / failed / p50 / p99 latency; per channel the signal funnel. */
import type { ChannelDeliveryMetrics, DeliveryMetrics } from '../api/commands/delivery';
import type { DeliveryAttemptsRepo } from '../../db/repos/delivery';
import type { ChannelFunnelRow } from '../../db/repos/signals';

/** Nearest-rank percentile of an ascending list (null when empty). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function deliveryMetrics(since: number, attempts: DeliveryAttemptsRepo, funnel: ChannelFunnelRow[], names: Map<number, string>): DeliveryMetrics {
  const targets = attempts.counts(since).map((c) => {
    const lat = attempts.latencies(c.target, since);
    return { ...c, p50LatencyMs: percentile(lat, 50), p99LatencyMs: percentile(lat, 99) };
  });
  const channels: ChannelDeliveryMetrics[] = funnel.map((f) => ({
    channelId: f.channelId,
    name: names.get(f.channelId) ?? `channel ${f.channelId}`,
    delivered: f.delivered,
    acknowledged: f.acknowledged,
    executed: f.executed,
    snoozed: f.snoozed,
    acknowledgedRate: f.delivered ? f.acknowledged / f.delivered : 0,
    executionConversion: f.delivered ? f.executed / f.delivered : 0,
    snoozeRate: f.delivered ? f.snoozed / f.delivered : 0,
  }));
  return { since, targets, channels };
}
