/**
 * A fake Binance spot exchange on loopback, speaking the private order endpoints ccxt calls:
 * exchangeInfo (markets), POST/GET/DELETE /api/v3/order (newClientOrderId / origClientOrderId),
 * /api/v3/openOrders and /api/v3/account. Requests are HMAC-checked like Binance. Faults can be
 * injected per request: Binance's own error bodies (-2010 insufficient balance, -1013 filter
 * failures, -2015/-2014 auth), 429, 5xx, timeouts (no answer), malformed bodies, dropped sockets.
 * It records every order it accepted, so tests can prove that no key became two orders.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { LoopbackServer } from './loopback';

export type Fault =
  | 'insufficient'
  | 'minNotional'
  | 'auth'
  | 'authFormat'
  | 'rateLimit'
  | 'server'
  | 'internal'
  | 'timeout'
  | 'malformed'
  | 'drop'
  | 'wouldMatch'
  | 'badParam'
  /** Accepts the order, then drops the connection before answering (the response is lost). */
  | 'lostResponse';

export interface FakeOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  type: string;
  price: string;
  stopPrice: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: 'NEW' | 'FILLED' | 'CANCELED';
  time: number;
}

export interface FakeMarket {
  symbol: string; // BTCUSDT
  base: string;
  quote: string;
  price: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  minNotional: string;
}

export interface FakeExchangeOptions {
  apiKey?: string;
  secret?: string;
  markets?: FakeMarket[];
  balances?: Record<string, string>;
  /** Delay before answering POST /order (ms), to widen crash windows. */
  orderDelayMs?: number;
  /** Delay between accepting an order and answering (ms): the order exists, its answer is late. */
  answerDelayMs?: number;
  /** Hold timeouts this long before closing the socket. */
  timeoutHoldMs?: number;
}

interface PendingFault {
  fault: Fault;
  method?: string;
  path?: string;
  times: number;
  /** 429 only: the Retry-After header (seconds) sent with it. */
  retryAfterSec?: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  clientOrderId?: string;
  /** When it arrived (ms, wall clock). */
  at: number;
  /** The fault it was answered with, if any. */
  fault: Fault | null;
}

export class FakeExchange {
  readonly apiKey: string;
  readonly secret: string;
  readonly markets: FakeMarket[];
  balances: Record<string, string>;
  /** Every order accepted, in arrival order (a duplicate client id would appear twice). */
  readonly accepted: FakeOrder[] = [];
  readonly requests: FakeRequest[] = [];
  orderDelayMs: number;
  answerDelayMs: number;
  private readonly faults: PendingFault[] = [];
  private nextId = 1000;
  private readonly loop = new LoopbackServer((req, res) => void this.handle(req, res));
  url = '';

  constructor(opts: FakeExchangeOptions = {}) {
    this.apiKey = opts.apiKey ?? 'fake-key';
    this.secret = opts.secret ?? 'fake-secret';
    this.markets = opts.markets ?? [
      { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', price: '60000', tickSize: '0.01', stepSize: '0.00001', minQty: '0.00001', minNotional: '5' },
      { symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT', price: '3000', tickSize: '0.01', stepSize: '0.0001', minQty: '0.0001', minNotional: '5' },
    ];
    this.balances = opts.balances ?? { USDT: '100000', BTC: '0', ETH: '0' };
    this.orderDelayMs = opts.orderDelayMs ?? 0;
    this.answerDelayMs = opts.answerDelayMs ?? 0;
    this.timeoutHold = opts.timeoutHoldMs ?? 30_000;
  }
  private readonly timeoutHold: number;

  /** ccxt `urls.api` overrides pointing binance at this server. */
  get urls(): Record<string, string> {
    return { public: `${this.url}/api/v3`, private: `${this.url}/api/v3`, v1: `${this.url}/api/v1`, sapi: `${this.url}/sapi/v1` };
  }

  inject(fault: Fault, opts: { method?: string; path?: string; times?: number; retryAfterSec?: number } = {}): void {
    this.faults.push({ fault, method: opts.method, path: opts.path, times: opts.times ?? 1, retryAfterSec: opts.retryAfterSec });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Accepted orders per client order id (a value above 1 is a duplicate). */
  countsByClientId(): Map<string, number> {
    const m = new Map<string, number>();
    for (const o of this.accepted) m.set(o.clientOrderId, (m.get(o.clientOrderId) ?? 0) + 1);
    return m;
  }

  async start(port = 0): Promise<string> {
    this.url = await this.loop.start(port);
    return this.url;
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private takeFault(method: string, path: string): PendingFault | null {
    const i = this.faults.findIndex((f) => (!f.method || f.method === method) && (!f.path || path.endsWith(f.path)));
    if (i < 0) return null;
    const f = this.faults[i]!;
    f.times--;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await new Promise<string>((r) => {
      let b = '';
      req.on('data', (d: Buffer) => (b += d.toString()));
      req.on('end', () => r(b));
    });
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const rawQuery = method === 'POST' || method === 'PUT' ? body : url.search.slice(1);
    const params = new URLSearchParams(rawQuery);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    const log: FakeRequest = { method, path, clientOrderId: params.get('newClientOrderId') ?? params.get('origClientOrderId') ?? undefined, at: Date.now(), fault: null };
    this.requests.push(log);

    if (path === '/api/v3/exchangeInfo') return send(200, this.exchangeInfo());
    if (path === '/api/v3/time') return send(200, { serverTime: Date.now() });
    if (path === '/api/v3/ping') return send(200, {});
    if (path === '/api/v3/ticker/24hr' || path === '/api/v3/ticker/price') {
      const m = this.markets.find((x) => x.symbol === url.searchParams.get('symbol'));
      if (!m) return send(400, { code: -1121, msg: 'Invalid symbol.' });
      return send(200, { symbol: m.symbol, lastPrice: m.price, price: m.price, bidPrice: m.price, askPrice: m.price, openPrice: m.price, highPrice: m.price, lowPrice: m.price, volume: '100', quoteVolume: '1000000', openTime: Date.now() - 86_400_000, closeTime: Date.now(), count: 1 });
    }

    const pending = this.takeFault(method, path);
    const fault = pending?.fault ?? null;
    log.fault = fault;
    if (fault === 'timeout') {
      setTimeout(() => res.destroy(), this.timeoutHold).unref();
      return;
    }
    if (fault === 'drop') return void req.socket.destroy();
    if (fault === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"orderId": 12, "status": ');
    }
    if (fault === 'rateLimit') {
      const headers: Record<string, string> = pending?.retryAfterSec !== undefined ? { 'retry-after': String(pending.retryAfterSec) } : {};
      return send(429, { code: -1003, msg: 'Too many requests; current limit of IP is 6000 request weight per 1 MINUTE.' }, headers);
    }
    if (fault === 'server') {
      res.writeHead(503, { 'content-type': 'text/html' });
      return void res.end('<html><body><h1>503 Service Unavailable</h1></body></html>');
    }
    if (fault === 'internal') return send(500, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });

    // Auth: API key and HMAC signature, like Binance.
    if (req.headers['x-mbx-apikey'] !== this.apiKey || fault === 'auth') return send(401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    if (fault === 'authFormat') return send(401, { code: -2014, msg: 'API-key format invalid.' });
    const sig = params.get('signature');
    const unsigned = rawQuery.replace(/&signature=[^&]*$/, '');
    const expected = crypto.createHmac('sha256', this.secret).update(unsigned).digest('hex');
    if (sig !== expected) return send(400, { code: -1022, msg: 'Signature for this request is not valid.' });

    if (path === '/api/v3/account') {
      return send(200, {
        makerCommission: 10,
        takerCommission: 10,
        canTrade: true,
        accountType: 'SPOT',
        balances: Object.entries(this.balances).map(([asset, free]) => ({ asset, free, locked: '0.00000000' })),
        permissions: ['SPOT'],
      });
    }
    if (path === '/api/v3/openOrders') {
      const sym = params.get('symbol');
      return send(200, this.accepted.filter((o) => o.status === 'NEW' && (!sym || o.symbol === sym)).map((o) => this.orderJson(o)));
    }
    if (path === '/api/v3/order') {
      if (method === 'GET' || method === 'DELETE') {
        const cid = params.get('origClientOrderId');
        const id = params.get('orderId');
        const o = [...this.accepted].reverse().find((x) => (cid && x.clientOrderId === cid) || (id && String(x.orderId) === id));
        if (!o) return send(400, method === 'GET' ? { code: -2013, msg: 'Order does not exist.' } : { code: -2011, msg: 'Unknown order sent.' });
        if (method === 'DELETE') {
          if (o.status !== 'NEW') return send(400, { code: -2011, msg: 'Unknown order sent.' });
          o.status = 'CANCELED';
        }
        return send(200, this.orderJson(o));
      }
      if (method === 'POST') {
        if (this.orderDelayMs) await new Promise((r) => setTimeout(r, this.orderDelayMs));
        if (fault === 'insufficient') return send(400, { code: -2010, msg: 'Account has insufficient balance for requested action.' });
        if (fault === 'minNotional') return send(400, { code: -1013, msg: 'Filter failure: NOTIONAL' });
        if (fault === 'wouldMatch') return send(400, { code: -2010, msg: 'Order would immediately match and take.' });
        if (fault === 'badParam') return send(400, { code: -1100, msg: "Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'." });
        if (fault === 'lostResponse') return this.newOrder(params, () => req.socket.destroy());
        return this.newOrder(params, send);
      }
    }
    return send(404, { code: -1, msg: `fake exchange: no route ${method} ${path}` });
  }

  private newOrder(p: URLSearchParams, send: (s: number, j: unknown) => void): void {
    const m = this.markets.find((x) => x.symbol === p.get('symbol'));
    if (!m) return send(400, { code: -1121, msg: 'Invalid symbol.' });
    const qty = Number(p.get('quantity'));
    const type = p.get('type') ?? 'MARKET';
    const price = type === 'MARKET' ? Number(m.price) : Number(p.get('price'));
    if (!(qty > 0)) return send(400, { code: -1013, msg: 'Filter failure: LOT_SIZE' });
    if (qty * price < Number(m.minNotional)) return send(400, { code: -1013, msg: 'Filter failure: NOTIONAL' });
    const side = (p.get('side') ?? 'BUY') as 'BUY' | 'SELL';
    const cost = qty * price;
    if (side === 'BUY' && cost > Number(this.balances[m.quote] ?? 0)) return send(400, { code: -2010, msg: 'Account has insufficient balance for requested action.' });
    const filled = type === 'MARKET';
    const o: FakeOrder = {
      symbol: m.symbol,
      orderId: this.nextId++,
      clientOrderId: p.get('newClientOrderId') ?? `fake-${this.nextId}`,
      side,
      type,
      price: type === 'MARKET' ? '0.00000000' : String(price),
      stopPrice: p.get('stopPrice') ?? '0.00000000',
      origQty: String(qty),
      executedQty: filled ? String(qty) : '0.00000000',
      cummulativeQuoteQty: filled ? String(cost) : '0.00000000',
      status: filled ? 'FILLED' : 'NEW',
      time: Date.now(),
    };
    this.accepted.push(o);
    if (filled) {
      const q = Number(this.balances[m.quote] ?? 0);
      const b = Number(this.balances[m.base] ?? 0);
      this.balances[m.quote] = String(side === 'BUY' ? q - cost : q + cost);
      this.balances[m.base] = String(side === 'BUY' ? b + qty : b - qty);
    }
    const answer = () => send(200, {
      ...this.orderJson(o),
      transactTime: o.time,
      fills: filled ? [{ price: m.price, qty: String(qty), commission: String(cost * 0.001), commissionAsset: m.quote, tradeId: o.orderId }] : [],
    });
    if (this.answerDelayMs) setTimeout(answer, this.answerDelayMs);
    else answer();
  }

  private orderJson(o: FakeOrder): Record<string, unknown> {
    return {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: o.price,
      origQty: o.origQty,
      executedQty: o.executedQty,
      cummulativeQuoteQty: o.cummulativeQuoteQty,
      status: o.status,
      timeInForce: 'GTC',
      type: o.type,
      side: o.side,
      stopPrice: o.stopPrice,
      icebergQty: '0.00000000',
      time: o.time,
      updateTime: o.time,
      isWorking: true,
      workingTime: o.time,
      origQuoteOrderQty: '0.00000000',
      selfTradePreventionMode: 'EXPIRE_MAKER',
    };
  }

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: Date.now(),
      rateLimits: [],
      exchangeFilters: [],
      symbols: this.markets.map((m) => ({
        symbol: m.symbol,
        status: 'TRADING',
        baseAsset: m.base,
        baseAssetPrecision: 8,
        quoteAsset: m.quote,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
        icebergAllowed: true,
        ocoAllowed: true,
        otoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: m.tickSize, maxPrice: '1000000.00000000', tickSize: m.tickSize },
          { filterType: 'LOT_SIZE', minQty: m.minQty, maxQty: '9000.00000000', stepSize: m.stepSize },
          { filterType: 'NOTIONAL', minNotional: m.minNotional, applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
          { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '100.00000000', stepSize: '0.00000000' },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
        allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
      })),
    };
  }
}
