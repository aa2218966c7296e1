/**
 * The collector at scale and under failing storage, through real ccxt against the loopback fake
 * exchange on a real SQLite file: 120 symbols picked by discovery watched live with health per
 * feed, and faults inside the collector (storage gone) reported on the feeds, never thrown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { FakeMarketExchange, type FakeSymbol } from '../fakes/fake-exchange-market';
import { parseInput } from '../../engine/api';
import { collectorRig, it, until } from './rig';

const N = 150;
const symbols: FakeSymbol[] = Array.from({ length: N }, (_, i) => ({ id: `S${i}USDT`, base: `S${i}`, quote: 'USDT', price: 10 + i, quoteVolume: 1e6 * (N - i) }));
let fx: FakeMarketExchange;
beforeAll(async () => {
  fx = new FakeMarketExchange({ symbols, clockStart: Date.now() - 5 * 86_400_000, speed: 30 });
  await fx.start();
});
afterAll(() => fx.stop());
afterEach(() => {
  fx.clearFaults();
});

describe('collector at scale', () => {
  it('watches 120 symbols picked by discovery live, one candle.closed per bar each, with health for every feed; a failing one does not stall the rest', async ({ track }) => {
    const r = track(collectorRig(fx));
    fx.inject('server', { path: '/klines', symbol: 'S7USDT', times: 1_000_000 });
    await r.addSource({ symbols: undefined, discovery: { top: 120, quote: 'USDT' }, timeframes: ['1m', '15m'] });
    const picked = await until(() => r.collector.list()[0]?.discovered?.picked, 20_000, 'discovery');
    expect(picked).toHaveLength(120);
    expect(picked[0]).toMatchObject({ symbol: 'S0/USDT', rank: 1 });
    expect(picked[119]!.symbol).toBe('S119/USDT');
    const closes = (s: string) => r.of('candle.closed').filter((e) => e.source === 'fake' && e.symbol === s && e.timeframe === '1m');
    const live = picked.map((p) => p.symbol).filter((s) => s !== 'S7/USDT');
    await until(() => live.every((s) => closes(s).length >= 3), 60_000, 'three closes on each of 119 symbols');
    for (const s of live) {
      const ts = closes(s).map((e) => e.candle[0]);
      expect(new Set(ts).size, s).toBe(ts.length);
      for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!, s).toBe(60_000);
    }
    expect(closes('S7/USDT')).toEqual([]);
    const h = r.collector.healthReport('fake')[0]!;
    expect(h.feeds).toHaveLength(240);
    const bad = h.feeds.filter((f) => f.status !== 'healthy');
    expect(bad.map((f) => f.symbol)).toEqual(['S7/USDT', 'S7/USDT']);
    expect(bad[0]!.lastError?.kind).toBe('exchange_unavailable');
    const oneMinute = h.feeds.filter((f) => f.timeframe === '1m' && f.symbol !== 'S7/USDT');
    expect(oneMinute.every((f) => f.newestBarTs !== null && f.requests24h > 0 && f.lastSuccessAt !== null)).toBe(true);
    expect(h.closeToEvent!.n).toBeGreaterThanOrEqual(119 * 3);
    expect(h.circuit).toBe('closed');
  });

  it('storage failing under live polling and a replay is reported on the feeds and never thrown', async ({ track }) => {
    // Anything the collector let escape (a rejected poll, a throw in a timer) lands here.
    const escaped: unknown[] = [];
    const onEscape = (e: unknown): void => void escaped.push(e);
    process.on('unhandledRejection', onEscape);
    process.on('uncaughtException', onEscape);
    try {
      const r = track(collectorRig(fx));
      await r.addSource({ symbols: ['S1/USDT', 'S2/USDT'], timeframes: ['1m'] });
      // Replay files live in the data directory's imports/ folder (the file policy of docs/security.md).
      fs.mkdirSync(path.join(r.dataDir, 'imports'), { recursive: true });
      const csv = path.join(r.dataDir, 'imports', 'replay.csv');
      const T0 = Date.UTC(2024, 0, 1);
      fs.writeFileSync(csv, 'timestamp,open,high,low,close,volume\n' + Array.from({ length: 5000 }, (_, i) => `${T0 + i * 60_000},1,2,0.5,1.5,3`).join('\n') + '\n');
      await r.collector.add(parseInput('market.sources.add', { id: 'rp', kind: 'replay', path: csv, symbol: 'REP/USDT', timeframe: '1m', speed: 600 }) as never, () => false);
      await until(() => r.of('candle.closed').filter((e) => e.symbol === 'S1/USDT').length >= 1, 20_000, 'live');
      await until(() => r.of('candle.closed').filter((e) => e.source === 'rp').length >= 5, 20_000, 'replaying');
      // The candles table disappears under the running collector (a damaged file, a bad restore).
      r.db.exec('DROP TABLE candles');
      const feedOf = (source: string, symbol: string) => r.collector.healthReport(source)[0]!.feeds.find((f) => f.symbol === symbol);
      const feedErr = (source: string, symbol: string) => feedOf(source, symbol)?.lastError?.message ?? '';
      await until(() => /no such table/.test(feedErr('fake', 'S1/USDT')), 20_000, 'live poll failure on the feed');
      await until(() => /no such table/.test(feedErr('rp', 'REP/USDT')), 20_000, 'replay failure on the feed');
      // Both are reported on their feeds: the live feed is no longer healthy, the replay's error is its latest.
      expect(feedOf('fake', 'S1/USDT')!.status).not.toBe('healthy');
      expect(feedOf('rp', 'REP/USDT')!.lastError).toMatchObject({ message: expect.stringMatching(/no such table/) });
      // Never thrown: the collector still answers, and nothing escaped to the process.
      expect(r.collector.list().map((s) => s.id)).toEqual(['fake', 'rp']);
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onEscape);
      process.off('uncaughtException', onEscape);
    }
  });
});
