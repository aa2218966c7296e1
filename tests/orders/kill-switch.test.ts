/**
 * The kill switch stops new risk, never the way out: entries and anything adding exposure are
 * refused; manual closes, stop / target legs, drawdown reductions and "flatten all" run, and say so.
 */
import { describe, expect } from 'vitest';
import type { CommandName, OrderIntent } from '../../engine/api';
import { it, rig, type Rig } from './setup';

const call = <T>(r: Rig, name: string, input: Record<string, unknown>): Promise<T> =>
  r.call(name as CommandName, input) as Promise<T>;
const place = (r: Rig, input: Record<string, unknown>) => call<OrderIntent>(r, 'orders.place', input);
const qty = async (r: Rig, symbol: string) => (await call<Array<{ symbol: string; qty: string }>>(r, 'positions.list', {})).find((p) => p.symbol === symbol)?.qty ?? '0';
/** Waits until the engine has decided every intent (the drawdown reductions run on their own). */
async function decided(r: Rig, n: number): Promise<OrderIntent[]> {
  for (;;) {
    const all = r.orders.intents.list({});
    if (all.length >= n && all.every((i) => i.decision !== null)) return all;
    await new Promise((res) => setImmediate(res));
  }
}

describe('kill switch: the way out stays open', () => {
  it('refuses an entry, in words that say so', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await r.orders.setKillSwitch(true, 'bad day', false);
    const i = await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.01' });
    expect(i).toMatchObject({ decision: 'SKIPPED', reasonCode: 'KILL_SWITCH' });
    expect(i.reasonMessage).toBe('kill switch is on: bad day');
  });

  it('closes a position by hand (positions.close) while the switch is on, and says it was allowed as reduce-only', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.02' });
    r.price('BTC/USDT', 60000);
    expect(await qty(r, 'BTC/USDT')).toBe('0.02');
    await r.orders.setKillSwitch(true, 'bad day', true);
    const close = await call<OrderIntent>(r, 'positions.close', { symbol: 'BTC/USDT' });
    expect(close).toMatchObject({ decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED' });
    expect(close.reasonMessage).toContain('reduce-only, allowed while the kill switch is on');
    r.price('BTC/USDT', 60100);
    expect(await qty(r, 'BTC/USDT')).toBe('0');
  });

  it('keeps stop and target legs when open orders are cancelled, and the stop still fires', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.02', stopLoss: '59000', takeProfit: '62000' });
    r.price('BTC/USDT', 60000);
    const entry = await place(r, { symbol: 'ETH/USDT', side: 'buy', type: 'limit', price: '1000', amount: '1' });
    const ks = await call<{ canceled: number }>(r, 'system.killSwitch', { on: true, reason: 'bad day', cancelOpen: true });
    expect(ks.canceled).toBe(1);
    expect(r.orders.orders.get(entry.orderId!)!.status).toBe('canceled');
    const legs = r.orders.orders.list({ status: 'open' });
    expect(legs.map((o) => o.role).sort()).toEqual(['stop', 'target']);
    r.price('BTC/USDT', 58900);
    expect(await qty(r, 'BTC/USDT')).toBe('0');
  });

  it('refuses a reduce-only order that would add exposure', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await r.orders.setKillSwitch(true, undefined, false);
    const i = await place(r, { symbol: 'BTC/USDT', side: 'sell', amount: '0.01', reduceOnly: true });
    expect(i).toMatchObject({ decision: 'SKIPPED' });
    expect(await qty(r, 'BTC/USDT')).toBe('0');
  });

  it('positions.closeAll flattens every position of the account in one step, under the switch', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    r.price('ETH/USDT', 3000);
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.02' });
    await place(r, { symbol: 'ETH/USDT', side: 'sell', amount: '0.5' });
    r.price('BTC/USDT', 60000);
    r.price('ETH/USDT', 3000);
    expect([await qty(r, 'BTC/USDT'), await qty(r, 'ETH/USDT')]).toEqual(['0.02', '-0.5']);
    await r.orders.setKillSwitch(true, 'flatten', false);
    const res = await call<{ intents: OrderIntent[] }>(r, 'positions.closeAll', {});
    expect(res.intents.map((i) => [i.symbol, i.side, i.decision]).sort()).toEqual([
      ['BTC/USDT', 'sell', 'EXECUTED'],
      ['ETH/USDT', 'buy', 'EXECUTED'],
    ]);
    r.price('BTC/USDT', 60000);
    r.price('ETH/USDT', 3000);
    expect(await call<unknown[]>(r, 'positions.list', {})).toEqual([]);
    expect(await call<{ intents: OrderIntent[] }>(r, 'positions.closeAll', {})).toEqual({ intents: [] });
  });

  it('positions.closeAll names an unknown account as a structured error and changes nothing', async ({ track }) => {
    const r = track(await rig());
    await expect(call(r, 'positions.closeAll', { account: 99 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('drawdown reductions run while the switch is on', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await call(r, 'risk.update', { limits: { maxPositionNotional: '100000', maxSymbolExposurePct: 1000, dailyLossLimitPct: 100, maxDrawdownPct: 2 } });
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.15' });
    r.price('BTC/USDT', 60000);
    expect(r.orders.snapshot(r.orders.account()).stage).toBe('normal');
    await r.orders.setKillSwitch(true, 'test', false);
    r.clock.now += 86_400_000;
    r.price('BTC/USDT', 57900); // ≈ −3.2 %: halve
    expect(r.orders.snapshot(r.orders.account()).stage).toBe('reduced');
    const all = await decided(r, 2);
    expect(all.filter((i) => i.origin === 'risk').map((i) => i.decision)).toEqual(['EXECUTED']);
    r.price('BTC/USDT', 57900);
    expect(await qty(r, 'BTC/USDT')).toBe('0.075');
  });
});
