/**
 * One slow call cannot hold a client forever. The engine's live broker waits on
 * a fake exchange that never answers; the host answers TIMEOUT at the command's deadline and keeps
 * answering everything else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host } from '../../engine/host/host';
import { LIVE_CONFIRMATION } from '../../engine/api';
import { FakeExchange } from '../fakes/fake-exchange-orders';
import { tempDir } from '../helpers/serve';
import { deadlineFor, DEFAULT_DEADLINE_MS } from '../../engine/host/deadlines';

let fx: FakeExchange;
let host: Host;
beforeAll(async () => {
  fx = new FakeExchange({ timeoutHoldMs: 20_000 });
  await fx.start();
  host = new Host({ dataDir: tempDir('sd-deadline-'), simHistoryDays: 0, log: () => undefined, deadlines: { 'orders.place': 400 } });
  await host.start();
});
afterAll(async () => {
  await host?.stop();
  fx?.stop();
});

describe('per-call deadline', () => {
  it('defaults to 30 s, with longer deadlines for the slow commands', () => {
    expect(DEFAULT_DEADLINE_MS).toBe(30_000);
    expect(deadlineFor('market.candles')).toBe(30_000);
    expect(deadlineFor('system.integrity')).toBeGreaterThan(30_000);
    expect(deadlineFor('market.candles', { 'market.candles': 5 })).toBe(5);
  });

  it('answers TIMEOUT when the engine does not answer in time, and keeps answering other calls', async () => {
    const a = await host.call('accounts.create', { name: 'Binance', kind: 'live', exchange: 'binance', apiKey: fx.apiKey, secret: fx.secret, urls: fx.urls });
    await host.call('accounts.update', { id: a.id, liveEnabled: true, confirm: LIVE_CONFIRMATION });
    fx.inject('timeout', { method: 'POST', path: '/order', times: 5 });
    const slow = host.call('orders.place', { account: a.id, symbol: 'BTC/USDT', side: 'buy', amount: '0.001', idempotencyKey: 'deadline-1' });
    await expect(slow).rejects.toMatchObject({ code: 'TIMEOUT', details: { command: 'orders.place', deadlineMs: 400 } });
    expect(host.health().status).toBe('ok');
    expect((await host.call('system.info', {})).mode).toBe('serve');
  });
});
