/**
 * The delivery rig: the real signals pipeline (tests/signals/setup.ts) with the real delivery
 * and order modules on one real SQLite file, a `call` that goes through the contract's schemas
 * like a transport does, and a wall clock that tests move forward (`advance`) instead of waiting.
 */
import type { CommandInput, CommandName, CommandResult } from '../../engine/api';
import { OrdersModule } from '../../engine/orders/module';
import { contractCall, moduleCall } from '../helpers/rig';
import { sigRig, vPath, type SigRig } from '../signals/setup';

export const PATH = vPath(60, 30);
export const CROSS = 71;
export const TOKEN = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz';

export interface DeliveryRig {
  r: SigRig;
  orders: OrdersModule;
  skew: { ms: number };
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>>;
  /** Moves the delivery clock forward and runs the retries now due. */
  advance(ms: number): Promise<void>;
  /** Stores history and closes bars until ema_cross gives one buy signal on AAA/USDT; returns its id. */
  signal(channel: number): Promise<number>;
  restart(): Promise<DeliveryRig>;
  stop(): void;
}

export async function waitFor<T>(what: string, f: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function deliveryRig(existing?: { dataDir: string; skew: { ms: number } }): Promise<DeliveryRig> {
  const skew = existing?.skew ?? { ms: 0 };
  const r = await sigRig(existing?.dataDir, undefined, {
    delivery: { now: () => Date.now() + skew.ms, tickMs: 0, telegram: { pollTimeoutSec: 1, minIntervalMs: 5, backoffBaseMs: 50, backoffMaxMs: 400 } },
  });
  const orders = new OrdersModule({ db: r.db, bus: r.bus, opts: { dataDir: r.dataDir } as never, clock: () => r.clock.now }, r.notify, { pollMs: 60_000, retryBaseMs: 20 });
  orders.start();
  await orders.ready;
  // Later modules win, as the spread of their handlers did: delivery, orders, signals, notify.
  const modules = [r.delivery.handlers, orders.handlers, r.signals.handlers, r.notify.handlers];
  // The delivery module calls other commands with parsed input, as the engine wires it (Engine.handle).
  r.delivery.setCaller(moduleCall('delivery', ...modules));
  const rig: DeliveryRig = {
    r,
    orders,
    skew,
    call: contractCall('delivery', ...modules),
    async advance(ms) {
      skew.ms += ms;
      r.delivery.dispatcher.runDue();
      await r.delivery.dispatcher.drained();
    },
    async signal(channel) {
      for (let i = 60; i <= CROSS; i++) r.close('AAA/USDT', i, PATH[i]!);
      const s = r.list().find((x) => x.channelId === channel && x.status !== 'rejected');
      if (!s) throw new Error('no signal');
      return s.id;
    },
    async restart() {
      rig.stop();
      return deliveryRig({ dataDir: r.dataDir, skew });
    },
    stop() {
      orders.stop();
      r.stop();
    },
  };
  r.store('AAA/USDT', PATH.slice(0, 60));
  return rig;
}

export async function channel(rig: DeliveryRig, delivery: string[]): Promise<number> {
  return rig.r.createChannel({ name: 'Deliver', strategies: [{ id: 'ema_cross', params: {} }], delivery: delivery as never });
}
