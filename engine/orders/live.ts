/**
 * The live broker: one ccxt exchange per account, its API base URLs overridable (testnets,
 * proxies, our fake exchange in tests). The intent's client order id goes to the exchange
 * (binance: newClientOrderId), so the exchange can be asked later what became of it.
 */
import type { Exchange, Market, Order as CcxtOrder } from 'ccxt';
import type { MarketRules, OrderSide, OrderStatus, OrderType } from '../api/commands/orders';
import { D, type Dec } from './decimal';

export interface PlaceRequest {
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  amount: Dec;
  price: Dec | null;
  stopPrice: Dec | null;
}

export interface ExchangeOrderState {
  exchangeOrderId: string | null;
  status: OrderStatus;
  filled: Dec;
  avgPrice: Dec | null;
  fee: Dec | null;
}

export interface LiveBrokerConfig {
  exchange: string;
  apiKey: string;
  secret: string;
  urls: Record<string, string> | null;
  timeoutMs: number;
  makerFeeBps: number;
  takerFeeBps: number;
}

type CcxtModule = typeof import('ccxt');
let ccxtModule: Promise<CcxtModule> | null = null;
const loadCcxt = (): Promise<CcxtModule> => (ccxtModule ??= import('ccxt'));

const num = (v: number | string | undefined | null): Dec | null => (v === undefined || v === null || v === '' ? null : D.of(v));

export class LiveBroker {
  private ex: Promise<Exchange> | null = null;
  private marketsLoaded: Promise<unknown> | null = null;
  constructor(private readonly cfg: LiveBrokerConfig) {}

  /** One exchange instance per broker, even when many calls arrive before ccxt has loaded. */
  private exchange(): Promise<Exchange> {
    return (this.ex ??= this.createExchange());
  }

  private async createExchange(): Promise<Exchange> {
    const ccxt = await loadCcxt();
    const Ctor = (ccxt as unknown as Record<string, new (c: object) => Exchange>)[this.cfg.exchange];
    if (typeof Ctor !== 'function') throw new ccxt.NotSupported(`Unknown exchange ${this.cfg.exchange}`);
    const ex = new Ctor({
      apiKey: this.cfg.apiKey,
      secret: this.cfg.secret,
      timeout: this.cfg.timeoutMs,
      enableRateLimit: false,
      options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: false },
    });
    if (this.cfg.urls) {
      const api = ex.urls['api'] as Record<string, string>;
      for (const [k, v] of Object.entries(this.cfg.urls)) api[k] = v;
    }
    return ex;
  }

  private async ready(): Promise<Exchange> {
    const ex = await this.exchange();
    if (!this.marketsLoaded) {
      this.marketsLoaded = ex.loadMarkets().catch((e: unknown) => {
        this.marketsLoaded = null;
        throw e;
      });
    }
    await this.marketsLoaded;
    return ex;
  }

  async rules(symbol: string, last: Dec | null): Promise<MarketRules> {
    const ex = await this.ready();
    const m: Market = ex.market(symbol);
    if (last === null) {
      const t = await ex.fetchTicker(symbol);
      last = num(t.last) ?? num(t.close);
    }
    const tick = num(m.precision.price) ?? '0.00000001';
    const step = num(m.precision.amount) ?? '0.00000001';
    return {
      symbol,
      tick,
      step,
      minAmount: num(m.limits.amount?.min) ?? step,
      minNotional: num(m.limits.cost?.min) ?? '0',
      last,
      makerFeeBps: this.cfg.makerFeeBps,
      takerFeeBps: this.cfg.takerFeeBps,
    };
  }

  async place(r: PlaceRequest): Promise<ExchangeOrderState> {
    const ex = await this.ready();
    const params: Record<string, unknown> = { newClientOrderId: r.clientOrderId, clientOrderId: r.clientOrderId };
    let type: string = r.type;
    if (r.type === 'stop') {
      type = 'market';
      params['triggerPrice'] = Number(r.stopPrice);
    } else if (r.type === 'stop_limit') {
      type = 'limit';
      params['triggerPrice'] = Number(r.stopPrice);
    }
    const o = await ex.createOrder(r.symbol, type, r.side, Number(r.amount), r.price === null ? undefined : Number(r.price), params);
    return toState(o);
  }

  /** What the exchange knows of a client order id; null when it never arrived. */
  async fetchByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrderState | null> {
    const ex = await this.ready();
    const ccxt = await loadCcxt();
    try {
      const o = await ex.fetchOrder(undefined as unknown as string, symbol, { origClientOrderId: clientOrderId, clientOrderId });
      return toState(o);
    } catch (e) {
      if (e instanceof ccxt.OrderNotFound) return null;
      throw e;
    }
  }

  async cancel(symbol: string, clientOrderId: string): Promise<void> {
    const ex = await this.ready();
    await ex.cancelOrder(undefined as unknown as string, symbol, { origClientOrderId: clientOrderId, clientOrderId });
  }

  async quoteBalance(quote: string): Promise<Dec> {
    const ex = await this.ready();
    const b = await ex.fetchBalance();
    const total = (b.total as unknown as Record<string, number | undefined>)[quote];
    return num(total) ?? '0';
  }
}

function toState(o: CcxtOrder): ExchangeOrderState {
  const status: OrderStatus = o.status === 'closed' ? 'filled' : o.status === 'canceled' || o.status === 'expired' ? 'canceled' : o.status === 'rejected' ? 'rejected' : 'open';
  return {
    exchangeOrderId: o.id ? String(o.id) : null,
    status,
    filled: num(o.filled) ?? '0',
    avgPrice: num(o.average) ?? num(o.price),
    fee: num(o.fee?.cost),
  };
}
