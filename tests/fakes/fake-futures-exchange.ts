/**
 * A fake Binance USDⓈ-M futures API (fapi) on loopback: the subset ccxt's binanceusdm calls for
 * funding, open interest and the order book — GET /fapi/v1/exchangeInfo (markets),
 * /fapi/v1/premiumIndex (fetchFundingRate), /fapi/v1/fundingRate (fetchFundingRateHistory),
 * /fapi/v1/openInterest (fetchOpenInterest), /futures/data/openInterestHist
 * (fetchOpenInterestHistory) and /fapi/v1/depth (fetchOrderBook). Numbers are strings, as
 * Binance sends them. Values are set by the test; faults per path: 429 with Retry-After,
 * malformed JSON, and a non-numeric value.
 */
import type http from 'node:http';
import { LoopbackServer } from './loopback';

export type FuturesFault = 'rateLimit' | 'malformed' | 'nan';

export interface FuturesState {
  /** Funding history: [fundingTime ms, rate]. */
  fundingHistory: Array<[number, number]>;
  /** The latest funding reading (premiumIndex): rate and its time. */
  funding: { rate: number; time: number };
  openInterestHistory: Array<[number, number]>;
  openInterest: { amount: number; time: number };
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
  bookTime: number;
}

export class FakeFuturesExchange {
  readonly requests: Array<{ path: string; query: Record<string, string>; status: number }> = [];
  private readonly faults: Array<{ fault: FuturesFault; path: string; times: number; retryAfterSec?: number }> = [];
  url = '';
  private readonly loop = new LoopbackServer((req, res) => this.handle(req, res));

  constructor(readonly state: FuturesState) {}

  async start(): Promise<string> {
    this.url = await this.loop.start();
    return this.url;
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  inject(fault: FuturesFault, path: string, o: { times?: number; retryAfterSec?: number } = {}): void {
    this.faults.push({ fault, path, times: o.times ?? 1, retryAfterSec: o.retryAfterSec });
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    const q = Object.fromEntries(u.searchParams.entries());
    const log = { path: u.pathname, query: q, status: 200 };
    this.requests.push(log);
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      log.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    const i = this.faults.findIndex((f) => f.path === u.pathname);
    let nan = false;
    if (i >= 0) {
      const f = this.faults[i]!;
      if (--f.times <= 0) this.faults.splice(i, 1);
      if (f.fault === 'rateLimit') return send(429, JSON.stringify({ code: -1003, msg: 'Too many requests.' }), { 'retry-after': String(f.retryAfterSec ?? 1) });
      if (f.fault === 'malformed') return send(200, '{"symbol": "BTCUSDT", "lastFund');
      nan = true;
    }
    const body = this.route(u.pathname, q, nan);
    if (body === null) return send(404, JSON.stringify({ code: -1, msg: `fake futures: no route ${u.pathname}` }));
    if (body === 'bad-symbol') return send(400, JSON.stringify({ code: -1121, msg: 'Invalid symbol.' }));
    send(200, JSON.stringify(body));
  }

  private route(path: string, q: Record<string, string>, nan: boolean): unknown {
    const s = this.state;
    const n = (v: number): string => (nan ? 'NaN-ish' : String(v));
    if (path === '/fapi/v1/exchangeInfo') return exchangeInfo();
    if (path !== '/fapi/v1/exchangeInfo' && q['symbol'] !== undefined && q['symbol'] !== 'BTCUSDT') return 'bad-symbol';
    if (path === '/fapi/v1/premiumIndex') {
      return { symbol: 'BTCUSDT', markPrice: '50000.00', indexPrice: '49990.00', estimatedSettlePrice: '49995.00', lastFundingRate: n(s.funding.rate), interestRate: '0.00010000', nextFundingTime: s.funding.time + 8 * 3_600_000, time: s.funding.time };
    }
    if (path === '/fapi/v1/fundingRate') {
      const since = Number(q['startTime'] ?? 0);
      const limit = Number(q['limit'] ?? 100);
      return s.fundingHistory.filter(([t]) => t >= since).slice(0, limit).map(([t, r]) => ({ symbol: 'BTCUSDT', fundingTime: t, fundingRate: n(r), markPrice: '50000.00' }));
    }
    if (path === '/fapi/v1/openInterest') return { openInterest: n(s.openInterest.amount), symbol: 'BTCUSDT', time: s.openInterest.time };
    if (path === '/futures/data/openInterestHist') {
      const since = Number(q['startTime'] ?? 0);
      const end = Number(q['endTime'] ?? Number.MAX_SAFE_INTEGER);
      const limit = Number(q['limit'] ?? 30);
      return s.openInterestHistory.filter(([t]) => t >= since && t <= end).slice(0, limit).map(([t, a]) => ({ symbol: 'BTCUSDT', sumOpenInterest: n(a), sumOpenInterestValue: String(a * 50000), timestamp: t }));
    }
    if (path === '/fapi/v1/depth') {
      return { lastUpdateId: 1, E: s.bookTime, T: s.bookTime, bids: s.bids.map(([p, a]) => [n(p), String(a)]), asks: s.asks.map(([p, a]) => [String(p), String(a)]) };
    }
    return null;
  }
}

function exchangeInfo(): unknown {
  return {
    timezone: 'UTC',
    serverTime: Date.now(),
    futuresType: 'U_MARGINED',
    rateLimits: [],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: [
      {
        symbol: 'BTCUSDT',
        pair: 'BTCUSDT',
        contractType: 'PERPETUAL',
        deliveryDate: 4133404800000,
        onboardDate: 1569398400000,
        status: 'TRADING',
        maintMarginPercent: '2.5000',
        requiredMarginPercent: '5.0000',
        baseAsset: 'BTC',
        quoteAsset: 'USDT',
        marginAsset: 'USDT',
        pricePrecision: 2,
        quantityPrecision: 3,
        baseAssetPrecision: 8,
        quotePrecision: 8,
        underlyingType: 'COIN',
        underlyingSubType: ['PoW'],
        triggerProtect: '0.0500',
        liquidationFee: '0.012500',
        marketTakeBound: '0.05',
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
          { filterType: 'LOT_SIZE', stepSize: '0.001', maxQty: '1000', minQty: '0.001' },
          { filterType: 'MARKET_LOT_SIZE', stepSize: '0.001', maxQty: '120', minQty: '0.001' },
          { filterType: 'MAX_NUM_ORDERS', limit: 200 },
          { filterType: 'MIN_NOTIONAL', notional: '100' },
          { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
        ],
        orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
        timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
      },
    ],
  };
}
