/** The live broker through real ccxt (binance) against the loopback fake exchange. */
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { LIVE_CONFIRMATION, type ReasonCode } from '../../engine/api';
import { FakeExchange, type Fault } from '../fakes/fake-exchange-orders';
import { it, rig, type Rig } from './setup';

let fx: FakeExchange;
beforeAll(async () => {
  fx = new FakeExchange({ timeoutHoldMs: 5000 });
  await fx.start();
});
afterAll(() => fx.stop());
afterEach(() => {
  fx.clearFaults();
});

async function liveAccount(rr: Rig, keys = { apiKey: fx.apiKey, secret: fx.secret }): Promise<number> {
  const a = await rr.call('accounts.create', { name: 'Binance', kind: 'live', exchange: 'binance', ...keys, urls: fx.urls });
  await rr.call('accounts.update', { id: a.id, liveEnabled: true, confirm: LIVE_CONFIRMATION });
  return a.id;
}
const place = (rr: Rig, input: Record<string, unknown>) => rr.call('orders.place', input) as Promise<any>;

describe('live broker over ccxt against the fake exchange', () => {
  it('needs keys, an explicit enable and the confirmation text; keys are never returned', async ({ track }) => {
    const r = track(await rig({ liveTimeoutMs: 1500 }));
    const a = await r.call('accounts.create', { name: 'B', kind: 'live', apiKey: 'my-api-key-value', secret: 'my-secret-value', urls: fx.urls });
    expect(JSON.stringify(a)).not.toContain('my-api-key-value');
    expect(JSON.stringify(await r.call('accounts.list', {}))).not.toContain('my-secret-value');
    expect(a).toMatchObject({ hasKeys: true, liveEnabled: false, exchange: 'binance' });
    const stored = r.db.prepare('SELECT keys_enc FROM accounts WHERE id = ?').get(a.id) as { keys_enc: string };
    expect(stored.keys_enc).toMatch(/^v1:/);
    expect(stored.keys_enc).not.toContain('my-secret-value');
    const skipped = await place(r, { account: a.id, symbol: 'BTC/USDT', side: 'buy', amount: '0.001' });
    expect(skipped).toMatchObject({ decision: 'SKIPPED', reasonCode: 'LIVE_NOT_ENABLED' });
    await expect(r.call('accounts.update', { id: a.id, liveEnabled: true, confirm: 'yes' })).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    const fs = await import('node:fs');
    const path = await import('node:path');
    expect(fs.statSync(path.join(r.dataDir, 'orders.key')).mode & 0o777).toBe(0o600);
  });

  it('places a market order with the client order id derived from the key, and books the fill', async ({ track }) => {
    const r = track(await rig({ liveTimeoutMs: 1500 }));
    const id = await liveAccount(r);
    const i = await place(r, { account: id, symbol: 'BTC/USDT', side: 'buy', amount: '0.001', idempotencyKey: 'live-ok-1' });
    expect(i).toMatchObject({ decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED' });
    expect(fx.accepted.filter((o) => o.clientOrderId === i.clientOrderId)).toHaveLength(1);
    const o = r.orders.orders.get(i.orderId)!;
    expect(o).toMatchObject({ status: 'filled', filled: '0.001', avgPrice: '60000' });
    const again = await place(r, { account: id, symbol: 'BTC/USDT', side: 'buy', amount: '0.001', idempotencyKey: 'live-ok-1' });
    expect(again).toMatchObject({ id: i.id, duplicate: true });
    expect(fx.countsByClientId().get(i.clientOrderId)).toBe(1);
  });

  it("manages a live entry's stop and target (OCO) against the exchange's own ticker when no candles follow that exchange", async ({ track }) => {
    const r = track(await rig({ liveTimeoutMs: 5000 }));
    const id = await liveAccount(r);
    const i = await place(r, { account: id, symbol: 'BTC/USDT', side: 'buy', amount: '0.001', stopLoss: '59000', takeProfit: '62000', idempotencyKey: 'live-oco-1' });
    expect(i).toMatchObject({ decision: 'EXECUTED' });
    const legs = () => r.orders.orders.list({ limit: 100 }).filter((o) => o.ocoGroup);
    expect(legs().map((o) => `${o.role}:${o.status}`).sort()).toEqual(['stop:open', 'target:open']);
    const btc = fx.markets.find((m) => m.symbol === 'BTCUSDT')!;
    const before = btc.price;
    try {
      await r.orders.pollLive(); // 60,000: between the levels, nothing happens
      expect(legs().map((o) => o.status).sort()).toEqual(['open', 'open']);
      btc.price = '58900'; // through the stop
      // Each round asks the ticker; a round that fails (timeout under load) is retried by the next.
      const exit = async () => {
        await r.orders.pollLive();
        return r.orders.intents.byKey(`oco:${legs().find((o) => o.role === 'stop')!.id}`)?.decision;
      };
      await expect.poll(exit, { timeout: 15_000 }).toBe('EXECUTED');
    } finally {
      btc.price = before;
    }
    expect(legs().map((o) => `${o.role}:${o.status}`).sort()).toEqual(['stop:filled', 'target:canceled']);
    const sells = fx.accepted.filter((o) => o.side === 'SELL' && o.clientOrderId === r.orders.intents.byKey(`oco:${legs().find((o) => o.role === 'stop')!.id}`)!.clientOrderId);
    expect(sells).toHaveLength(1);
    expect(await r.call('positions.list', { account: id })).toEqual([]);
    // Polling again changes nothing: one stop, one exit order.
    await r.orders.pollLive();
    expect(fx.accepted.filter((o) => o.side === 'SELL')).toHaveLength(1);
  });

  const cases: Array<[Fault, ReasonCode]> = [
    ['insufficient', 'INSUFFICIENT_FUNDS'],
    ['minNotional', 'MIN_NOTIONAL_NOT_MET'],
    ['auth', 'AUTHENTICATION_ERROR'],
    ['authFormat', 'AUTHENTICATION_ERROR'],
    ['rateLimit', 'RATE_LIMIT'],
    ['server', 'NETWORK_ERROR'],
    ['internal', 'EXCHANGE_ERROR_UNKNOWN'],
    ['drop', 'NETWORK_ERROR'],
    ['timeout', 'TIMEOUT'],
    ['wouldMatch', 'EXCHANGE_REJECTED'],
    ['badParam', 'INVALID_ORDER'],
    ['malformed', 'EXCHANGE_ERROR_UNKNOWN'],
  ];
  for (const [fault, code] of cases) {
    it(`maps the exchange's ${fault} answer to FAILED ${code}, with a snippet and a notification`, async ({ track }) => {
      const r = track(await rig({ liveTimeoutMs: 700, retries: 2, retryBaseMs: 10 }));
      const id = await liveAccount(r);
      fx.inject(fault, { method: 'POST', path: '/api/v3/order', times: 10 });
      const before = fx.accepted.length;
      const i = await place(r, { account: id, symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '50000', amount: '0.001', idempotencyKey: `fault-${fault}` });
      expect(i).toMatchObject({ decision: 'FAILED', reasonCode: code });
      expect(i.exchangeError).toBeTruthy();
      expect(r.notify.repo.existsFor('intent', String(i.id))).toBe(true);
      expect(fx.accepted.length).toBe(before);
    }, 20_000);
  }

  it('retries a rate-limited order after a back-off, resending the same client order id, and places it once', async ({ track }) => {
    const r = track(await rig({ liveTimeoutMs: 1500, retries: 2, retryBaseMs: 200 }));
    const id = await liveAccount(r);
    fx.inject('rateLimit', { method: 'POST', path: '/api/v3/order', times: 1 });
    const i = await place(r, { account: id, symbol: 'ETH/USDT', side: 'buy', amount: '0.01', idempotencyKey: 'retry-1' });
    expect(i).toMatchObject({ decision: 'EXECUTED' });
    const posts = fx.requests.filter((q) => q.method === 'POST' && q.path === '/api/v3/order' && q.clientOrderId === i.clientOrderId);
    expect(posts.map((q) => q.fault)).toEqual(['rateLimit', null]);
    // Back-off: the resend waits at least the base delay (no Retry-After was sent).
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(200);
    expect(fx.countsByClientId().get(i.clientOrderId)).toBe(1);
  });

  it('after a lost response, asks the exchange by client order id instead of sending twice', async ({ track }) => {
    const r = track(await rig({ liveTimeoutMs: 1500, retries: 2, retryBaseMs: 10 }));
    const id = await liveAccount(r);
    fx.inject('lostResponse', { method: 'POST', path: '/api/v3/order', times: 1 });
    const i = await place(r, { account: id, symbol: 'ETH/USDT', side: 'buy', amount: '0.02', idempotencyKey: 'lost-1' });
    expect(i).toMatchObject({ decision: 'EXECUTED' });
    expect(fx.countsByClientId().get(i.clientOrderId)).toBe(1);
    expect(r.orders.orders.get(i.orderId)).toMatchObject({ status: 'filled', filled: '0.02' });
  });

  it('reconciles a sent-but-unconfirmed intent on start-up before placing anything new', async ({ track }) => {
    let r = track(await rig({ liveTimeoutMs: 1500 }));
    const id = await liveAccount(r);
    // Simulate a crash after the order reached the exchange but before the decision was stored.
    fx.inject('lostResponse', { method: 'POST', path: '/api/v3/order', times: 1 });
    fx.inject('timeout', { method: 'GET', path: '/api/v3/order', times: 10 });
    const cut = r.orders.intents.insertOrGet({ idempotencyKey: 'crash-1', accountId: id, signalId: null, origin: 'manual', symbol: 'BTC/USDT', side: 'buy', type: 'market', request: { account: id, symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001', idempotencyKey: 'crash-1' }, price: null, stopPrice: null, stopLoss: null, takeProfit: null, clientOrderId: (await import('../../engine/orders/module')).clientOrderIdFor('crash-1'), createdAt: Date.now() }).intent;
    r.orders.intents.setSending(cut.id, '0.001');
    // The request reaches the exchange (accepted), the answer is lost, and the process "dies".
    await fetchOrderDirect(cut.clientOrderId);
    fx.clearFaults();
    // A never-sent intent too: accepted but not yet sent.
    const pending = r.orders.intents.insertOrGet({ idempotencyKey: 'crash-2', accountId: id, signalId: null, origin: 'manual', symbol: 'BTC/USDT', side: 'buy', type: 'market', request: { account: id, symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001', idempotencyKey: 'crash-2' }, price: null, stopPrice: null, stopLoss: null, takeProfit: null, clientOrderId: (await import('../../engine/orders/module')).clientOrderIdFor('crash-2'), createdAt: Date.now() }).intent;
    r = track(await r.restart());
    const a = r.orders.intents.byKey('crash-1')!;
    expect(a).toMatchObject({ decision: 'EXECUTED', reasonCode: 'EXEC_RECONCILED' });
    expect(r.orders.orders.get(a.orderId!)).toMatchObject({ status: 'filled' });
    expect(r.orders.intents.byKey('crash-2')).toMatchObject({ decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED' });
    expect(fx.countsByClientId().get(cut.clientOrderId)).toBe(1);
    expect(fx.countsByClientId().get(pending.clientOrderId)).toBe(1);
    // Resending both keys places nothing new.
    for (const k of ['crash-1', 'crash-2']) {
      expect(await place(r, { account: id, symbol: 'BTC/USDT', side: 'buy', amount: '0.001', idempotencyKey: k })).toMatchObject({ duplicate: true });
    }
    expect(fx.countsByClientId().get(cut.clientOrderId)).toBe(1);
    expect((await r.call('diagnostics.invariants', { hours: 1 })).pass).toBe(true);
  });
});

/** Sends the order for a client id straight to the fake (standing in for the request that got out before the crash). */
async function fetchOrderDirect(clientOrderId: string): Promise<void> {
  const crypto = await import('node:crypto');
  const q = `symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=${clientOrderId}&timestamp=${Date.now()}`;
  const sig = crypto.createHmac('sha256', fx.secret).update(q).digest('hex');
  await fetch(`${fx.url}/api/v3/order`, { method: 'POST', headers: { 'x-mbx-apikey': fx.apiKey, 'content-type': 'application/x-www-form-urlencoded' }, body: `${q}&signature=${sig}` }).catch(() => undefined);
}

describe('order retries go through the exchange gateway: Retry-After and the circuit breaker', () => {
  it('waits out Retry-After before sending anything else to a rate-limited exchange', async () => {
    const own = new FakeExchange({ timeoutHoldMs: 5000 });
    await own.start();
    const rr = await rig({ liveTimeoutMs: 1500, retries: 2, retryBaseMs: 10 });
    try {
      const a = await rr.call('accounts.create', { name: 'RA', kind: 'live', exchange: 'binance', apiKey: own.apiKey, secret: own.secret, urls: own.urls });
      await rr.call('accounts.update', { id: a.id, liveEnabled: true, confirm: LIVE_CONFIRMATION });
      own.inject('rateLimit', { method: 'POST', path: '/api/v3/order', times: 1, retryAfterSec: 1 });
      const i = await place(rr, { account: a.id, symbol: 'ETH/USDT', side: 'buy', amount: '0.01', idempotencyKey: 'retry-after-1' });
      expect(i).toMatchObject({ decision: 'EXECUTED', reasonCode: 'EXEC_ORDER_PLACED' });
      const limited = own.requests.find((q) => q.fault === 'rateLimit')!;
      // Nothing at all (no lookup, no resend) reached the exchange before Retry-After had passed.
      const after = own.requests.filter((q) => q.at > limited.at);
      expect(after.length).toBeGreaterThan(0);
      expect(after.filter((q) => q.at < limited.at + 950)).toEqual([]);
      expect(own.countsByClientId().get(i.clientOrderId)).toBe(1);
    } finally {
      rr.close();
      await own.stop();
    }
  });

  it('stops sending once the circuit opens: the order fails NETWORK_ERROR and the next one never reaches the exchange', async () => {
    const own = new FakeExchange({ timeoutHoldMs: 5000 });
    await own.start();
    const rr = await rig({ liveTimeoutMs: 1500, retries: 7, retryBaseMs: 10 });
    try {
      const a = await rr.call('accounts.create', { name: 'CB', kind: 'live', exchange: 'binance', apiKey: own.apiKey, secret: own.secret, urls: own.urls });
      await rr.call('accounts.update', { id: a.id, liveEnabled: true, confirm: LIVE_CONFIRMATION });
      own.inject('server', { path: '/api/v3/order', times: 100 }); // placing and looking up both fail
      const i = await place(rr, { account: a.id, symbol: 'ETH/USDT', side: 'buy', type: 'limit', price: '2000', amount: '0.01', idempotencyKey: 'breaker-1' });
      expect(i).toMatchObject({ decision: 'FAILED', reasonCode: 'NETWORK_ERROR' });
      expect(i.exchangeError).toMatch(/circuit open/);
      // Five consecutive 503s (three sends, two look-ups before a resend) open the circuit (the
      // gateway's default); the retries left are held back.
      const hits = own.requests.filter((q) => q.path === '/api/v3/order');
      expect(hits.map((q) => `${q.method} ${q.fault}`)).toEqual(['POST server', 'GET server', 'POST server', 'GET server', 'POST server']);
      const seen = own.requests.length;
      const next = await place(rr, { account: a.id, symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '50000', amount: '0.001', idempotencyKey: 'breaker-2' });
      expect(next).toMatchObject({ decision: 'FAILED', reasonCode: 'NETWORK_ERROR' });
      expect(next.exchangeError).toMatch(/circuit open/);
      expect(own.requests.length).toBe(seen);
      expect(own.accepted).toEqual([]);
    } finally {
      rr.close();
      await own.stop();
    }
  }, 20_000);
});
