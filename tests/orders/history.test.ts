/** positions.history: closed round trips from the fills, exact decimals, newest first. */
import { describe, expect } from 'vitest';
import { parseInput, type CommandName, type OrderIntent, type RoundTrip } from '../../engine/api';
import { it, rig, type Rig } from './setup';

const call = <T>(r: Rig, name: string, input: Record<string, unknown>): Promise<T> =>
  r.call(name as CommandName, input) as Promise<T>;
const place = (r: Rig, input: Record<string, unknown>) => call<OrderIntent>(r, 'orders.place', input);
const T0 = Date.UTC(2025, 5, 15, 12, 0, 0);

describe('positions.history', () => {
  it('a long from buy to close: entry, exit, amount, P&L before and after fees, duration, signal', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.02', signalId: 7 });
    r.price('BTC/USDT', 60000); // fills at 60030 (5 bps slippage), fee 10 bps
    r.clock.now += 90 * 60_000;
    r.price('BTC/USDT', 61000);
    await call(r, 'positions.close', { symbol: 'BTC/USDT' });
    r.price('BTC/USDT', 61000); // fills at 60969.5
    expect(await call<RoundTrip[]>(r, 'positions.history', {})).toEqual([
      {
        accountId: 1,
        symbol: 'BTC/USDT',
        side: 'long',
        amount: '0.02',
        entryPrice: '60030',
        exitPrice: '60969.5',
        realizedPnl: '18.79',
        fees: '2.41999',
        netPnl: '16.37001',
        openedAt: T0,
        closedAt: T0 + 90 * 60_000,
        durationMs: 90 * 60_000,
        signalId: 7,
      },
    ]);
  });

  it('a flip closes one trip and opens the next with the rest (fee split by amount); filters and newest first', async ({ track }) => {
    const r = track(await rig());
    r.price('ETH/USDT', 3000);
    await place(r, { symbol: 'ETH/USDT', side: 'buy', amount: '0.01' });
    r.price('ETH/USDT', 3000); // long 0.01 at 3001.5
    r.clock.now += 60_000;
    await place(r, { symbol: 'ETH/USDT', side: 'sell', amount: '0.03' });
    r.price('ETH/USDT', 3000); // sells 0.03 at 2998.5: closes 0.01, opens a 0.02 short
    r.clock.now += 60_000;
    await place(r, { symbol: 'ETH/USDT', side: 'buy', amount: '0.02' });
    r.price('ETH/USDT', 2900); // buys back at 2901.45
    r.price('BTC/USDT', 60000); // a BTC position that stays open is no round trip
    await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.01' });
    r.price('BTC/USDT', 60000);
    const trips = await call<RoundTrip[]>(r, 'positions.history', { symbol: 'ETH/USDT' });
    expect(trips.map((t) => [t.side, t.amount, t.entryPrice, t.exitPrice, t.realizedPnl, t.fees, t.netPnl, t.durationMs])).toEqual([
      ['short', '0.02', '2998.5', '2901.45', '1.941', '0.117999', '1.823001', 60_000],
      ['long', '0.01', '3001.5', '2998.5', '-0.03', '0.06', '-0.09', 60_000],
    ]);
    expect(await call<RoundTrip[]>(r, 'positions.history', {})).toHaveLength(2);
    expect(await call<RoundTrip[]>(r, 'positions.history', { limit: 1 })).toHaveLength(1);
    expect(await call<RoundTrip[]>(r, 'positions.history', { since: T0 + 2 * 60_000 })).toHaveLength(1);
    expect(await call<RoundTrip[]>(r, 'positions.history', { symbol: 'BTC/USDT' })).toEqual([]);
  });

  it('bad input names the field; an unknown account is NOT_FOUND', async ({ track }) => {
    const r = track(await rig());
    expect(() => parseInput('positions.history', { limit: 0 })).toThrow(/limit/);
    await expect(call(r, 'positions.history', { account: 42 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
