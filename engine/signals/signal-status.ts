/**
 * What a trader does to a delivered signal (acknowledge, snooze; a snoozed one comes back) and
 * the performance report over the outcomes: the signals commands' state changes, out of the
 * pipeline module.
 */
import { ApiError } from '../api/errors';
import type { PerformanceResult, PerformanceRow, Signal } from '../api/commands/signals';
import type { ParsedInput } from '../api/contract';
import type { ChannelsRepo, OutcomesRepo, SignalsRepo } from '../../db/repos/signals';
import type { EngineContext } from '../core/context';

export class SignalStatuses {
  constructor(
    private readonly ctx: EngineContext,
    private readonly signals: SignalsRepo,
    private readonly channels: ChannelsRepo,
    private readonly now: () => number,
  ) {}

  require(id: number): Signal {
    const s = this.signals.get(id, this.channels.names());
    if (!s) throw new ApiError('NOT_FOUND', `Signal ${id} does not exist`, { id });
    return s;
  }

  /** Moves a signal to `status` if it is in one of `from`; announces it (signal.updated). */
  set(id: number, status: Signal['status'], from: Array<Signal['status']>, snoozedUntil: number | null = null): Signal | undefined {
    const s = this.signals.get(id);
    if (!s || !from.includes(s.status)) return undefined;
    this.signals.setStatus(id, status, this.now(), snoozedUntil);
    const out = this.signals.get(id, this.channels.names())!;
    this.ctx.bus.publish('signal.updated', out);
    return out;
  }

  private change(id: number, status: 'acknowledged' | 'snoozed', snoozedUntil: number | null = null): Signal {
    const s = this.require(id);
    this.refuse(s, status);
    return this.set(id, status, ['delivered', 'acknowledged', 'snoozed', 'executed'], snoozedUntil) ?? s;
  }

  private refuse(s: Signal, status: 'acknowledged' | 'snoozed'): void {
    if (s.status === 'rejected') throw new ApiError('CONFLICT', `Signal ${s.id} was rejected (${s.rejectReason}); there is nothing to ${status === 'snoozed' ? 'snooze' : 'acknowledge'}`, { id: s.id, status: s.status });
    if (status === 'snoozed' && s.status === 'executed') throw new ApiError('CONFLICT', `Signal ${s.id} was already executed`, { id: s.id });
  }

  /** All or nothing: every id is checked before any changes. */
  changeMany(ids: number[], status: 'acknowledged' | 'snoozed', snoozedUntil: number | null = null): Signal[] {
    for (const id of ids) this.refuse(this.require(id), status);
    return this.ctx.db.transaction(() => [...new Set(ids)].map((id) => this.change(id, status, snoozedUntil)))();
  }
}

/** signals.performance: outcomes in total, per channel and per strategy; `open` = signals still followed. */
export function performanceOf(outcomes: OutcomesRepo, names: Map<number, string>, open: number, q: ParsedInput<'signals.performance'>): PerformanceResult {
  const label = (rows: Array<Omit<PerformanceRow, 'label'>>, f: (k: string) => string): PerformanceRow[] => rows.map((r) => ({ ...r, label: f(r.key) }));
  const total = outcomes.aggregate("'all'", q)[0];
  const empty: Omit<PerformanceRow, 'label'> = { key: 'all', count: 0, wins: 0, losses: 0, expired: 0, winRate: 0, avgProfitPct: 0, profitFactor: null, expectancyPct: 0, avgTimeToOutcomeMs: 0 };
  return {
    total: { ...(total ?? empty), key: 'all', label: 'All signals' },
    byChannel: label(outcomes.aggregate('o.channel_id', q), (k) => names.get(Number(k)) ?? `channel ${k}`),
    byStrategy: label(outcomes.aggregate('o.strategy', q), (k) => k),
    open,
  };
}
