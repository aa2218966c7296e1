/**
 * A new exchange source is `connecting` until its first answer — never HEALTHY with no data —
 * and its feeds follow (the fake exchange holds its first answers back with a `slow` fault).
 */
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';
import { collectorRig, it, until } from './rig';

let fx: FakeMarketExchange;
beforeAll(async () => {
  fx = new FakeMarketExchange({ clockStart: Date.now() - 86_400_000, speed: 1, slowMs: 1500 });
  await fx.start();
});
afterAll(() => fx.stop());
afterEach(() => {
  fx.clearFaults();
});

describe('source state before the first answer', () => {
  it('a new ccxt source and its feed say connecting until the exchange answers, then healthy', async ({ track }) => {
    const r = track(collectorRig(fx, { timeoutMs: 10_000 }));
    fx.inject('slow', { path: '/exchangeInfo', times: 1 });
    await r.addSource({ symbols: ['BTC/USDT'], timeframes: ['1h'] });
    const first = r.collector.healthReport('fake')[0]!;
    expect(first.status).toBe('connecting');
    expect(first.feeds.every((f) => f.status === 'connecting' || f.status === 'healthy')).toBe(true);
    expect(first.feeds.some((f) => f.status === 'healthy' && f.lastSuccessAt === null)).toBe(false);
    const changes = r.of('market.health.changed').filter((e) => e.source === 'fake' && e.symbol === null);
    expect(changes[0]?.status).toBe('connecting');
    await until(() => r.collector.healthReport('fake')[0]!.feeds[0]?.status === 'healthy', 15_000, 'first answer');
    const after = r.collector.healthReport('fake')[0]!;
    expect(after.status).toBe('healthy');
    expect(after.feeds[0]!.lastSuccessAt).not.toBeNull();
    // The source never claimed healthy before it had answered.
    const sourceChanges = r.of('market.health.changed').filter((e) => e.source === 'fake' && e.symbol === null).map((e) => e.status);
    expect(sourceChanges.indexOf('healthy')).toBeGreaterThan(sourceChanges.indexOf('connecting'));
  });
});
