/**
 * ccxt series through the exchange gateway against a fake Binance USDⓈ-M futures API on loopback
 * (ccxt's binanceusdm pointed at it by baseUrl): funding and open interest back-filled from their
 * history endpoints then polled, book snapshots reduced to the stored figures, a 422 for an
 * exchange whose ccxt class lacks the method, and faults that store nothing.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ApiError } from '../../engine/api/errors';
import { parseInput } from '../../engine/api';
import { FakeFuturesExchange, type FuturesState } from '../fakes/fake-futures-exchange';
import { it, until } from './rig';
import { seriesRig, type SeriesRig } from './series-rig';

const H = 3_600_000;
const now = Date.now();
const t0 = Math.floor(now / (8 * H)) * 8 * H - 24 * H;
const state: FuturesState = {
  fundingHistory: [[t0, 0.0001], [t0 + 8 * H, 0.0003], [t0 + 16 * H, -0.0002]],
  funding: { rate: 0.00042, time: now - 1000 },
  openInterestHistory: [[now - 3 * 300_000, 1000], [now - 2 * 300_000, 1010], [now - 300_000, 1020]],
  openInterest: { amount: 1033.5, time: now - 500 },
  bids: [[49990, 1], [49800, 2], [49600, 1], [49000, 5]],
  asks: [[50010, 1], [50200, 1], [50400, 1], [51000, 3]],
  bookTime: now - 200,
};

let fx: FakeFuturesExchange;
beforeAll(async () => {
  fx = new FakeFuturesExchange(state);
  await fx.start();
});
afterAll(() => fx.stop());

const SYM = 'BTC/USDT:USDT';
const read = (r: SeriesRig, series: string) => r.collector.series.read(parseInput('market.series', { source: 'bn', series, symbol: SYM }));
const addBn = (r: SeriesRig, extra: Record<string, unknown> = {}) =>
  r.add({ id: 'bn', kind: 'ccxt', exchange: 'binanceusdm', baseUrl: fx.url, symbols: [SYM], timeframes: [], series: ['funding', 'open_interest', 'book'], intervalSeconds: 1, rateLimitMs: 1, costPerMonth: 0, ...extra });

describe('ccxt series', () => {
  it('back-fills funding and open interest from history, then adds the latest readings; books become the stored figures', async ({ track }) => {
    const r = track(seriesRig());
    const view = await addBn(r);
    expect(view.ext?.series).toEqual(expect.arrayContaining(['funding', 'open_interest', 'book_spread', 'book_mid', 'book_imbalance_1pct']));
    await until(() => read(r, 'funding').length >= 4 && read(r, 'open_interest').length >= 4 && read(r, 'book_mid').length >= 1, 15_000, 'series');
    expect(read(r, 'funding')).toEqual([[t0, 0.0001], [t0 + 8 * H, 0.0003], [t0 + 16 * H, -0.0002], [now - 1000, 0.00042]]);
    expect(read(r, 'open_interest')).toEqual([[now - 900_000, 1000], [now - 600_000, 1010], [now - 300_000, 1020], [now - 500, 1033.5]]);
    expect(fx.count('/fapi/v1/fundingRate')).toBe(1);
    expect(fx.count('/futures/data/openInterestHist')).toBe(1);
    const at = state.bookTime;
    expect(read(r, 'book_spread')).toEqual([[at, 20]]);
    expect(read(r, 'book_mid')).toEqual([[at, 50000]]);
    expect(read(r, 'book_bid_depth_0_5pct')).toEqual([[at, 49990 + 49800 * 2]]);
    expect(read(r, 'book_ask_depth_0_5pct')).toEqual([[at, 50010 + 50200]]);
    expect(read(r, 'book_bid_depth_1pct')).toEqual([[at, 49990 + 49800 * 2 + 49600]]);
    expect(read(r, 'book_ask_depth_1pct')).toEqual([[at, 50010 + 50200 + 50400]]);
    const [b05, a05] = [49990 + 49800 * 2, 50010 + 50200];
    expect(read(r, 'book_imbalance_0_5pct')[0]![1]).toBeCloseTo((b05 - a05) / (b05 + a05), 12);
    const list = r.collector.series.list('bn');
    expect(list.find((s) => s.series === 'funding')).toMatchObject({ symbol: SYM, feature: 'ext_bn_funding', lastValue: 0.00042, unit: 'rate / interval' });
    const h = r.collector.healthReport('bn')[0]!;
    expect(h.requests24h).toBeGreaterThanOrEqual(6);
  });

  it('refuses a series the exchange cannot fetch with 422 naming the method; series need symbols', async ({ track }) => {
    const r = track(seriesRig());
    const e = await r.add({ id: 'cb', kind: 'ccxt', exchange: 'coinbase', symbols: ['BTC/USD'], timeframes: [], series: ['funding'] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('UNPROCESSABLE');
    expect((e as ApiError).details).toMatchObject({ series: 'funding', method: 'fetchFundingRate' });
    expect(r.collector.sources.get('cb')).toBeUndefined();
    const e2 = await r.add({ id: 'x', kind: 'ccxt', exchange: 'binanceusdm', discovery: { top: 5 }, timeframes: [], series: ['book'] }).catch((x: unknown) => x);
    expect((e2 as ApiError).details).toMatchObject({ fields: ['symbols'] });
    const e3 = await r.add({ id: 'x', kind: 'ccxt', exchange: 'binanceusdm', symbols: [SYM], timeframes: [] }).catch((x: unknown) => x);
    expect((e3 as ApiError).details).toMatchObject({ fields: ['timeframes', 'series'] });
  });

  it('a 429 is the source error with its hold; a non-numeric value stores nothing of that answer', async ({ track }) => {
    const r = track(seriesRig());
    const from = fx.requests.length;
    fx.inject('rateLimit', '/fapi/v1/premiumIndex', { times: 1, retryAfterSec: 1 });
    fx.inject('nan', '/fapi/v1/openInterest', { times: 1 });
    await addBn(r, { series: ['funding', 'open_interest'] });
    await until(() => r.collector.series.list('bn').length >= 2, 15_000, 'history stored');
    await until(() => r.collector.healthReport('bn')[0]!.lastError, 15_000, 'an error');
    const errs = () => r.collector.series.list('bn').map((s) => s.lastError).filter(Boolean).join(' | ');
    await until(() => /openInterestAmount/.test(errs()), 15_000, 'the open interest error');
    // The NaN answer added nothing: only the history so far, or the good reading after it.
    expect(read(r, 'open_interest').every(([, v]) => Number.isFinite(v))).toBe(true);
    expect(read(r, 'open_interest').some(([t]) => t === state.openInterest.time)).toBe(false);
    await until(() => read(r, 'funding').some(([t]) => t === state.funding.time), 15_000, 'funding after the hold');
    expect(fx.requests.slice(from).filter((q) => q.path === '/fapi/v1/premiumIndex').map((q) => q.status).slice(0, 2)).toEqual([429, 200]);
    await until(() => read(r, 'open_interest').some(([t]) => t === state.openInterest.time), 15_000, 'open interest on the next poll');
  });
});
