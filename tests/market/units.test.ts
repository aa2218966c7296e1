/** The collector's pure parts: baseUrl rewriting, the circuit breaker, discovery, CSV, freshness, error classes. */
import { describe, expect, it } from 'vitest';
import { validateOhlcv } from '../../engine/market/ccxt-client';
import { CircuitBreaker, loadCcxt, rebase } from '../../engine/exchange';
import { discover } from '../../engine/market/discovery';
import { parseCandlesCsv, candlesToCsv } from '../../engine/market/csv';
import { freshnessOf } from '../../engine/market/health';
import { classify, parseRetryAfter } from '../../engine/market/faults';

describe('baseUrl', () => {
  it('replaces scheme and host of every (nested) API URL, keeping paths; a base path is a prefix', async () => {
    const api = { public: 'https://api.binance.com/api/v3', sapi: 'https://api.binance.com/sapi/v1', nested: { x: 'https://fapi.binance.com/fapi/v1' }, other: 42 };
    expect(rebase(api, 'http://127.0.0.1:9000')).toEqual({ public: 'http://127.0.0.1:9000/api/v3', sapi: 'http://127.0.0.1:9000/sapi/v1', nested: { x: 'http://127.0.0.1:9000/fapi/v1' }, other: 42 });
    expect(rebase({ a: 'https://api.x.com/v2' }, 'https://proxy.local/bn/')).toEqual({ a: 'https://proxy.local/bn/v2' });
    // Every URL of real ccxt binance ends up on the base.
    const ccxt = await loadCcxt();
    const ex = new (ccxt as any).binance();
    const flat = JSON.stringify(rebase(ex.urls.api, 'http://127.0.0.1:1'));
    expect(flat).not.toMatch(/binance\.com/);
    expect(flat).toMatch(/127\.0\.0\.1:1\/api\/v3/);
  });
});

describe('circuit breaker', () => {
  it('closed → open after N failures → half-open single probe → closed, or open again', () => {
    let now = 0;
    const changes: string[] = [];
    const b = new CircuitBreaker({ failures: 3, openMs: 1000 }, () => now, (s) => changes.push(s));
    for (let i = 0; i < 2; i++) b.failure();
    expect(b.state).toBe('closed');
    b.success();
    for (let i = 0; i < 3; i++) b.failure();
    expect(b.state).toBe('open');
    expect(b.acquire()).toEqual({ ok: false, retryInMs: 1000 });
    now = 1000;
    expect(b.acquire()).toEqual({ ok: true, probe: true });
    expect(b.state).toBe('half_open');
    expect(b.acquire().ok).toBe(false); // one probe at a time
    b.failure();
    expect(b.state).toBe('open');
    now = 2500;
    expect(b.acquire()).toMatchObject({ ok: true, probe: true });
    b.success();
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('a streak from one symbol does not open it while the source has others; source-wide failures do', () => {
    const b = new CircuitBreaker({ failures: 3, openMs: 1000 }, () => 0);
    b.minScopes = () => 2;
    for (let i = 0; i < 10; i++) b.failure('ETH/USDT');
    expect(b.state).toBe('closed');
    b.failure('BTC/USDT');
    expect(b.state).toBe('open');
    const c = new CircuitBreaker({ failures: 3, openMs: 1000 }, () => 0);
    c.minScopes = () => 2;
    for (let i = 0; i < 3; i++) c.failure(null);
    expect(c.state).toBe('open');
  });
});

describe('discovery', () => {
  const markets = [
    { symbol: 'BTC/USDT', quote: 'USDT', spot: true, active: true },
    { symbol: 'ETH/USDT', quote: 'USDT', spot: true, active: true },
    { symbol: 'DOGE/USDT', quote: 'USDT', spot: true, active: true },
    { symbol: 'OLD/USDT', quote: 'USDT', spot: true, active: false },
    { symbol: 'BTC/USDT:USDT', quote: 'USDT', spot: false, active: true },
    { symbol: 'ETH/BTC', quote: 'BTC', spot: true, active: true },
    { symbol: 'TINY/USDT', quote: 'USDT', spot: true, active: true },
  ];
  const tickers = [
    { symbol: 'BTC/USDT', quoteVolume: 3e9 },
    { symbol: 'ETH/USDT', quoteVolume: 2e9 },
    { symbol: 'DOGE/USDT', quoteVolume: 5e8 },
    { symbol: 'OLD/USDT', quoteVolume: 9e9 },
    { symbol: 'BTC/USDT:USDT', quoteVolume: 8e9 },
    { symbol: 'ETH/BTC', quoteVolume: 4e9 },
    { symbol: 'TINY/USDT', quoteVolume: 1e3 },
  ];
  it('ranks by 24h quote volume after filters, honours include/exclude, and gives every reason', () => {
    const r = discover({ top: 2, quote: 'USDT', minQuoteVolume: 1e6, include: ['TINY/USDT'], exclude: ['ETH/USDT'] }, markets, tickers, 5);
    expect(r.picked).toEqual([
      { symbol: 'TINY/USDT', rank: null, quoteVolume: 1e3, reason: 'included by the include list' },
      { symbol: 'BTC/USDT', rank: 1, quoteVolume: 3e9, reason: '#1 by 24h quote volume (3.00B USDT)' },
    ]);
    const why = Object.fromEntries(r.rejected.map((p) => [p.symbol, p.reason]));
    expect(why).toEqual({
      'OLD/USDT': 'market not active (not trading)',
      'BTC/USDT:USDT': 'not a spot market',
      'ETH/BTC': 'quote BTC, not USDT',
      'ETH/USDT': 'excluded by the exclude list',
      'DOGE/USDT': '#2 by 24h quote volume: outside the top 2',
    });
    expect(r.refreshedAt).toBe(5);
  });
});

describe('CSV', () => {
  it('accepts an optional header, rejects seconds and unordered rows with line numbers, and round-trips', () => {
    const ok = parseCandlesCsv('1700000040000,1,2,0.5,1.5,10\n1700000100000,1.5,2,1,1,0\n', '1m');
    expect(ok.problems).toEqual([]);
    expect(candlesToCsv(ok.rows)).toBe('timestamp,open,high,low,close,volume\n1700000040000,1,2,0.5,1.5,10\n1700000100000,1.5,2,1,1,0\n');
    const bad = parseCandlesCsv('time,o,h,l,c,v\n1700000040,1,2,0.5,1.5,10\n1700000100000,1,2,0.5,1.5,1\n1700000040000,1,2,0.5,1.5,1\n1700000160000,1,2,0.5,1.5,-1\n', '1m');
    expect(bad.problems).toEqual([
      { line: 1, reason: 'header must be "timestamp,open,high,low,close,volume"' },
      { line: 2, reason: 'timestamp looks like seconds, not milliseconds' },
      { line: 4, reason: 'timestamp is earlier than the previous row (rows must be ascending)' },
      { line: 5, reason: 'volume must not be negative' },
    ]);
  });
});

describe('health helpers', () => {
  it('freshness is relative to the timeframe', () => {
    const H = 3_600_000;
    const now = 100 * H + 10;
    expect(freshnessOf(99 * H, '1h', now)).toBe('fresh'); // the bar that closed at 100h
    expect(freshnessOf(98 * H, '1h', now)).toBe('fresh'); // one behind, 10 ms after the close: being fetched
    expect(freshnessOf(98 * H, '1h', now + 120_000)).toBe('aging'); // still one behind 2 min later
    expect(freshnessOf(96 * H, '1h', now)).toBe('aging');
    expect(freshnessOf(90 * H, '1h', now)).toBe('stale');
    expect(freshnessOf(null, '1h', now)).toBe('none');
    expect(freshnessOf(now - 120_000, '1m', now)).toBe('fresh');
  });

  it('classifies ccxt errors and reads Retry-After', async () => {
    const ccxt = await loadCcxt();
    expect(classify(new ccxt.RateLimitExceeded('x')).kind).toBe('rate_limit');
    expect(classify(new ccxt.DDoSProtection('x')).kind).toBe('ddos_protection');
    expect(classify(new ccxt.RequestTimeout('x')).kind).toBe('timeout');
    expect(classify(new ccxt.ExchangeNotAvailable('x')).kind).toBe('exchange_unavailable');
    expect(classify(new ccxt.NetworkError('x')).kind).toBe('network');
    expect(classify(new ccxt.BadSymbol('x')).kind).toBe('bad_symbol');
    expect(classify(new ccxt.AuthenticationError('x')).kind).toBe('auth');
    expect(classify(new SyntaxError('x')).kind).toBe('bad_response');
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('nonsense')).toBeNull();
    expect(validateOhlcv([[1, 1, 1, 1, 1, 1], [2, 1, 1, 1, 1, 1]])).toBeNull();
    expect(validateOhlcv('garbage')).toMatch(/not a list/);
    expect(validateOhlcv([[1, 1, 1, 1, 1, undefined]])).toMatch(/non-numeric/);
    expect(validateOhlcv([[2, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]])).toMatch(/ascending/);
  });
});

describe('schema', () => {
  it('a database from before the collector (version 6) gains its tables when opened', async () => {
    const { openDatabase } = await import('../../db/database');
    const { MIGRATIONS, migrate } = await import('../../db/migrations/index');
    const { CandlesRepo } = await import('../../db/repos/candles');
    const { Collector } = await import('../../engine/market/collector');
    const { tempDir } = await import('../helpers/serve');
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const path = await import('node:path');
    const dir = tempDir('sd-schema-');
    const file = path.join(dir, 'signaldesk.db');
    const old = new BetterSqlite3(file);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 6));
    expect(old.pragma('user_version', { simple: true })).toBe(6);
    expect(old.prepare("SELECT 1 FROM sqlite_master WHERE name = 'market_sources'").get()).toBeUndefined();
    old.close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    const c = new Collector(db, new CandlesRepo(db), dir, () => undefined);
    c.start();
    expect(c.list()).toEqual([]);
    expect(c.listJobs()).toEqual([]);
    c.stop();
    db.close();
  });

  it('a database from version 7 gains the request-count table (8), and the counts are kept for a day', async () => {
    const { openDatabase } = await import('../../db/database');
    const { MIGRATIONS, migrate } = await import('../../db/migrations/index');
    const { CollectorRequestsRepo } = await import('../../db/repos/collector-requests');
    const { tempDir } = await import('../helpers/serve');
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const path = await import('node:path');
    const file = path.join(tempDir('sd-schema8-'), 'signaldesk.db');
    const old = new BetterSqlite3(file);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 7));
    expect(old.prepare("SELECT 1 FROM sqlite_master WHERE name = 'collector_requests'").get()).toBeUndefined();
    old.close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(8);
    const repo = new CollectorRequestsRepo(db);
    const now = 30_000_000;
    repo.save('x', [{ feed: '', minute: now - 2000, n: 9 }, { feed: '', minute: now - 10, n: 3 }, { feed: 'BTC/USDT|1m', minute: now, n: 2 }], now);
    repo.save('x', [{ feed: '', minute: now - 10, n: 5 }], now); // absolute: replaces
    expect(repo.recent('x', now)).toEqual([{ feed: '', minute: now - 10, n: 5 }, { feed: 'BTC/USDT|1m', minute: now, n: 2 }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM collector_requests').get()).toEqual({ n: 2 }); // older than a day: pruned
    repo.removeSource('x');
    expect(repo.recent('x', now)).toEqual([]);
    db.close();
  });
});
