/** The paper matcher is a pure function: one open order, one price, one answer. */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../engine/api';
import { matchOrder } from '../../engine/orders/paper-matcher';

const acct = { kind: 'paper' as const, slippageBps: 5, makerFeeBps: 8, takerFeeBps: 10 };
const order = (o: Partial<Order>): Order => ({
  id: 1, intentId: 1, accountId: 1, clientOrderId: 'c', exchangeOrderId: null, symbol: 'BTC/USDT', side: 'buy', type: 'limit', role: 'entry',
  amount: '0.1', price: '100', stopPrice: null, status: 'open', triggered: false, filled: '0', avgPrice: null, fee: '0', ocoGroup: null, createdAt: 0, updatedAt: 0, ...o,
});

describe('paper matcher', () => {
  it('leaves a buy limit resting above the price… until price crosses, then fills at the limit as maker', () => {
    expect(matchOrder(order({}), acct, '100.5', '0')).toEqual({ kind: 'none' });
    expect(matchOrder(order({}), acct, '99', '0')).toEqual({ kind: 'fill', amount: '0.1', price: '99', fee: '0.00792', maker: true });
  });
  it('fills a market sell at the price minus slippage, taker fee', () => {
    expect(matchOrder(order({ type: 'market', side: 'sell', price: null }), acct, '200', '0')).toEqual({ kind: 'fill', amount: '0.1', price: '199.9', fee: '0.01999', maker: false });
  });
  it('turns a triggered stop-limit into a resting limit', () => {
    expect(matchOrder(order({ type: 'stop_limit', side: 'sell', stopPrice: '95', price: '94' }), acct, '94.5', '0')).toEqual({ kind: 'triggered', then: { kind: 'fill', amount: '0.1', price: '94.5', fee: '0.00756', maker: true } });
  });
  it('cancels an exit leg when there is no position left to reduce, and shrinks it to the position', () => {
    const stop = order({ type: 'stop', role: 'stop', side: 'sell', price: null, stopPrice: '95', amount: '1' });
    expect(matchOrder(stop, acct, '90', '0')).toEqual({ kind: 'cancel' });
    expect(matchOrder(stop, acct, '90', '0.4')).toMatchObject({ kind: 'fill', amount: '0.4' });
  });
  it('on a live account matches only engine-managed legs, and leaves the sending to the engine', () => {
    const live = { ...acct, kind: 'live' as const };
    expect(matchOrder(order({}), live, '50', '0')).toEqual({ kind: 'none' });
    expect(matchOrder(order({ role: 'target', side: 'sell', price: '110' }), live, '111', '0.1')).toEqual({ kind: 'live-leg', amount: '0.1' });
  });
});
