/** An autopilot channel's signal becomes exactly one order intent in the real order engine. */
import { describe, expect } from 'vitest';
import { OrdersModule } from '../../engine/orders/module';
import { contractCall, type RigCall, type Track } from '../helpers/rig';
import { it, sigRig, vPath, type SigRig } from './setup';

const PATH = vPath(60, 30);
const CROSS = 71;

async function withOrders(track: Track): Promise<{ r: SigRig; orders: OrdersModule; call: RigCall }> {
  const r = await sigRig();
  const orders = new OrdersModule({ db: r.db, bus: r.bus, opts: { dataDir: r.dataDir } as never, clock: () => r.clock.now }, r.notify, { pollMs: 60_000, retryBaseMs: 20 });
  orders.start();
  await orders.ready;
  track(r);
  track(orders);
  return { r, orders, call: contractCall('order', orders.handlers) };
}

async function settle(call: RigCall, n: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const intents = await call('orders.intents', { limit: 50 });
    if (intents.length >= n && intents.every((x) => x.decision !== null)) return;
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe('autopilot bridge', () => {
  it('creates exactly one intent per autopilot signal, even when signal.created is delivered twice; invariants hold', async ({ track }) => {
    const { r, call } = await withOrders(track);
    r.store('AAA/USDT', PATH.slice(0, 60));
    const auto = await r.createChannel({ name: 'Auto', strategies: [{ id: 'ema_cross', params: {} }], autopilot: true });
    const manual = await r.createChannel({ name: 'Manual', strategies: [{ id: 'ema_cross', params: {} }] });
    for (let i = 60; i <= CROSS; i++) r.close('AAA/USDT', i, PATH[i]!);
    const sigs = r.list();
    expect(sigs.map((s) => [s.channelId, s.autopilot, s.status])).toEqual([
      [auto, true, 'delivered'],
      [manual, false, 'delivered'],
    ]);
    await settle(call, 1);
    // a duplicate delivery of the same event must not place a second order
    r.bus.publish('signal.created', sigs[0]!);
    await new Promise((res) => setTimeout(res, 100));
    await settle(call, 1);
    const intents = await call('orders.intents', { limit: 50 });
    expect(intents.filter((i) => i.signalId === sigs[0]!.id)).toHaveLength(1);
    expect(intents.filter((i) => i.signalId === sigs[1]!.id)).toHaveLength(0);
    expect(intents[0]).toMatchObject({ origin: 'autopilot', symbol: 'AAA/USDT', side: 'buy' });
    expect(intents[0]!.decision).not.toBeNull();
    const inv = await call('diagnostics.invariants', { hours: 24 });
    expect(inv.violations).toEqual([]);
    expect(inv.counts.signals).toBe(2);
  });

  it('signals.execute (the bridge for the manual channel) marks the signal executed', async ({ track }) => {
    const { r, call } = await withOrders(track);
    r.store('AAA/USDT', PATH.slice(0, 60));
    await r.createChannel({ strategies: [{ id: 'ema_cross', params: {} }] });
    for (let i = 60; i <= CROSS; i++) r.close('AAA/USDT', i, PATH[i]!);
    const s = r.list()[0]!;
    const ex = await call('signals.execute', { id: s.id });
    expect(ex.intent?.decision).toBe('EXECUTED');
    expect(r.signals.signals.get(s.id)!.status).toBe('executed');
    expect((await call('diagnostics.invariants', { hours: 24 })).violations).toEqual([]);
  });
});
