/** In-process order engine on a real SQLite file, driven by candle events on a real Bus. */
import path from 'node:path';
import { openDatabase, type Database } from '../../db/database';
import { Bus } from '../../engine/core/context';
import { NotifyModule } from '../../engine/notify/module';
import { OrdersModule, type OrdersOptions } from '../../engine/orders/module';
import type { EngineOptions } from '../../engine/core/context';
import type { CommandName, CommandResult, Events, EventTopic } from '../../engine/api';
import { contractCall, rigTest } from '../helpers/rig';

/** `it` with the `track` fixture: rigs passed through track() are closed after the test. */
export const it = rigTest;
import { tempDir } from '../helpers/serve';

export interface Rig {
  db: Database;
  bus: Bus;
  notify: NotifyModule;
  orders: OrdersModule;
  dataDir: string;
  events: Array<{ topic: EventTopic; payload: unknown }>;
  clock: { now: number };
  price(symbol: string, close: number, source?: string): void;
  /**
   * Calls a contract command the way a transport does: the raw input is parsed through the
   * command's schema (bad input rejects with BAD_INPUT), then the order engine's handler answers.
   */
  call<N extends CommandName>(name: N, input?: unknown): Promise<CommandResult<N>>;
  /**
   * Resolves once the engine has finished what it started: no drawdown reduction on its way, no
   * intent in flight, every intent decided. Work starts synchronously (an autopilot signal or a
   * stage change inserts or marks it at once), so a check after this sees anything that happened.
   */
  settled(): Promise<void>;
  restart(opts?: Partial<OrdersOptions>): Promise<Rig>;
  /** Stops the modules and closes the database (a second call does nothing). */
  close(): void;
  stop(): void;
}

/**
 * `existingAccount` (the default): the seeded paper account is made an account from before the
 * careful new-account defaults (no stored limits, so the engine's DEFAULT_LIMITS apply), which is
 * what the tests of fills, gates and signals are written against. Pass false to keep what a fresh
 * install gets.
 */
export async function rig(opts: Partial<OrdersOptions> & { existingAccount?: boolean } = {}, dataDir = tempDir('sd-orders-'), clock = { now: Date.UTC(2025, 5, 15, 12, 0, 0) }): Promise<Rig> {
  const db = openDatabase(path.join(dataDir, 'signaldesk.db'));
  const events: Rig['events'] = [];
  const bus = new Bus((topic, payload) => events.push({ topic, payload }));
  const engineOpts = { dataDir, mode: 'embedded', version: 'test' } as EngineOptions;
  const ctx = { db, bus, opts: engineOpts, clock: () => clock.now };
  const notify = new NotifyModule(ctx, { windowMs: 1000, burstLimit: 1000 });
  const fresh = db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number };
  const orders = new OrdersModule(ctx, notify, { pollMs: 60_000, retryBaseMs: 20, ...opts });
  if (fresh.n === 0 && opts.existingAccount !== false) db.prepare("UPDATE accounts SET risk = '{}'").run();
  orders.start();
  await orders.ready;
  let stopped = false;
  const r: Rig = {
    stop: () => r.close(),
    db,
    bus,
    notify,
    orders,
    dataDir,
    events,
    clock,
    price(symbol, close, source = 'sim') {
      const e: Events['candle.updated'] = { source, symbol, timeframe: '1m', candle: [clock.now - (clock.now % 60_000), close, close, close, close, 1] };
      bus.publish('candle.updated', e);
    },
    call: contractCall('order', orders.handlers),
    async settled() {
      const busy = () => orders.drawdown.reducingNow || orders.inflight.size > 0 || orders.intents.list({}).some((i) => i.decision === null);
      while (busy()) await new Promise((res) => setImmediate(res));
    },
    async restart(o = {}) {
      r.close();
      return rig({ ...opts, ...o }, dataDir, clock);
    },
    close() {
      if (stopped) return;
      stopped = true;
      orders.stop();
      notify.stop();
      db.close();
    },
  };
  return r;
}
