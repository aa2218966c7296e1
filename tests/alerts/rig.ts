/**
 * Alerts on the real signals pipeline: a real SQLite file, the real Bus, NotifyModule,
 * SignalsModule (its feature engines) and AlertsModule. Prices and bars come in as the
 * market publishes them (candle.updated / candle.closed); health comes from a list the test sets.
 */
import { sigRig, type SigRig, T0, MIN } from '../signals/setup';
import { AlertsModule, type AlertsOptions, type AlertsPorts } from '../../engine/alerts';
import type { Alert, AlertRuleInput, SourceHealth } from '../../engine/api';
import type { EngineContext } from '../../engine/core/context';
import { contractCall, type RigCall } from '../helpers/rig';

export { T0, MIN };

export interface AlertRig {
  s: SigRig;
  alerts: AlertsModule;
  health: SourceHealth[];
  wall: { now: number };
  /** A contract command through its schema, answered by the alerts, signals or delivery module. */
  call: RigCall;
  create(input: AlertRuleInput): Promise<number>;
  /** A live price of the forming 1m bar (candle.updated) at `at` ms of source time. */
  price(symbol: string, price: number, at?: number): void;
  fired(): Alert[];
  restart(): Promise<AlertRig>;
  stop(): void;
}

export async function alertRig(prev?: { s: SigRig; wall: { now: number } }, opts: Partial<AlertsOptions> = {}): Promise<AlertRig> {
  const s = prev ? await prev.s.restart() : await sigRig();
  const wall = prev?.wall ?? { now: Date.UTC(2026, 0, 1) };
  const health: SourceHealth[] = [];
  const ctx: EngineContext = { db: s.db, bus: s.bus, opts: { dataDir: s.dataDir } as EngineContext['opts'], clock: () => s.clock.now };
  const ports: AlertsPorts = {
    sources: () => [{ id: 'sim', kind: 'sim' }],
    symbols: (source) => (source === 'sim' ? ['AAA/USDT', 'BBB/USDT', 'CCC/USDT'] : []),
    clock: () => s.clock.now,
    health: () => health,
    risk: () => {
      throw new Error('no order book in this rig');
    },
    accountExists: () => false,
    goalExists: (id) => id === 1,
    channelExists: (id) => s.signals.channels.get(id) !== undefined,
    strategies: () => ['ema_cross', 'breakout'],
    features: s.signals,
  };
  const alerts = new AlertsModule(ctx, s.notify, ports, { timerMs: 3_600_000, wallNow: () => wall.now, ...opts });
  alerts.start();
  await s.signals.rebuild();
  let stopped = false;
  const r: AlertRig = {
    s,
    alerts,
    health,
    wall,
    call: contractCall('alerts', alerts.handlers, s.signals.handlers, s.delivery.handlers),
    async create(input) {
      const rule = await r.call('alerts.rules.create', input);
      await s.signals.ready();
      return rule.id;
    },
    price(symbol, price, at = s.clock.now) {
      s.clock.now = at;
      const open = at - (at % MIN);
      s.bus.publish('candle.updated', { source: 'sim', symbol, timeframe: '1m', candle: [open, price, price, price, price, 1] });
    },
    fired: () => s.events.filter((e) => e.topic === 'alert.fired').map((e) => e.payload as Alert),
    async restart() {
      stopped = true;
      alerts.stop();
      return alertRig({ s, wall }, opts);
    },
    /** Stops the alerts and the signals rig (a second call, or one after restart(), does nothing). */
    stop() {
      if (stopped) return;
      stopped = true;
      alerts.stop();
      s.stop();
    },
  };
  return r;
}
