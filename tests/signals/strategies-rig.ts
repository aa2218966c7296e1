/**
 * The strategies commands on the in-process signals rig (real SQLite, real Bus): a
 * StrategiesModule over the rig's SignalsModule, and tracked outcomes stored through the real
 * repositories (a signal row and its outcome row each), so results and the promotion rule read
 * what the outcome tracker would have written.
 */
import type { EngineContext } from '../../engine/core/context';
import { StrategiesModule } from '../../engine/signals/strategies-module';
import type { AutopilotAccount } from '../../engine/signals/promotion';
import { parseParams, strategyKey } from '../../engine/strategies/registry';
import { contractCall, type RigCall } from '../helpers/rig';
import { MIN, T0, sigRig, type SigRig } from './setup';

export interface StratRig extends SigRig {
  strategies: StrategiesModule;
  account: { current: AutopilotAccount | undefined };
  /**
   * A contract command through its schema, answered by the strategies, signals or delivery module
   * (the strategies module the rig has at the time of the call: a test may wire its own).
   */
  call: RigCall;
  /** Stores one delivered signal per profit (in %) with its finished outcome; returns the next free bar index. */
  outcomes(channelId: number, strategy: string, params: Record<string, unknown>, profits: number[], from?: number): number;
}

export async function stratRig(): Promise<StratRig> {
  const r = await sigRig();
  const account: StratRig['account'] = { current: { id: 1, name: 'Paper', kind: 'paper' } };
  const ctx = { db: r.db, bus: r.bus, opts: { dataDir: r.dataDir } as never, clock: () => r.clock.now } as EngineContext;
  const strategies = new StrategiesModule(ctx, r.signals, () => account.current);
  const rr: StratRig = Object.assign(r, {
    strategies,
    account,
    call: ((name, input) => contractCall('signals', rr.strategies.handlers, r.signals.handlers, r.delivery.handlers)(name, input)) as RigCall,
    outcomes(channelId: number, strategy: string, params: Record<string, unknown>, profits: number[], from = 0): number {
      const p = parseParams(strategy, params);
      profits.forEach((pct, k) => {
        const barTime = T0 + (from + k) * MIN;
        const id = r.signals.signals.insert({
          channelId,
          autopilot: false,
          source: 'sim',
          symbol: 'AAA/USDT',
          timeframe: '1m',
          strategy,
          strategyKey: strategyKey(strategy, p),
          barTime,
          side: 'buy',
          entry: 100,
          stopLoss: 99,
          takeProfit: 102,
          confidence: 0.7,
          reasons: ['seeded'],
          status: 'delivered',
          rejectReason: null,
          rejectDetail: null,
          createdAt: barTime + MIN,
        });
        if (id === null) throw new Error(`duplicate seeded signal at bar ${from + k}`);
        r.signals.outcomes.insert(id, channelId, strategy, { result: pct > 0 ? 'win' : 'loss', exitPrice: 100 * (1 + pct / 100), profitPct: pct, bars: 3, timeToOutcomeMs: 3 * MIN, closedAt: barTime + 4 * MIN });
      });
      return from + profits.length;
    },
  });
  return rr;
}
