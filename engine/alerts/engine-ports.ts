/** Builds the alerts module's ports from the engine's modules (the only place alerts meet them). */
import type { MarketModule } from '../market/module';
import type { OrdersModule } from '../orders/module';
import type { GoalsModule } from '../goals/module';
import type { SignalsModule } from '../signals/module';
import { STRATEGY_IDS } from '../strategies/registry';
import type { AlertsPorts } from './ports';

export function alertsPorts(p: { market: MarketModule; orders: OrdersModule; goals: GoalsModule; signals: SignalsModule; handle: MarketHandle }): AlertsPorts {
  const { market, orders, goals, signals } = p;
  return {
    sources: () => market.sources().map((s) => ({ id: s.id, kind: s.kind })),
    symbols: (source) => p.handle.symbols(source),
    clock: (source, symbol, timeframe) => signals.gateClock(source, symbol, timeframe).now,
    health: () => p.handle.health(),
    risk: (account) => {
      const a = orders.account(account);
      const st = orders.riskState(a);
      const v = orders.valuation(a);
      return {
        accountId: a.id,
        accountName: a.name,
        stage: st.stage,
        drawdownPct: st.drawdownPct,
        dailyPnlPct: st.dailyPnlPct,
        equity: Number(st.equity),
        positions: v.positions.map((x) => ({ symbol: x.symbol, notional: Math.abs(Number(x.qty)) * Number(orders.lastPrice(a.source, x.symbol) ?? x.avgEntry) })),
      };
    },
    accountExists: (id) => orders.accounts.get(id) !== undefined,
    goalExists: (id) => goals.repo.get(id) !== undefined,
    channelExists: (id) => signals.channels.get(id) !== undefined,
    strategies: () => STRATEGY_IDS,
    features: signals,
  };
}

/** The market commands the ports read (through the engine's handlers). */
export interface MarketHandle {
  symbols(source: string): Promise<string[]>;
  health(): Promise<import('../api/commands/market').SourceHealth[]>;
}
