/** The signals commands (channels, the feed, ack / snooze, pause, status, performance) over the module. */
import { ApiError } from '../api/errors';
import type { Channel, StrategyInfo } from '../api/commands/signals';
import type { ChannelData } from '../../db/repos/signals';
import type { Handlers } from '../core/context';
import { STRATEGY_IDS } from '../strategies/registry';
import { strategyInfo } from '../strategies/param-info';
import { DEFAULT_GATES } from './channels';
import type { SignalsModule } from './module';
import type { MarketReader, Planner } from './planner';
import type { SignalStatuses } from './signal-status';

/** What the handlers need of the module beyond its public face. */
export interface SignalsInternals {
  planner: Planner;
  market: MarketReader;
  statuses: SignalStatuses;
  now(): number;
  afterChannelChange(): void;
  setPaused(paused: boolean): void;
}

export function signalsHandlers(m: SignalsModule, x: SignalsInternals): Partial<Handlers> {
  const requireChannel = (id: number): Channel => {
    const c = m.channels.get(id);
    if (!c) throw new ApiError('NOT_FOUND', `Signal channel ${id} does not exist`, { id });
    return c;
  };
  return {
    'signals.channels.list': () => {
      const counts = new Map<number, Set<string>>();
      for (const s of x.planner.series.values()) for (const ev of s.evaluators) for (const c of ev.channels) (counts.get(c.id) ?? counts.set(c.id, new Set()).get(c.id)!).add(s.symbol);
      return m.channels.list().map((c) => ({ ...c, resolvedSymbols: counts.get(c.id)?.size ?? 0 }));
    },
    'signals.channels.create': ({ confirm, ...input }) => m.saveChannel(null, { ...input, gates: { ...DEFAULT_GATES, ...input.gates } }, confirm),
    'signals.channels.update': ({ id, gates, confirm, ...patch }) => {
      const cur = requireChannel(id);
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<ChannelData>;
      // A strategy listed without `paused` keeps the flag it had (clients that do not know it never resume by accident).
      if (defined.strategies) defined.strategies = defined.strategies.map((s) => (s.paused !== undefined ? s : { ...s, paused: cur.strategies.find((y) => y.id === s.id)?.paused }));
      const { id: _id, createdAt: _c, updatedAt: _u, resolvedSymbols: _r, ...base } = cur;
      return m.saveChannel(cur, { ...base, ...defined, gates: { ...cur.gates, ...gates } }, confirm);
    },
    'signals.channels.delete': ({ id }) => {
      requireChannel(id);
      const deleted = m.channels.delete(id, x.now());
      x.afterChannelChange();
      return { deleted };
    },
    'signals.strategies': (): StrategyInfo[] => STRATEGY_IDS.map(strategyInfo),
    'signals.list': (q) => m.signals.list(q, m.channels.names()),
    'signals.ack': (q) => x.statuses.changeMany('id' in q ? [q.id] : q.ids, 'acknowledged'),
    'signals.snooze': (q) => x.statuses.changeMany('id' in q ? [q.id] : q.ids, 'snoozed', x.now() + q.minutes * 60_000),
    'signals.pause': ({ paused }) => {
      x.setPaused(paused);
      return m.status();
    },
    'signals.status': () => m.status(),
    'signals.performance': (q) => m.performance(q),
  };
}
