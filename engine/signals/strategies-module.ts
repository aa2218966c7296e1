/**
 * The strategies commands (engine/api/commands/strategies.ts): the registry with the channels
 * using each strategy, live results beside the latest backtest and their ranking, pause /
 * resume and params of a strategy in a channel, and the live-autopilot promotion rule, which it
 * installs as the signals module's channel guard so every way of storing a channel obeys it.
 */
import { ApiError } from '../api/errors';
import type { Channel } from '../api/commands/signals';
import type { PromotionCheck, StrategyChannelRow, StrategyOverview, StrategyResults } from '../api/commands/strategies';
import type { ChannelData } from '../../db/repos/signals';
import { StrategyResultsRepo, type FinishedBacktest } from '../../db/repos/strategy-results';
import type { EngineContext, EngineModule, Handlers } from '../core/context';
import { STRATEGY_IDS, parseParams, strategyKey } from '../strategies/registry';
import { strategyInfo } from '../strategies/param-info';
import type { SignalsModule } from './module';
import { checkPromotion, enforcePromotion, newlyAutopiloted, type AutopilotAccount } from './promotion';
import { liveResults, matchBacktest, rankRows } from './strategy-results';

/** The simulated market's source id (SIM_SOURCE_ID in engine/market/module.ts, not imported: that pulls in ccxt). */
const SIM_SOURCE_ID = 'sim';

export class StrategiesModule implements EngineModule {
  readonly name = 'strategies';
  private readonly repo: StrategyResultsRepo;

  constructor(
    private readonly ctx: EngineContext,
    private readonly signals: SignalsModule,
    /** The account autopilot trades through (the order engine's default account); undefined without one. */
    private readonly autopilotAccount: () => AutopilotAccount | undefined = () => undefined,
  ) {
    this.repo = new StrategyResultsRepo(ctx.db);
    signals.setChannelGuard((before, after, confirm) => this.guard(before, after, confirm));
  }

  // ───────────────────────────── promotion ─────────────────────────────

  /** Outcomes and expectancy of every (channel, strategy key), read once per check. */
  private outcomeStats(): (channelId: number, key: string) => { outcomes: number; expectancyPct: number | null } {
    const sums = new Map(this.repo.outcomeSums().map((o) => [`${o.channelId}|${o.strategyKey}`, o]));
    return (channelId, key) => {
      const live = liveResults(sums.get(`${channelId}|${key}`), undefined, 0);
      return { outcomes: live.outcomes, expectancyPct: live.expectancyPct };
    };
  }

  private account(): AutopilotAccount | undefined {
    try {
      return this.autopilotAccount();
    } catch {
      return undefined;
    }
  }

  promotion(ch: Channel | (ChannelData & { id?: number }), candidates?: Channel['strategies']): PromotionCheck {
    return checkPromotion(ch, this.account(), this.outcomeStats(), candidates);
  }

  /** Refuses a channel change that starts autopilot trading on a live account for unproven strategies. */
  private guard(before: Channel | null, after: ChannelData, confirm: string | undefined): void {
    const fresh = newlyAutopiloted(before, after);
    if (!fresh.length) return;
    enforcePromotion(this.promotion({ ...after, id: before?.id }, fresh), confirm);
  }

  /**
   * Making a live account the default makes it the account every autopilot channel trades: each
   * such channel's trading strategies must pass the rule, or the user typed the confirmation.
   */
  guardLiveDefault(a: AutopilotAccount, confirm: string | undefined): void {
    if (a.kind !== 'live') return;
    const stats = this.outcomeStats();
    const account = { id: a.id, name: a.name, kind: a.kind };
    for (const ch of this.signals.channels.list()) {
      if (ch.autopilot) enforcePromotion(checkPromotion(ch, account, stats, ch.strategies.filter((s) => !s.paused)), confirm);
    }
  }

  // ───────────────────────────── results ─────────────────────────────

  results(q: { rankBy?: StrategyResults['rankBy']; strategy?: string; channel?: number }): StrategyResults {
    const rankBy = q.rankBy ?? 'expectancyPct';
    const sums = new Map(this.repo.outcomeSums().map((o) => [`${o.channelId}|${o.strategyKey}`, o]));
    const counts = new Map(this.repo.signalCounts().map((c) => [`${c.channelId}|${c.strategyKey}`, c]));
    const runs = new Map<string, FinishedBacktest[]>();
    // Market time: the sim's clock for the simulated market, wall time for the others.
    const nowOf = (source: string): number => (source === SIM_SOURCE_ID ? this.ctx.clock() : Date.now());
    const rows: Array<Omit<StrategyChannelRow, 'rank'>> = [];
    for (const ch of this.signals.channels.list()) {
      if (q.channel !== undefined && ch.id !== q.channel) continue;
      ch.strategies.forEach((s, index) => {
        if (q.strategy !== undefined && s.id !== q.strategy) return;
        const k = `${ch.id}|${strategyKey(s.id, s.params)}`;
        let list = runs.get(s.id);
        if (!list) runs.set(s.id, (list = this.repo.backtests(s.id)));
        rows.push({
          channelId: ch.id,
          channelName: ch.name,
          channelEnabled: ch.enabled,
          autopilot: ch.autopilot,
          strategy: s.id,
          index,
          params: s.params,
          paused: s.paused === true,
          symbols: ch.symbols,
          timeframe: ch.timeframe,
          live: liveResults(sums.get(k), counts.get(k), nowOf(ch.symbols.source)),
          backtest: matchBacktest(ch, s, list),
        });
      });
    }
    return { rankBy, rows: rankRows(rows, rankBy) };
  }

  overview(): StrategyOverview[] {
    const channels = this.signals.channels.list();
    return STRATEGY_IDS.map((id) => ({
      ...strategyInfo(id),
      channels: channels.flatMap((c) =>
        c.strategies.flatMap((s, index) => (s.id === id ? [{ channelId: c.id, channelName: c.name, index, params: s.params, paused: s.paused === true, autopilot: c.autopilot }] : [])),
      ),
    }));
  }

  // ───────────────────────────── changes ─────────────────────────────

  private find(channel: number, strategy: string): { ch: Channel; at: number[] } {
    const ch = this.signals.channels.get(channel);
    if (!ch) throw new ApiError('NOT_FOUND', `Signal channel ${channel} does not exist`, { field: 'channel', channel });
    const at = ch.strategies.flatMap((s, i) => (s.id === strategy ? [i] : []));
    if (!at.length) throw new ApiError('NOT_FOUND', `Channel ${ch.name} has no strategy ${strategy} (it has ${ch.strategies.map((s) => s.id).join(', ')})`, { field: 'strategy', channel, strategy });
    return { ch, at };
  }

  /** Stores the channel with its strategies changed at `at` (every entry of that strategy id). */
  private change(ch: Channel, at: number[], f: (s: Channel['strategies'][number]) => Channel['strategies'][number], confirm?: string): Promise<Channel> {
    const { id: _id, createdAt: _c, updatedAt: _u, resolvedSymbols: _r, ...base } = ch;
    return this.signals.saveChannel(ch, { ...base, strategies: ch.strategies.map((s, i) => (at.includes(i) ? f(s) : s)) }, confirm);
  }

  readonly handlers: Partial<Handlers> = {
    'strategies.list': () => this.overview(),
    'strategies.results': (q) => this.results(q),
    'strategies.pause': ({ channel, strategy }) => {
      const { ch, at } = this.find(channel, strategy);
      return this.change(ch, at, (s) => ({ ...s, paused: true }));
    },
    'strategies.resume': ({ channel, strategy, confirm }) => {
      const { ch, at } = this.find(channel, strategy);
      return this.change(ch, at, ({ paused: _p, ...s }) => s, confirm);
    },
    'strategies.setParams': ({ channel, strategy, params, confirm }) => {
      const { ch, at } = this.find(channel, strategy);
      let parsed: Record<string, unknown>;
      try {
        parsed = parseParams(strategy, params);
      } catch (e) {
        if (e instanceof ApiError) throw new ApiError('BAD_INPUT', e.message, { field: 'params', ...(e.details as object) });
        throw e;
      }
      return this.change(ch, at, (s) => ({ ...s, params: parsed }), confirm);
    },
    'strategies.promotion': ({ channel }) => {
      const ch = this.signals.channels.get(channel);
      if (!ch) throw new ApiError('NOT_FOUND', `Signal channel ${channel} does not exist`, { field: 'channel', channel });
      return this.promotion(ch);
    },
  };
}
