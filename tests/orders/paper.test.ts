import { describe, expect } from 'vitest';
import { D } from '../../engine/orders/decimal';
import { it, rig, type Rig } from './setup';

const place = (r: Rig, input: Record<string, unknown>) => r.call('orders.place', input) as Promise<any>;

describe('decimal arithmetic', () => {
  it('is exact where floats drift', () => {
    expect(D.add('0.1', '0.2')).toBe('0.3');
    let sum = '0';
    let f = 0;
    for (let i = 0; i < 1000; i++) {
      sum = D.add(sum, '0.001');
      f += 0.001;
    }
    expect(sum).toBe('1');
    expect(f).not.toBe(1);
    expect(D.mul('60000.1', '0.05')).toBe('3000.005');
    expect(D.div('1', '3', 8)).toBe('0.33333333');
    expect(D.floorTo('0.123456789', '0.00001')).toBe('0.12345');
    expect(D.roundTo('61234.56', '0.1')).toBe('61234.6');
    expect(D.of(1e-7)).toBe('0.0000001');
    expect(D.sub('-1.5', '2.25')).toBe('-3.75');
  });
});

describe('paper broker', () => {
  it('starts with a default paper account of 10,000 USDT', async ({ track }) => {
    const r = track(await rig());
    const accts = await r.call('accounts.list', {});
    expect(accts).toHaveLength(1);
    expect(accts[0]).toMatchObject({ kind: 'paper', cash: '10000', quoteCurrency: 'USDT', isDefault: true, liveEnabled: false });
  });

  it('fills a market order at the next price plus slippage, with the taker fee, and books the position exactly', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    const i = await place(r, { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.05', idempotencyKey: 'm1' });
    expect(i).toMatchObject({ decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED', amount: '0.05' });
    expect(r.orders.orders.get(i.orderId)!.status).toBe('open');
    r.price('BTC/USDT', 60100); // the next price
    const o = r.orders.orders.get(i.orderId)!;
    // 60100 × (1 + 5 bps) = 60130.05 → tick 0.1 → 60130.1 (round half away from zero)
    expect(o).toMatchObject({ status: 'filled', filled: '0.05', avgPrice: '60130.1' });
    // fee 0.05 × 60130.1 × 10 bps = 3.006505
    expect(o.fee).toBe('3.006505');
    const acct = r.orders.account();
    expect(acct.cash).toBe('6990.488495'); // 10000 − 3006.505 notional − 3.006505 fee
    const [pos] = await r.call('positions.list', {});
    expect(pos).toMatchObject({ symbol: 'BTC/USDT', qty: '0.05', avgEntry: '60130.1', markPrice: '60100' });
    expect(pos!.unrealizedPnl).toBe('-1.505');
    // Close: realized P&L exact.
    const c = await r.call('positions.close', { symbol: 'BTC/USDT' });
    expect(c).toMatchObject({ decision: 'EXECUTED' });
    r.price('BTC/USDT', 61000);
    const fills = await r.call('orders.fills', {});
    expect(fills[0]).toMatchObject({ side: 'sell', amount: '0.05', price: '60969.5' }); // 61000 × (1 − 5 bps)
    expect(fills[0]!.realizedPnl).toBe('41.97'); // (60969.5 − 60130.1) × 0.05
    expect(await r.call('positions.list', {})).toEqual([]);
  });

  it('fills limit orders only when price crosses, at the limit (maker fee); stops trigger; stop-limits become limits', async ({ track }) => {
    const r = track(await rig());
    r.price('ETH/USDT', 3000);
    const lim = await place(r, { symbol: 'ETH/USDT', side: 'buy', type: 'limit', amount: '1', price: '2990' });
    const stop = await place(r, { symbol: 'ETH/USDT', side: 'buy', type: 'stop', amount: '0.5', stopPrice: '3050' });
    const sl = await place(r, { symbol: 'ETH/USDT', side: 'buy', type: 'stop_limit', amount: '0.25', stopPrice: '3100', price: '3090' });
    r.price('ETH/USDT', 2995);
    expect(r.orders.orders.get(lim.orderId)!.status).toBe('open');
    r.price('ETH/USDT', 2980);
    const l = r.orders.orders.get(lim.orderId)!;
    expect(l).toMatchObject({ status: 'filled', avgPrice: '2980', fee: '2.384' }); // 2980 × 8 bps
    r.price('ETH/USDT', 3049.99);
    expect(r.orders.orders.get(stop.orderId)!.status).toBe('open');
    r.price('ETH/USDT', 3060);
    expect(r.orders.orders.get(stop.orderId)).toMatchObject({ status: 'filled', avgPrice: '3061.53' });
    r.price('ETH/USDT', 3100); // triggers; limit 3090 not reachable at 3100 for a buy
    expect(r.orders.orders.get(sl.orderId)).toMatchObject({ status: 'open', triggered: true });
    r.price('ETH/USDT', 3085);
    expect(r.orders.orders.get(sl.orderId)).toMatchObject({ status: 'filled', avgPrice: '3085' });
    const [pos] = await r.call('positions.list', {});
    expect(pos!.qty).toBe('1.75');
  });

  it('attaches stop and target as a one-cancels-other pair after the entry fills', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    const i = await place(r, { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.01', stopLoss: '59000', takeProfit: '62000' });
    r.price('BTC/USDT', 60000);
    const legs = (await r.call('orders.list', { status: 'open' })).filter((o) => o.ocoGroup);
    expect(legs.map((o) => [o.role, o.side, o.type, o.amount]).sort()).toEqual([
      ['stop', 'sell', 'stop', '0.01'],
      ['target', 'sell', 'limit', '0.01'],
    ]);
    const [pos] = await r.call('positions.list', {});
    expect(pos).toMatchObject({ stopLoss: '59000', takeProfit: '62000' });
    r.price('BTC/USDT', 62050);
    const after = await r.call('orders.list', {});
    expect(after.find((o) => o.role === 'target')!.status).toBe('filled');
    expect(after.find((o) => o.role === 'stop')!.status).toBe('canceled');
    expect(await r.call('positions.list', {})).toEqual([]);
    expect(i.decision).toBe('EXECUTED');
  });

  it('fails with INSUFFICIENT_FUNDS (and notifies) when the paper account cannot pay', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await r.call('risk.update', { limits: { maxPositionNotional: '1000000', maxSymbolExposurePct: 1000 } });
    const i = await place(r, { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '1' });
    expect(i).toMatchObject({ decision: 'FAILED', reasonCode: 'INSUFFICIENT_FUNDS' });
    expect(i.exchangeError).toMatch(/needs 60060/);
    expect(r.notify.repo.existsFor('intent', String(i.id))).toBe(true);
  });
});

describe('sizing', () => {
  it('sizes by quote amount, percent of equity and risk, rounds to the step and checks minimums', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    const q = await place(r, { symbol: 'BTC/USDT', side: 'buy', quoteAmount: '100' });
    expect(q.amount).toBe('0.001666'); // 100 / 60000 floored to 0.000001
    const e = await place(r, { symbol: 'BTC/USDT', side: 'buy', equityPercent: 10 });
    expect(e.amount).toBe('0.016666');
    // risk 1 % of 10,000 = 100 over a 1,000 stop distance → 0.1 BTC (6,000 notional: over the default 5,000 limit)
    const rk = await place(r, { symbol: 'BTC/USDT', side: 'buy', riskPercent: 1, stopLoss: '59000' });
    expect(rk).toMatchObject({ decision: 'SKIPPED', reasonCode: 'RISK_BLOCKED', amount: '0.1' });
    const small = await place(r, { symbol: 'BTC/USDT', side: 'buy', amount: '0.00005' });
    expect(small).toMatchObject({ decision: 'SKIPPED', reasonCode: 'MIN_NOTIONAL_NOT_MET' });
    expect(small.reasonMessage).toMatch(/minimum notional 5 USDT/);
    const rules = await r.call('orders.market', { symbol: 'BTC/USDT' });
    expect(rules).toMatchObject({ tick: '0.1', step: '0.000001', minNotional: '5', last: '60000' });
  });

  it('rejects bad input with structured field errors', async () => {
    const { parseInput } = await import('../../engine/api');
    expect(() => parseInput('orders.place', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '1' })).toThrow(/Invalid input/);
    // Two sizes at once: rejected, naming the field (asserted whether or not anything throws).
    const twoSizes = (() => {
      try {
        parseInput('orders.place', { symbol: 'BTC/USDT', side: 'buy', amount: '1', quoteAmount: '5' });
      } catch (e) {
        return e;
      }
      return 'accepted';
    })();
    expect(twoSizes).toMatchObject({ code: 'BAD_INPUT', details: { issues: [expect.objectContaining({ path: 'amount' })] } });
    expect(() => parseInput('orders.place', { symbol: 'BTC/USDT', side: 'buy', amount: 'abc' })).toThrow(/Invalid input/);
  });

  it('a call with bad input is refused by the schema, names the field, and places nothing', async ({ track }) => {
    const r = track(await rig());
    r.price('BTC/USDT', 60000);
    await expect(r.call('orders.place', { symbol: 'BTC/USDT', side: 'buy', amount: '1', quoteAmount: '5' })).rejects.toMatchObject({ code: 'BAD_INPUT', details: { issues: [expect.objectContaining({ path: 'amount' })] } });
    expect(r.db.prepare('SELECT COUNT(*) AS n FROM order_intents').get()).toEqual({ n: 0 });
  });
});
