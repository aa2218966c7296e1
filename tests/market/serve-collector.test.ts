/**
 * The collector inside the real serve host (built engine worker): sources over HTTP with structured
 * errors, and a back-fill that survives `kill -9` of the host mid-way — the restarted host resumes
 * the job from its saved cursor and the stored range is exact (no lost or duplicated bar).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { call, startServe, tempDir, type Served } from '../helpers/serve';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';

const H = 3_600_000;

describe('collector in the serve host', () => {
  let fx: FakeMarketExchange;
  let s: Served | null = null;
  beforeAll(async () => {
    fx = new FakeMarketExchange({ maxLimit: 100, slowMs: 400 });
    await fx.start();
  });
  afterAll(async () => {
    await s?.stop('SIGKILL');
    await fx.stop();
  });

  it('answers bad input with structured errors, and resumes a back-fill after kill -9 with an exact range', async () => {
    const dataDir = tempDir('sd-collector-serve-');
    s = await startServe([], dataDir);
    expect((await call(s, 'market.sources.add', { id: 'fx', kind: 'ccxt', exchange: 'binance', symbols: ['BTC/USDT'], timeframes: ['3h'] })).status).toBe(400);
    expect((await call(s, 'market.sources.add', { id: 'fx', kind: 'ccxt', exchange: 'nope', symbols: ['BTC/USDT'], timeframes: ['1h'] })).body.error.code).toBe('UNPROCESSABLE');
    // An exchange ccxt lists but that has no candle endpoint cannot feed the collector: refused, nothing added.
    const noOhlcv = await call(s, 'market.sources.add', { id: 'fx', kind: 'ccxt', exchange: 'bitflyer', symbols: ['BTC/JPY'], timeframes: ['1h'] });
    expect(noOhlcv.status).toBe(422);
    expect(noOhlcv.body.error.message).toMatch(/bitflyer has no candle \(OHLCV\) endpoint/);
    expect((await call(s, 'market.sources.list', {})).body.result.map((x: any) => x.id)).toEqual(['sim']);
    expect((await call(s, 'market.sources.remove', { id: 'sim' })).body.error.code).toBe('UNPROCESSABLE');
    expect((await call(s, 'market.backfill', { source: 'missing', symbol: 'BTC/USDT', timeframe: '1h', since: 0 })).status).toBe(404);
    const add = await call(s, 'market.sources.add', { id: 'fx', kind: 'ccxt', exchange: 'binance', baseUrl: fx.url, symbols: ['BTC/USDT'], timeframes: ['1h'], rateLimitMs: 0, apiKey: 'k-123456', secret: 's-abcdef' });
    expect(add.status).toBe(200);
    expect(JSON.stringify(add.body)).not.toMatch(/s-abcdef|k-123456/);

    const end = Math.floor(fx.now() / H) * H;
    const since = end - 3000 * H;
    // Every page answers slowly, so the host can be killed mid-way.
    fx.inject('slow', { path: '/klines', times: 12 });
    const job = (await call(s, 'market.backfill', { source: 'fx', symbol: 'BTC/USDT', timeframe: '1h', since, until: end })).body.result;
    expect(job).toMatchObject({ expected: 3000 });
    let fetched = 0;
    const t0 = Date.now();
    while (fetched < 500) {
      if (Date.now() - t0 > 30_000) throw new Error('back-fill made no progress');
      fetched = (await call(s, 'market.backfill.list', {})).body.result[0].fetched;
      await new Promise((r) => setTimeout(r, 100));
    }
    await s.stop('SIGKILL');
    const db = new BetterSqlite3(path.join(dataDir, 'signaldesk.db'), { readonly: true });
    const saved = db.prepare('SELECT cursor, fetched, status FROM backfill_jobs WHERE id = ?').get(job.id) as { cursor: number; fetched: number; status: string };
    const storedAtKill = (db.prepare("SELECT COUNT(*) AS n FROM named_candles WHERE source = 'fx' AND timeframe = '1h' AND ts >= ? AND ts < ?").get(since, saved.cursor) as { n: number }).n;
    db.close();
    expect(saved.status).toBe('running');
    expect(saved.cursor).toBeLessThan(end);
    expect(storedAtKill).toBe(saved.fetched); // the page and its cursor were written together

    const n0 = fx.requests.length;
    s = await startServe([], dataDir);
    const done = await (async () => {
      for (const t = Date.now(); Date.now() - t < 60_000; ) {
        const j = (await call(s!, 'market.backfill.list', {})).body.result.find((x: any) => x.id === job.id);
        if (j?.status === 'done') return j;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('resumed back-fill did not finish');
    })();
    expect(done).toMatchObject({ fetched: 3000, knownGaps: 0 });
    const pages = fx.requests.slice(n0).filter((q) => q.path.endsWith('/klines') && q.startTime !== null && q.startTime < end - 200 * H);
    expect(Math.min(...pages.map((q) => q.startTime!))).toBeGreaterThanOrEqual(saved.cursor);
    const gaps = (await call(s, 'market.gaps', { source: 'fx', symbol: 'BTC/USDT', timeframe: '1h', since, until: end })).body.result;
    expect(gaps).toMatchObject({ missing: [], known: [] });
    const db2 = new BetterSqlite3(path.join(dataDir, 'signaldesk.db'), { readonly: true });
    const rows = db2.prepare("SELECT ts FROM named_candles WHERE source = 'fx' AND symbol = 'BTC/USDT' AND timeframe = '1h' AND ts >= ? AND ts < ? ORDER BY ts").all(since, end) as Array<{ ts: number }>;
    db2.close();
    expect(rows.map((r) => r.ts)).toEqual(fx.expectedBars('BTCUSDT', '1h', since, end));
    expect((await call(s, 'system.health', {})).body.result.status).toBe('ok');
    // Keys survived the restart sealed, and are still never returned.
    const list = (await call(s, 'market.sources.list', {})).body.result;
    expect(list.find((x: any) => x.id === 'fx')).toMatchObject({ hasKeys: true, baseUrl: fx.url });
    expect(JSON.stringify(list)).not.toMatch(/s-abcdef|k-123456/);
  });
});
