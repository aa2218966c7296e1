/**
 * Follows delivered signals bar by bar (engine/signals/outcomes.ts decides each step) and stores
 * each outcome as it arrives, publishing the changed signal.
 */
import type { Signal } from '../api/commands/signals';
import type { Ohlcv } from '../api/timeframes';
import type { ChannelsRepo, OutcomesRepo, SignalsRepo } from '../../db/repos/signals';
import type { Bus } from '../core/context';
import { step, type Tracked } from './outcomes';

export const seriesKey = (source: string, symbol: string, tf: string): string => `${source}|${symbol}|${tf}`;

export class OutcomeTracker {
  private tracked = new Map<string, Tracked[]>();

  constructor(
    private readonly repos: { channels: ChannelsRepo; signals: SignalsRepo; outcomes: OutcomesRepo },
    private readonly bus: Bus,
  ) {}

  track(sig: Signal, expiryBars: number): void {
    const k = seriesKey(sig.source, sig.symbol, sig.timeframe);
    let list = this.tracked.get(k);
    if (!list) this.tracked.set(k, (list = []));
    list.push({
      id: sig.id,
      channelId: sig.channelId,
      strategy: sig.strategy,
      side: sig.side,
      entry: sig.entry,
      stopLoss: sig.stopLoss,
      takeProfit: sig.takeProfit,
      barTime: sig.barTime,
      timeframe: sig.timeframe,
      expiryBars,
      bars: 0,
    });
  }

  /** Reloads every open signal from the database (at start). */
  load(): void {
    this.tracked.clear();
    const expiry = new Map(this.repos.channels.list().map((c) => [c.id, c.expiryBars]));
    for (const s of this.repos.signals.open()) this.track(s, expiry.get(s.channelId) ?? 50);
  }

  /** Advances the signals of one series by a closed bar. */
  follow(k: string, c: Ohlcv): void {
    const list = this.tracked.get(k);
    if (!list?.length) return;
    const keep: Tracked[] = [];
    for (const t of list) {
      const o = step(t, c);
      if (!o) {
        keep.push(t);
        continue;
      }
      this.repos.outcomes.insert(t.id, t.channelId, t.strategy, o);
      const sig = this.repos.signals.get(t.id, this.repos.channels.names());
      if (sig) this.bus.publish('signal.updated', sig);
    }
    if (keep.length) this.tracked.set(k, keep);
    else this.tracked.delete(k);
  }

  /** Signals being followed, optionally of one channel / strategy. */
  count(f: { channel?: number; strategy?: string } = {}): number {
    let n = 0;
    for (const l of this.tracked.values()) for (const t of l) if ((f.channel === undefined || t.channelId === f.channel) && (f.strategy === undefined || t.strategy === f.strategy)) n++;
    return n;
  }
}
