/** Sources and back-fill through real ccxt (binance) against the loopback fake exchange, with faults. */
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { parseInput, TIMEFRAME_MS } from '../../engine/api';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';
import { collectorRig, it, until, type CollectorRig } from './rig';

const H = TIMEFRAME_MS['1h'];
let fx: FakeMarketExchange;
beforeAll(async () => {
  fx = new FakeMarketExchange({ maxLimit: 100, slowMs: 1500 });
  await fx.start();
});
afterAll(() => fx.stop());
afterEach(() => {
  fx.clearFaults();
});

const lastClosedEnd = (): number => Math.floor(fx.now() / H) * H;
const stored = (rr: CollectorRig, symbol = 'BTC/USDT', tf = '1h'): number[] =>
  (rr.db.prepare('SELECT ts FROM named_candles WHERE source = ? AND symbol = ? AND timeframe = ? ORDER BY ts').all('fake', symbol, tf) as Array<{ ts: number }>).map((x) => x.ts);

describe('sources', () => {
  it('adds a ccxt source pointed at the fake through baseUrl; keys are sealed and never returned', async ({ track }) => {
    const r = track(collectorRig(fx));
    const before = fx.count('/exchangeInfo');
    const v = await r.addSource({ apiKey: 'my-api-key-value', secret: 'my-secret-value' });
    expect(v).toMatchObject({ id: 'fake', kind: 'ccxt', exchange: 'binance', baseUrl: fx.url, hasKeys: true, enabled: true, timeframes: ['1h'] });
    expect(JSON.stringify(v)).not.toContain('my-secret-value');
    expect(JSON.stringify(r.collector.list())).not.toContain('my-api-key-value');
    const row = r.db.prepare('SELECT keys_enc, config FROM market_sources WHERE id = ?').get('fake') as { keys_enc: string; config: string };
    expect(row.keys_enc).toMatch(/^v1:/);
    expect(row.keys_enc + row.config).not.toContain('my-secret-value');
    await until(() => fx.count('/exchangeInfo') > before, 10_000, 'markets from the fake');
    await until(() => r.collector.healthReport('fake')[0]?.status === 'healthy', 10_000, 'healthy');

    // Update, enable/disable, remove — with structured errors for bad changes.
    const u = await r.collector.update(parseInput('market.sources.update', { id: 'fake', timeframes: ['1h', '4h'], label: 'Fake Binance' }));
    expect(u).toMatchObject({ timeframes: ['1h', '4h'], label: 'Fake Binance', hasKeys: true });
    await expect(r.collector.update(parseInput('market.sources.update', { id: 'fake', path: '/x.csv' }))).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(r.collector.update(parseInput('market.sources.update', { id: 'fake', symbols: null }))).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(r.addSource()).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(r.collector.add(parseInput('market.sources.add', { id: 'nope', kind: 'ccxt', exchange: 'notanexchange', symbols: ['BTC/USDT'], timeframes: ['1h'] }) as any, () => false)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    expect(() => parseInput('market.sources.add', { id: 'x', kind: 'ccxt', exchange: 'binance', symbols: ['BTC/USDT'], timeframes: ['2h'] })).toThrow(/Invalid input/);
    expect(r.collector.enable('fake', false)).toMatchObject({ enabled: false });
    await until(() => r.collector.healthReport('fake')[0]?.status === 'disabled', 5000, 'disabled');
    expect(r.of('market.health.changed').some((e) => e.source === 'fake' && e.status === 'disabled' && e.symbol === null)).toBe(true);
    expect(r.collector.enable('fake', true)).toMatchObject({ enabled: true });
    expect(r.collector.remove('fake')).toEqual({ removed: true, id: 'fake' });
    expect(r.collector.list()).toEqual([]);
    expect(() => r.collector.remove('fake')).toThrow(/Unknown source/);
    expect(r.of('market.sources.changed').map((e) => e.action)).toEqual(['added', 'updated', 'disabled', 'enabled', 'removed']);
  });
});

describe('backfill', () => {
  it('pages a range exactly: right count, no duplicates, true gaps recorded as known gaps, progress to done', async ({ track }) => {
    const r = track(collectorRig(fx));
    await r.addSource();
    const end = lastClosedEnd();
    const since = end - 500 * H;
    const lacking = [since + 10 * H, since + 11 * H, since + 333 * H];
    fx.removeBars('BTCUSDT', '1h', lacking);
    const job = r.collector.backfill(parseInput('market.backfill', { source: 'fake', symbol: 'BTC/USDT', timeframe: '1h', since, until: end }));
    expect(job).toMatchObject({ status: 'queued', expected: 500, since, until: end });
    const done = await until(() => r.of('market.backfill.progress').find((j) => j.id === job.id && j.status === 'done'), 30_000, 'backfill done');
    const ts = stored(r);
    const expected = fx.expectedBars('BTCUSDT', '1h', since, end);
    expect(expected).toHaveLength(497);
    expect(ts).toEqual(expected);
    expect(new Set(ts).size).toBe(ts.length);
    // Values are the exchange's own.
    const row = r.db.prepare('SELECT open, high, low, close, volume FROM named_candles WHERE source = ? AND symbol = ? AND timeframe = ? AND ts = ?').get('fake', 'BTC/USDT', '1h', since) as any;
    const bar = fx.bar('BTCUSDT', '1h', since)!;
    expect([row.open, row.high, row.low, row.close, row.volume]).toEqual(bar.slice(1));
    expect(done).toMatchObject({ knownGaps: 3, fetched: 497, progress: 1 });
    const progress = r.of('market.backfill.progress').filter((j) => j.id === job.id).map((j) => j.progress);
    expect(progress.length).toBeGreaterThan(5);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const gaps = r.collector.gapsOf(parseInput('market.gaps', { source: 'fake', symbol: 'BTC/USDT', timeframe: '1h' }));
    expect(gaps.missing).toEqual([]);
    expect(gaps.known.map((g) => [g.start, g.bars])).toEqual([[lacking[0], 2], [lacking[2], 1]]);

    // Again over the same range: nothing duplicated, known gaps are not retried forever.
    const before = fx.count('/klines');
    const again = r.collector.backfill(parseInput('market.backfill', { source: 'fake', symbol: 'BTC/USDT', timeframe: '1h', since, until: end }));
    await until(() => r.of('market.backfill.progress').find((j) => j.id === again.id && j.status === 'done'), 30_000, 'second backfill');
    expect(stored(r)).toEqual(expected);
    expect(fx.count('/klines') - before).toBeLessThanOrEqual(6);
  });

  it('survives 429 + Retry-After, 418, 5xx bursts, timeouts, malformed JSON and resets without losing or duplicating a bar', async ({ track }) => {
    const r = track(collectorRig(fx, { timeoutMs: 500, breaker: { failures: 50, openMs: 200 } }));
    await r.addSource({ symbols: ['ETH/USDT'], timeoutMs: 500 });
    const end = lastClosedEnd();
    const since = end - 800 * H;
    fx.inject('rateLimit', { path: '/klines', retryAfterSec: 1 });
    fx.inject('server', { path: '/klines', times: 3 });
    fx.inject('malformed', { path: '/klines' });
    fx.inject('reset', { path: '/klines' });
    fx.inject('slow', { path: '/klines' });
    fx.inject('ban', { path: '/klines', retryAfterSec: 1 });
    fx.inject('internal', { path: '/klines', times: 2 });
    const t0 = Date.now();
    const job = r.collector.backfill(parseInput('market.backfill', { source: 'fake', symbol: 'ETH/USDT', timeframe: '1h', since, until: end }));
    await until(() => r.of('market.backfill.progress').find((j) => j.id === job.id && j.status === 'done'), 40_000, 'backfill done');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900); // two Retry-After: 1 waits honoured
    const ts = stored(r, 'ETH/USDT');
    expect(ts).toEqual(fx.expectedBars('ETHUSDT', '1h', since, end));
    expect(ts).toHaveLength(800);
    const faults = fx.requests.filter((q) => q.fault).map((q) => q.fault);
    expect(faults.sort()).toEqual(['ban', 'internal', 'internal', 'malformed', 'rateLimit', 'reset', 'server', 'server', 'server', 'slow'].sort());
    // After a 429 with Retry-After: 1, the next request waited for it.
    const i429 = fx.requests.findIndex((q) => q.fault === 'rateLimit');
    expect(fx.requests[i429 + 1]!.at - fx.requests[i429]!.at).toBeGreaterThanOrEqual(950);
    const h = r.collector.healthReport('fake')[0]!;
    expect(h.lastError?.kind).toBeDefined();
    expect(h.requests24h).toBeGreaterThan(10);
    const kinds = new Set(r.of('market.health.changed').filter((e) => e.error).map((e) => e.error!.kind));
    expect(kinds.size).toBeGreaterThan(0);
  });

  it('resumes after a restart from the saved cursor, fetching nothing twice', async ({ track }) => {
    let r = track(collectorRig(fx));
    await r.addSource({ symbols: ['SOL/USDT'] });
    const end = lastClosedEnd();
    // 40 pages: the restart lands mid-way even on a loaded machine.
    const since = end - 4000 * H;
    fx.inject('slow', { path: '/klines', symbol: 'SOLUSDT', times: 1 });
    const job = r.collector.backfill(parseInput('market.backfill', { source: 'fake', symbol: 'SOL/USDT', timeframe: '1h', since, until: end }));
    await until(() => r.of('market.backfill.progress').find((j) => j.id === job.id && j.fetched >= 300), 20_000, 'some pages');
    r = track(r.restart());
    const saved = r.collector.jobs.get(job.id)!;
    expect(saved.status).toBe('running');
    expect(saved.cursor).toBeGreaterThan(since);
    const n0 = fx.requests.length;
    await until(() => r.collector.jobs.get(job.id)?.status === 'done', 30_000, 'resumed job done');
    const ts = stored(r, 'SOL/USDT');
    expect(ts).toEqual(fx.expectedBars('SOLUSDT', '1h', since, end));
    expect(new Set(ts).size).toBe(4000);
    // Back-fill pages (1,000-bar requests; the live poller asks for a few) after the restart
    // start at the saved cursor, not at `since`.
    const pages = fx.requests.slice(n0).filter((q) => q.path.endsWith('/klines') && q.startTime !== null && q.limit === 1000);
    expect(pages[0]!.startTime).toBe(saved.cursor);
    expect(pages.every((q) => q.startTime! >= saved.cursor)).toBe(true);
    expect(pages.length).toBeLessThanOrEqual(Math.ceil((end - saved.cursor) / H / 100) + 1);
  });

  it('rejects bad back-fill requests with structured errors and changes nothing', async ({ track }) => {
    const r = track(collectorRig(fx));
    await r.addSource();
    await until(() => (r.collector.runtime('fake') as any)?.active, 10_000, 'source active');
    const end = lastClosedEnd();
    expect(() => r.collector.backfill(parseInput('market.backfill', { source: 'nope', symbol: 'BTC/USDT', timeframe: '1h', since: end - H }))).toThrow(/Unknown source/);
    expect(() => r.collector.backfill(parseInput('market.backfill', { source: 'fake', symbol: 'BTC/USDT', timeframe: '1h', since: end + 10 * H }))).toThrow(expect.objectContaining({ code: 'UNPROCESSABLE' }));
    expect(() => r.collector.backfill(parseInput('market.backfill', { source: 'fake', symbol: 'XRP/USDT', timeframe: '1h', since: end - H }))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(r.collector.listJobs()).toEqual([]);
  });
});
