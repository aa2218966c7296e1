/**
 * A fake Binance spot exchange on loopback, speaking the public market-data endpoints ccxt calls:
 * GET /api/v3/exchangeInfo (markets), /api/v3/ticker/24hr (tickers, one or all) and
 * /api/v3/klines (OHLCV: symbol, interval, startTime, endTime, limit ≤ 1000, ascending, the
 * forming bar last). Bars are deterministic per (symbol, interval, open time), so a test knows
 * exactly which bars exist. It can lack bars for good (`removeBars`), serve a provisional last
 * bar that is revised later (`reviseNextClose`), and inject faults per request: 429 and 418 with
 * Retry-After, 5xx, slow answers past the client's timeout, malformed JSON, connection resets.
 * Its clock can run fast (`speed`) from a start in the past, so live tests see bars close every
 * second without waiting minutes; it never runs ahead of real time (ccxt caps endTime at now).
 */
import http from 'node:http';
import { LoopbackServer } from './loopback';

export type MarketFault = 'rateLimit' | 'ban' | 'server' | 'internal' | 'slow' | 'late' | 'malformed' | 'reset';

export interface FakeSymbol {
  /** Exchange id, e.g. BTCUSDT. */
  id: string;
  base: string;
  quote: string;
  price: number;
  /** 24h quote volume reported by the ticker. */
  quoteVolume: number;
  /** First bar open time (ms); no bars before. */
  listedAt?: number;
  status?: 'TRADING' | 'BREAK';
}

export interface FakeMarketOptions {
  symbols?: FakeSymbol[];
  /** Exchange clock start (ms, in the past) and speed; defaults: real time. */
  clockStart?: number;
  /** The real time at which the clock reads `clockStart` (default: now). */
  realStart?: number;
  speed?: number;
  /** Hold slow answers this long (ms) before answering. */
  slowMs?: number;
  maxLimit?: number;
}

interface PendingFault {
  fault: MarketFault;
  path?: string;
  symbol?: string;
  times: number;
  retryAfterSec?: number;
}

const INTERVAL_MS: Record<string, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
};

/** Deterministic pseudo-random in [0, 1) from a string and a number. */
function rand(s: string, n: number): number {
  let h = 2166136261 ^ n;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (n / 4294967296), 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

const r8 = (v: number): string => v.toFixed(8);

export class FakeMarketExchange {
  readonly symbols: FakeSymbol[];
  readonly requests: Array<{ path: string; symbol: string | null; startTime: number | null; limit: number | null; at: number; status: number; fault: MarketFault | null }> = [];
  slowMs: number;
  readonly maxLimit: number;
  url = '';
  private readonly faults: PendingFault[] = [];
  /** symbol|interval → open times the exchange does not have. */
  private readonly removed = new Map<string, Set<number>>();
  /** symbol|interval → closed bars served provisionally once (then final). */
  private readonly provisional = new Map<string, Set<number>>();
  private readonly revisePending = new Set<string>();
  private readonly loop = new LoopbackServer((req, res) => this.handle(req, res), { keepAliveTimeoutMs: 1000 });
  private readonly realStart: number;
  private readonly clockStart: number;
  readonly speed: number;

  constructor(opts: FakeMarketOptions = {}) {
    this.symbols = opts.symbols ?? [
      { id: 'BTCUSDT', base: 'BTC', quote: 'USDT', price: 60000, quoteVolume: 2e9 },
      { id: 'ETHUSDT', base: 'ETH', quote: 'USDT', price: 3000, quoteVolume: 1e9 },
      { id: 'SOLUSDT', base: 'SOL', quote: 'USDT', price: 150, quoteVolume: 4e8 },
      { id: 'ETHBTC', base: 'ETH', quote: 'BTC', price: 0.05, quoteVolume: 2e4 },
    ];
    this.realStart = opts.realStart ?? Date.now();
    this.clockStart = opts.clockStart ?? this.realStart;
    this.speed = opts.speed ?? 1;
    if (this.clockStart > this.realStart) throw new Error('the fake exchange clock must not run ahead of real time');
    this.slowMs = opts.slowMs ?? 3000;
    this.maxLimit = opts.maxLimit ?? 1000;
  }

  /** The exchange's clock (ms). */
  now(): number {
    return Math.min(Date.now(), this.clockStart + (Date.now() - this.realStart) * this.speed);
  }

  /** ccxt-style unified symbol for an exchange id. */
  unified(id: string): string {
    const s = this.symbols.find((x) => x.id === id)!;
    return `${s.base}/${s.quote}`;
  }

  /** The exchange permanently lacks these bars (true gaps). */
  removeBars(symbolId: string, interval: string, openTimes: number[]): void {
    const k = `${symbolId}|${interval}`;
    const set = this.removed.get(k) ?? new Set<number>();
    for (const t of openTimes) set.add(t);
    this.removed.set(k, set);
  }

  /** The next bar of this symbol to close is first served with provisional values, then revised. */
  reviseNextClose(symbolId: string, interval: string): void {
    this.revisePending.add(`${symbolId}|${interval}`);
  }

  /** Open times of the bars served with provisional values (each once, final afterwards). */
  provisionalBars(symbolId: string, interval: string): number[] {
    return [...(this.provisional.get(`${symbolId}|${interval}`) ?? [])];
  }

  inject(fault: MarketFault, opts: { path?: string; symbol?: string; times?: number; retryAfterSec?: number } = {}): void {
    this.faults.push({ fault, path: opts.path, symbol: opts.symbol, times: opts.times ?? 1, retryAfterSec: opts.retryAfterSec });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The bar the exchange has at this open time (final values), or null when it lacks it. */
  bar(symbolId: string, interval: string, openTime: number): [number, number, number, number, number, number] | null {
    const s = this.symbols.find((x) => x.id === symbolId);
    if (!s || (s.listedAt !== undefined && openTime < s.listedAt)) return null;
    if (this.removed.get(`${symbolId}|${interval}`)?.has(openTime)) return null;
    const step = INTERVAL_MS[interval]!;
    const drift = Math.sin(openTime / (step * 97)) * 0.05 + Math.sin(openTime / (step * 13)) * 0.01;
    const open = s.price * (1 + drift + (rand(s.id, openTime) - 0.5) * 0.004);
    const close = open * (1 + (rand(s.id, openTime + 1) - 0.5) * 0.006);
    const high = Math.max(open, close) * (1 + rand(s.id, openTime + 2) * 0.002);
    const low = Math.min(open, close) * (1 - rand(s.id, openTime + 3) * 0.002);
    const volume = 1 + rand(s.id, openTime + 4) * 100;
    const f = (v: number): number => Number(v.toPrecision(8));
    return [openTime, f(open), f(high), f(low), f(close), f(volume)];
  }

  /** Open times of every bar that exists in [from, to) (closed bars only). */
  expectedBars(symbolId: string, interval: string, from: number, to: number): number[] {
    const step = INTERVAL_MS[interval]!;
    const out: number[] = [];
    const lastClosed = Math.floor(this.now() / step) * step - step;
    for (let t = Math.ceil(from / step) * step; t < to && t <= lastClosed; t += step) if (this.bar(symbolId, interval, t)) out.push(t);
    return out;
  }

  /** ccxt `urls.api` overrides (the orders fake style) — the collector uses `baseUrl: url` instead. */
  get urls(): Record<string, string> {
    return { public: `${this.url}/api/v3`, private: `${this.url}/api/v3`, v1: `${this.url}/api/v1`, sapi: `${this.url}/sapi/v1` };
  }

  count(path: string, symbol?: string): number {
    return this.requests.filter((r) => r.path.endsWith(path) && (!symbol || r.symbol === symbol)).length;
  }

  async start(port = 0): Promise<string> {
    this.url = await this.loop.start(port);
    return this.url;
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private takeFault(path: string, symbol: string | null): PendingFault | null {
    const i = this.faults.findIndex((f) => (!f.path || path.endsWith(f.path)) && (!f.symbol || f.symbol === symbol));
    if (i < 0) return null;
    const f = this.faults[i]!;
    f.times--;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const q = url.searchParams;
    const symbol = q.get('symbol');
    const log = { path, symbol, startTime: q.get('startTime') === null ? null : Number(q.get('startTime')), limit: q.get('limit') === null ? null : Number(q.get('limit')), at: Date.now(), status: 200, fault: null as MarketFault | null };
    this.requests.push(log);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
      log.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    const f = this.takeFault(path, symbol);
    if (f) {
      log.fault = f.fault;
      switch (f.fault) {
        case 'rateLimit':
          return send(429, { code: -1003, msg: 'Too many requests; current limit of IP is 6000 request weight per 1 MINUTE.' }, { 'retry-after': String(f.retryAfterSec ?? 1) });
        case 'ban':
          return send(418, { code: -1003, msg: 'Way too many requests; IP banned until later.' }, { 'retry-after': String(f.retryAfterSec ?? 1) });
        case 'server':
          log.status = 503;
          res.writeHead(503, { 'content-type': 'text/html' });
          return void res.end('<html><body><h1>503 Service Unavailable</h1></body></html>');
        case 'internal':
          return send(500, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
        case 'malformed':
          log.status = 200;
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('[[1700000000000,"1.0","2.0",');
        case 'reset':
          log.status = 0;
          return void req.socket.destroy();
        case 'slow': {
          const t = setTimeout(() => this.route(path, q, send), this.slowMs);
          res.on('close', () => clearTimeout(t));
          return;
        }
        case 'late': {
          // Answered as of the request's arrival (the forming bar with its partial values then),
          // delivered `slowMs` later — after that bar may have closed.
          let timer: NodeJS.Timeout | null = null;
          this.route(path, q, (st, j, h) => {
            timer = setTimeout(() => send(st, j, h), this.slowMs);
          });
          res.on('close', () => timer && clearTimeout(timer));
          return;
        }
      }
    }
    this.route(path, q, send);
  }

  private route(path: string, q: URLSearchParams, send: (s: number, j: unknown, h?: Record<string, string>) => void): void {
    if (path === '/api/v3/exchangeInfo') return send(200, this.exchangeInfo());
    if (path === '/api/v3/ping') return send(200, {});
    if (path === '/api/v3/time') return send(200, { serverTime: this.now() });
    if (path === '/api/v3/ticker/24hr') {
      const sym = q.get('symbol');
      if (sym) {
        const s = this.symbols.find((x) => x.id === sym);
        return s ? send(200, this.ticker(s)) : send(400, { code: -1121, msg: 'Invalid symbol.' });
      }
      return send(200, this.symbols.map((s) => this.ticker(s)));
    }
    if (path === '/api/v3/klines') return this.klines(q, send);
    if (path === '/api/v3/depth') {
      // A fixed book around the symbol's price: 10 levels, 0.01 % apart, bids twice as deep as asks.
      const s = this.symbols.find((x) => x.id === q.get('symbol'));
      if (!s) return send(400, { code: -1121, msg: 'Invalid symbol.' });
      const lv = (side: 1 | -1, qty: number) => Array.from({ length: 10 }, (_, i) => [String(s.price * (1 + side * 0.0001 * (i + 1))), String(qty)]);
      return send(200, { lastUpdateId: 1, bids: lv(-1, 2), asks: lv(1, 1) });
    }
    return send(404, { code: -1, msg: `fake exchange: no route ${path}` });
  }

  private klines(q: URLSearchParams, send: (s: number, j: unknown) => void): void {
    const sym = q.get('symbol') ?? '';
    const interval = q.get('interval') ?? '';
    const step = INTERVAL_MS[interval];
    if (!this.symbols.some((x) => x.id === sym)) return send(400, { code: -1121, msg: 'Invalid symbol.' });
    if (!step) return send(400, { code: -1120, msg: 'Invalid interval.' });
    const limit = Math.min(this.maxLimit, Number(q.get('limit') ?? 500));
    if (!(limit > 0)) return send(400, { code: -1100, msg: "Illegal characters found in parameter 'limit'." });
    const now = this.now();
    const forming = Math.floor(now / step) * step;
    const startRaw = q.get('startTime');
    const endRaw = q.get('endTime');
    const end = Math.min(endRaw ? Number(endRaw) : Infinity, forming);
    const out: unknown[] = [];
    const row = (b: [number, number, number, number, number, number]): unknown[] => [
      b[0], r8(b[1]), r8(b[2]), r8(b[3]), r8(b[4]), r8(b[5]), b[0] + step - 1, r8(b[5] * b[4]), 100, r8(b[5] / 2), r8((b[5] * b[4]) / 2), '0',
    ];
    const emit = (t: number): void => {
      const b = this.bar(sym, interval, t);
      if (!b) return;
      if (t === forming) {
        // The forming bar: partial values that move with the clock.
        const frac = (now - t) / step;
        const c = b[1] + (b[4] - b[1]) * frac;
        out.push(row([t, b[1], Math.max(b[1], c), Math.min(b[1], c), c, b[5] * frac]));
        return;
      }
      const key = `${sym}|${interval}`;
      if (t === forming - step && this.revisePending.has(key)) {
        this.revisePending.delete(key);
        const set = this.provisional.get(key) ?? new Set<number>();
        set.add(t);
        this.provisional.set(key, set);
        out.push(row([t, b[1], b[2], b[3], b[4] * 0.999, b[5] * 0.5]));
        return;
      }
      out.push(row(b));
    };
    if (startRaw !== null) {
      const start = Math.ceil(Number(startRaw) / step) * step;
      for (let t = start; t <= end && out.length < limit; t += step) emit(t);
    } else {
      const times: number[] = [];
      for (let t = end - (end % step); times.length < limit && t >= 0 && t > end - 2 * limit * step; t -= step) {
        if (this.bar(sym, interval, t)) times.push(t);
      }
      for (const t of times.reverse()) emit(t);
    }
    send(200, out);
  }

  private ticker(s: FakeSymbol): unknown {
    const now = this.now();
    const p = String(s.price);
    return {
      symbol: s.id, priceChange: '0', priceChangePercent: '0', weightedAvgPrice: p, prevClosePrice: p, lastPrice: p, lastQty: '1',
      bidPrice: p, bidQty: '1', askPrice: p, askQty: '1', openPrice: p, highPrice: p, lowPrice: p,
      volume: r8(s.quoteVolume / s.price), quoteVolume: r8(s.quoteVolume), openTime: now - 86_400_000, closeTime: now, firstId: 1, lastId: 2, count: 2,
    };
  }

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: this.now(),
      rateLimits: [],
      exchangeFilters: [],
      symbols: this.symbols.map((m) => ({
        symbol: m.id,
        status: m.status ?? 'TRADING',
        baseAsset: m.base,
        baseAssetPrecision: 8,
        quoteAsset: m.quote,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
        icebergAllowed: true,
        ocoAllowed: true,
        otoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: '0.00000100', maxPrice: '1000000.00000000', tickSize: '0.00000100' },
          { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
          { filterType: 'NOTIONAL', minNotional: '5', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
        allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
      })),
    };
  }
}
