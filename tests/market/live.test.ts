/**
 * Live polling through real ccxt against the fake exchange running its clock 60× (a 1m bar closes
 * every real second): candle.closed exactly once per closed bar, revised and missing bars,
 * a failing symbol that does not stall the others, the circuit breaker and Retry-After back-off.
 */
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { TIMEFRAME_MS, type CandleEvent } from '../../engine/api';
import { FakeMarketExchange } from '../fakes/fake-exchange-market';
import { collectorRig, it, until, type CollectorRig } from './rig';

const M = TIMEFRAME_MS['1m'];
let fx: FakeMarketExchange;
beforeAll(async () => {
  fx = new FakeMarketExchange({ clockStart: Date.now() - 10 * 86_400_000, speed: 60 });
  await fx.start();
});
afterAll(() => fx.stop());
afterEach(() => {
  fx.clearFaults();
});

const closed = (rr: CollectorRig, symbol: string): CandleEvent[] => rr.of('candle.closed').filter((e) => e.source === 'fake' && e.symbol === symbol);
const storedBar = (rr: CollectorRig, symbol: string, ts: number): number[] | undefined => {
  const x = rr.db.prepare('SELECT ts, open, high, low, close, volume FROM named_candles WHERE source = ? AND symbol = ? AND timeframe = ? AND ts = ?').get('fake', symbol, '1m', ts) as any;
  return x ? [x.ts, x.open, x.high, x.low, x.close, x.volume] : undefined;
};

function expectExactlyOnce(events: CandleEvent[]): void {
  const ts = events.map((e) => e.candle[0]);
  expect(new Set(ts).size).toBe(ts.length);
  expect([...ts].sort((a, b) => a - b)).toEqual(ts);
}

describe('live polling', () => {
  it('emits candle.closed exactly once per closed bar; revised bars are stored, missing bars become known gaps; a failing symbol does not stall the others', async ({ track }) => {
    const r = track(collectorRig(fx, { breaker: { failures: 3, openMs: 60_000 } })); // ETH alone must not open it
    fx.inject('server', { path: '/klines', symbol: 'ETHUSDT', times: 100_000 });
    const firstClose = Math.floor(fx.now() / M) * M + M; // the forming bar closes here
    await r.addSource({ symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], timeframes: ['1m'] });
    await until(() => closed(r!, 'BTC/USDT').length >= 1, 15_000, 'first BTC close');
    // The next BTC bar to close is served provisional first (asked right after a close, so the
    // collector sees it closed), then revised; the fake says which bar that was.
    fx.reviseNextClose('BTCUSDT', '1m');
    await until(() => closed(r!, 'SOL/USDT').length >= 1, 15_000, 'first SOL close');
    // A SOL bar the exchange will never have: three bars after the one forming now, so SOL has
    // live bars on both sides of it whatever the machine's speed.
    const lacking = Math.floor(fx.now() / M) * M + 3 * M;
    fx.removeBars('SOLUSDT', '1m', [lacking]);
    await until(() => closed(r!, 'BTC/USDT').length >= 6 && closed(r!, 'SOL/USDT').some((e) => e.candle[0] > lacking), 30_000, 'six BTC closes, SOL past the lacking bar');
    expect(fx.provisionalBars('BTCUSDT', '1m')).toHaveLength(1);
    const revisedTs = fx.provisionalBars('BTCUSDT', '1m')[0]!;

    for (const s of ['BTC/USDT', 'SOL/USDT']) expectExactlyOnce(closed(r, s));
    const btc = closed(r, 'BTC/USDT').map((e) => e.candle[0]);
    for (let i = 1; i < btc.length; i++) expect(btc[i]! - btc[i - 1]!).toBe(M);
    expect(btc[0]).toBeGreaterThanOrEqual(firstClose - M); // history before the start is not a live close
    // The SOL bar the exchange lacks is not emitted, is recorded as a known gap, nothing else is missing.
    const sol = closed(r, 'SOL/USDT').map((e) => e.candle[0]);
    expect(sol[0]).toBeLessThan(lacking);
    expect(sol).not.toContain(lacking);
    const known = r.collector.gaps.known({ source: 'fake', symbol: 'SOL/USDT', timeframe: '1m' });
    expect(known.map((g) => g.start)).toContain(lacking);
    for (let i = 1; i < sol.length; i++) expect(sol[i]! - sol[i - 1]!).toBe(sol[i - 1] === lacking - M ? 2 * M : M);
    // The revised BTC bar: emitted once (provisional), then stored with the exchange's final values.
    const ev = closed(r, 'BTC/USDT').filter((e) => e.candle[0] === revisedTs);
    expect(ev).toHaveLength(1);
    expect(ev[0]!.candle[4]).not.toBe(fx.bar('BTCUSDT', '1m', revisedTs)![4]);
    await until(() => storedBar(r!, 'BTC/USDT', revisedTs)?.[4] === fx.bar('BTCUSDT', '1m', revisedTs)![4], 10_000, 'revision stored');
    expect(storedBar(r, 'BTC/USDT', revisedTs)).toEqual(fx.bar('BTCUSDT', '1m', revisedTs));
    // Every emitted (non-revised) bar is the exchange's bar, and it is stored.
    for (const e of closed(r, 'SOL/USDT')) expect(e.candle).toEqual(fx.bar('SOLUSDT', '1m', e.candle[0]));

    // ETH never delivered: its feed is failed, the source degraded (not open: the others succeed).
    expect(closed(r, 'ETH/USDT')).toEqual([]);
    const h = r.collector.healthReport('fake')[0]!;
    expect(h.circuit).toBe('closed');
    expect(h.feeds.find((f) => f.symbol === 'ETH/USDT')).toMatchObject({ status: 'failed', lastError: { kind: 'exchange_unavailable' } });
    expect(h.feeds.find((f) => f.symbol === 'BTC/USDT')).toMatchObject({ status: 'healthy', freshness: 'fresh' });
    expect(h.status).toBe('degraded');
    // Close-to-event latency is measured, not asserted here (its figures: `npm run bench -- collector`).
    expect(h.closeToEvent!.n).toBeGreaterThanOrEqual(10);
    expect(r.of('market.health.changed').some((e) => e.symbol === 'ETH/USDT' && e.status === 'failed')).toBe(true);
  });

  it('opens the circuit after consecutive failures, probes half-open, recovers, and catches up without losing a bar', async ({ track }) => {
    const r = track(collectorRig(fx, { breaker: { failures: 3, openMs: 400 } }));
    await r.addSource({ symbols: ['BTC/USDT'], timeframes: ['1m'] });
    await until(() => closed(r!, 'BTC/USDT').length >= 2, 15_000, 'bars flowing');
    fx.inject('server', { path: '/klines', times: 100_000 });
    await until(() => r.collector.healthReport('fake')[0]!.status === 'circuit_open', 15_000, 'circuit open');
    const opened = r.of('market.health.changed').find((e) => e.symbol === null && e.status === 'circuit_open');
    expect(opened).toBeDefined();
    // While open, requests are held back: only half-open probes reach the exchange, one per
    // open period (the source's only feed polls one request at a time, so each is a probe).
    const probes = () => fx.requests.filter((q) => q.path.endsWith('/klines') && q.at > opened!.at);
    await until(() => probes().length >= 3, 15_000, 'three half-open probes');
    const at = probes().map((q) => q.at);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(400);
    fx.clearFaults();
    await until(() => r.collector.healthReport('fake')[0]!.status === 'healthy', 15_000, 'recovered');
    const changes = r.of('market.health.changed').filter((e) => e.symbol === null).map((e) => e.status);
    expect(changes.slice(changes.indexOf('circuit_open'))).toContain('healthy');
    const before = closed(r, 'BTC/USDT').length;
    await until(() => closed(r!, 'BTC/USDT').length >= before + 2, 15_000, 'bars flowing again');
    const ev = closed(r, 'BTC/USDT');
    expectExactlyOnce(ev);
    const ts = ev.map((e) => e.candle[0]);
    for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBe(M); // the outage's bars were caught up
  });

  it('honours Retry-After on 418 and 429: no request to the exchange until it has passed', async ({ track }) => {
    const r = track(collectorRig(fx));
    await r.addSource({ symbols: ['BTC/USDT', 'SOL/USDT'], timeframes: ['1m'] });
    await until(() => closed(r!, 'BTC/USDT').length >= 1, 15_000, 'bars flowing');
    fx.inject('ban', { path: '/klines', retryAfterSec: 2 });
    await until(() => fx.requests.some((q) => q.fault === 'ban'), 10_000, 'ban served');
    const ban = fx.requests.find((q) => q.fault === 'ban')!;
    await until(() => r.collector.healthReport('fake')[0]!.backoffUntil !== null, 5000, 'back-off');
    expect(r.collector.healthReport('fake')[0]!.status).toBe('degraded');
    // Requests are logged in arrival order: once one has arrived after the window, none can still
    // arrive inside it. (A request already on the wire when the ban arrived may land within a few ms.)
    const klinesAfter = (t: number) => fx.requests.some((q) => q.at >= t && q.path.endsWith('/klines'));
    await until(() => klinesAfter(ban.at + 1950), 15_000, 'requests after the ban');
    // Inside the window: nothing for the banned symbol, and at most the one request per other
    // symbol that was already on the wire when the ban came back (never a second one).
    const inWindow = fx.requests.filter((q) => q.at > ban.at && q.at < ban.at + 1950);
    expect(inWindow.filter((q) => q.symbol === ban.symbol)).toEqual([]);
    expect(new Set(inWindow.map((q) => q.symbol)).size).toBe(inWindow.length);
    fx.inject('rateLimit', { path: '/klines', retryAfterSec: 1 });
    await until(() => fx.requests.some((q) => q.fault === 'rateLimit'), 10_000, '429 served');
    const rl = fx.requests.find((q) => q.fault === 'rateLimit')!;
    await until(() => klinesAfter(rl.at + 950), 15_000, 'requests after the 429');
    expect(fx.requests.filter((q) => q.at > rl.at + 50 && q.at < rl.at + 950)).toEqual([]);
    expect(r.collector.healthReport('fake')[0]!.lastError?.kind).toMatch(/rate_limit|ddos_protection/);
    for (const s of ['BTC/USDT', 'SOL/USDT']) expectExactlyOnce(closed(r, s));
  });

  it('picks symbols by discovery: top N by 24h quote volume with filters, and says why', async ({ track }) => {
    const r = track(collectorRig(fx));
    await r.addSource({ symbols: undefined, discovery: { top: 2, quote: 'USDT', exclude: ['ETH/USDT'] }, timeframes: ['1m'] });
    const v = await until(() => r.collector.list()[0]?.discovered, 15_000, 'discovery');
    expect(v.picked.map((p) => p.symbol)).toEqual(['BTC/USDT', 'SOL/USDT']);
    expect(v.picked[0]!.reason).toMatch(/#1 by 24h quote volume/);
    const why = Object.fromEntries(v.rejected.map((p) => [p.symbol, p.reason]));
    expect(why['ETH/USDT']).toMatch(/excluded/);
    expect(why['ETH/BTC']).toMatch(/quote BTC/);
    expect(r.collector.list()[0]!.symbols).toEqual(['BTC/USDT', 'SOL/USDT']);
    await until(() => closed(r!, 'SOL/USDT').length >= 1, 15_000, 'discovered symbol live');
  });

  it('a rate-limited feed says why and when it is tried again; request counts of the last 24 h survive a restart', async ({ track }) => {
    let r = track(collectorRig(fx));
    await r.addSource({ symbols: ['BTC/USDT', 'SOL/USDT'], timeframes: ['1m'] });
    const feedOf = (rr: CollectorRig, symbol: string) => rr.collector.healthReport('fake')[0]!.feeds.find((f) => f.symbol === symbol);
    await until(() => (feedOf(r!, 'SOL/USDT')?.requests24h ?? 0) >= 4, 20_000, 'a few SOL polls');
    // Retry-After 20 s on SOL's candles: the feed says rate limited, and when it is tried again.
    fx.inject('rateLimit', { path: '/klines', symbol: 'SOLUSDT', retryAfterSec: 20 });
    const sol = await until(() => {
      const f = feedOf(r!, 'SOL/USDT');
      return f && f.status !== 'healthy' && /rate_limit|ddos_protection/.test(f.lastError?.kind ?? '') ? f : null;
    }, 15_000, 'SOL rate limited');
    // Tried again when Retry-After has passed: 20 s after the 429 arrived, and no later than 20 s from now.
    const limited = fx.requests.find((q) => q.fault === 'rateLimit')!;
    expect(sol.retryAt).not.toBeNull();
    expect(sol.retryAt!).toBeGreaterThanOrEqual(limited.at + 20_000);
    expect(sol.retryAt!).toBeLessThanOrEqual(Date.now() + 20_000);
    const src = r.collector.healthReport('fake')[0]!;
    expect(src.retryAt).not.toBeNull();
    // Counts are stored: a restart (of the source, or of the host) keeps them.
    r.collector.enable('fake', false);
    const before = r.collector.healthReport('fake')[0]!;
    expect(before.requests24h).toBeGreaterThanOrEqual(8);
    const solBefore = sol.requests24h;
    r.collector.flushRequests();
    fx.clearFaults();
    r = track(r.restart());
    expect(r.collector.healthReport('fake')[0]!.requests24h).toBe(before.requests24h); // disabled: nothing new
    r.collector.enable('fake', true);
    await until(() => feedOf(r!, 'SOL/USDT'), 15_000, 'SOL feed back');
    expect(feedOf(r, 'SOL/USDT')!.requests24h).toBeGreaterThanOrEqual(solBefore);
    expect(r.collector.healthReport('fake')[0]!.requests24h).toBeGreaterThan(before.requests24h);
  });

  it('an answer that arrives after a bar closed, computed while it was forming, is not taken for the closed bar', async () => {
    // Answers computed at the request and delivered 1.5 s (90 s of exchange time) later.
    const late = new FakeMarketExchange({ clockStart: Date.now() - 10 * 86_400_000, speed: 60, slowMs: 1500 });
    await late.start();
    const rr = collectorRig(late, { timeoutMs: 5000 });
    try {
      await rr.addSource({ symbols: ['BTC/USDT'], timeframes: ['1m'] });
      await until(() => closed(rr, 'BTC/USDT').length >= 1, 15_000, 'first close');
      late.inject('late', { path: '/klines', symbol: 'BTCUSDT', times: 4 });
      await until(() => late.requests.filter((q) => q.fault === 'late').length >= 4, 30_000, 'late answers served');
      const n = closed(rr, 'BTC/USDT').length;
      await until(() => closed(rr, 'BTC/USDT').length >= n + 3, 20_000, 'closes after the late answers');
      const ev = closed(rr, 'BTC/USDT');
      expectExactlyOnce(ev);
      // Every closed bar published is the exchange's final bar, never a forming snapshot.
      for (const e of ev) expect(e.candle).toEqual(late.bar('BTCUSDT', '1m', e.candle[0]));
      const ts = ev.map((e) => e.candle[0]);
      for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBe(M);
    } finally {
      rr.close();
      await late.stop();
    }
  });
});
