/**
 * Drawdown protection: the month's equity peak, the day's start, the stage an account is in
 * (normal → paused at the limit → reduced at 1.5× → closed at 2×), persisted so a restart neither
 * re-notifies nor re-reduces, and the reductions each new stage asks for.
 */
import { bucketStart } from '../api/timeframes';
import type { Account, OrderIntent, IntentOrigin, RiskStage, RiskState } from '../api/contract';
import { D, type Dec } from './decimal';
import { pct, stageFor } from './risk';
import type { OrdersModule } from './module';

const STAGE_KEY = 'orders.riskStage.';
const MONTH_MS_GUARD = 40 * 86_400_000;

/** An account's drawdown stage, when it began (engine time), and whether its reductions are done. */
export interface StageRecord {
  stage: RiskStage;
  since: number;
  applied: boolean;
  /** Retries of the episode's reductions after the kill switch held them (part of their keys). */
  attempt?: number;
}

export class Drawdown {
  private readonly stages = new Map<number, StageRecord>();
  private readonly reducing = new Set<number>();
  private readonly peaks = new Map<number, { month: number; peak: Dec }>();

  constructor(
    private readonly m: OrdersModule,
    private readonly closePosition: (a: Account, symbol: string, fraction: number, key: string, origin: IntentOrigin) => Promise<OrderIntent | null>,
  ) {}

  /** True while a stage's reductions are on their way (set as the stage is entered). */
  get reducingNow(): boolean {
    return this.reducing.size > 0;
  }

  riskState(a: Account): RiskState {
    const { equity } = this.m.valuation(a);
    const clock = this.m.ctx.clock();
    const month = monthStart(clock);
    let pk = this.peaks.get(a.id);
    if (!pk || pk.month !== month) {
      let peak = equity;
      for (const s of this.m.equity.equities(a.id, month)) if (D.gt(s.equity, peak)) peak = s.equity;
      pk = { month, peak };
    }
    if (D.gt(equity, pk.peak)) pk = { month, peak: equity };
    this.peaks.set(a.id, pk);
    const dayStart = this.m.equity.firstSince(a.id, bucketStart(clock, '1d')) ?? equity;
    const drawdownPct = D.gt(pk.peak, equity) ? pct(D.sub(pk.peak, equity), pk.peak) : 0;
    const dailyPnlPct = pct(D.sub(equity, dayStart), dayStart);
    const limits = this.m.effectiveLimits(a.id);
    return { accountId: a.id, equity, monthPeak: pk.peak, drawdownPct, dayStartEquity: dayStart, dailyPnlPct, stage: stageFor(drawdownPct, limits.maxDrawdownPct) };
  }

  /** The drawdown stage an account is in, persisted so a restart neither re-notifies nor re-reduces. */
  stageOf(accountId: number): StageRecord {
    let r = this.stages.get(accountId);
    if (!r) {
      r = this.m.settings.get<StageRecord>(`${STAGE_KEY}${accountId}`) ?? { stage: 'normal', since: 0, applied: true };
      this.stages.set(accountId, r);
    }
    return r;
  }

  private saveStage(accountId: number, r: StageRecord): void {
    this.stages.set(accountId, r);
    this.m.settings.set(`${STAGE_KEY}${accountId}`, r);
  }

  apply(a: Account, st: RiskState): void {
    let cur = this.stageOf(a.id);
    if (st.stage !== cur.stage) {
      // A new stage starts an episode: its reductions are keyed by when it began, so the same
      // episode never reduces twice (even across a crash) and a later episode reduces again.
      cur = { stage: st.stage, since: this.m.ctx.clock(), applied: st.stage !== 'reduced' && st.stage !== 'closed' };
      this.saveStage(a.id, cur);
      const limits = this.m.effectiveLimits(a.id);
      if (st.stage !== 'normal') {
        const what = st.stage === 'paused' ? 'new entries paused' : st.stage === 'reduced' ? 'new entries paused and every position halved' : 'every position closed';
        this.m.notify.notify({
          kind: 'risk',
          severity: st.stage === 'paused' ? 'warning' : 'error',
          title: `${a.name}: drawdown ${st.drawdownPct.toFixed(2)}% — ${what}`,
          body: `Equity ${D.roundTo(st.equity, '0.01')} is ${st.drawdownPct.toFixed(2)}% below this month's peak ${D.roundTo(st.monthPeak, '0.01')} (limit ${limits.maxDrawdownPct}%).`,
          refType: 'account',
          refId: String(a.id),
        });
      }
      this.m.publishStatus();
    }
    // Reductions are reduce-only: they run under the kill switch too (it never blocks the way out).
    if (cur.applied || this.reducing.has(a.id)) return;
    // Reductions not yet done (just entered, or interrupted by a crash): placed under the
    // episode's keys, so a retry returns the intents already made instead of reducing again.
    const episode = cur;
    const fraction = episode.stage === 'closed' ? 1 : 0.5;
    const action = episode.stage === 'closed' ? 'close' : 'halve';
    const attempt = episode.attempt ? `:${episode.attempt}` : '';
    this.reducing.add(a.id);
    void Promise.allSettled(
      this.m.positions.list(a.id).map((p) => this.closePosition(a, p.symbol, fraction, `risk:${a.id}:${episode.since}:${action}:${p.symbol}${attempt}`, 'risk')),
    ).then((results) => {
      this.reducing.delete(a.id);
      for (const r of results) if (r.status === 'rejected') console.error('[orders] risk reduction failed:', r.reason);
      if (!results.every((r) => r.status === 'fulfilled') || this.stageOf(a.id) !== episode) return;
      // Thrown while these were on their way: they were SKIPPED, so the next attempt (on release)
      // needs keys of its own.
      const held = results.some((r) => r.status === 'fulfilled' && r.value?.reasonCode === 'KILL_SWITCH');
      this.saveStage(a.id, held ? { ...episode, attempt: (episode.attempt ?? 0) + 1 } : { ...episode, applied: true });
    });
  }
}

function monthStart(ts: number): number {
  const d = new Date(ts);
  const m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return ts - m > MONTH_MS_GUARD ? ts : m;
}
