/** Enrichment from a ccxt market: candles collected from the loopback fake exchange, the order book from its depth endpoint. */
import { describe, expect } from 'vitest';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';
import { rigTest as it } from '../helpers/rig';
import { tempDir } from '../helpers/serve';
import { caller, startEngine } from './rig';

describe('intake on a ccxt market', () => {
  it('reads bid, ask and imbalance from fetchOrderBook (not a synthetic book)', async ({ track }) => {
    const fx = track(new FakeMarketExchange());
    await fx.start();
    const engine = track(startEngine(tempDir('sd-intake-ccxt-')));
    const { call } = caller(() => engine);
    await call('market.sources.add', { id: 'fx', kind: 'ccxt', exchange: 'binance', baseUrl: fx.url, symbols: ['BTC/USDT'], timeframes: ['1m'] });
    for (let i = 0; i < 200; i++) {
      if ((await call('market.candles', { source: 'fx', symbol: 'BTC/USDT', timeframe: '1m', limit: 5 })).length >= 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const src = await call('intake.sources.create', { name: 'On the exchange', market: 'fx', gates: { maxDriftPct: 50 } });
    const { eventId } = await call('intake.submit', { source: src.id, payload: { symbol: 'BINANCE:BTCUSDT', side: 'buy' } });
    await engine.intake.idle();
    const ev = await call('intake.events.get', { id: eventId });
    expect(ev.enrichment).toMatchObject({ bookSynthetic: false, bid: 60000 * 0.9999, ask: 60000 * 1.0001 });
    // bids 2 per level, asks 1: (20 − 10) / 30
    expect(ev.enrichment!.imbalance).toBeCloseTo(1 / 3, 6);
    expect(fx.count('/api/v3/depth')).toBeGreaterThan(0);
  });
});
