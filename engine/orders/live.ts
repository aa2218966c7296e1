/**
 * The live broker: an account's exchange through the gateway (engine/exchange), its API URLs
 * overridable (testnets, proxies, our fake exchange in tests). Every request goes through the
 * gateway's retrier, so orders honour the exchange's Retry-After and the circuit breaker the
 * collector shares. The intent's client order id goes to the exchange (binance:
 * newClientOrderId), so the exchange can be asked later what became of it, and is asked before
 * any resend.
 */
import type { MarketRules, OrderSide, OrderStatus, OrderType } from '../api/commands/orders';
import { exchangeGateway, isErrorClass, type Exchange, type ExchangeGateway, type ExchangeLink, type Market, type Order as CcxtOrder } from '../exchange';
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
  /** Retries of temporary errors when placing (and looking up) orders; back-off base (ms). */
  retries?: number;
  retryBaseMs?: number;
}

/** The longest Retry-After an order waits for; a longer hold fails it now (RATE_LIMIT). */
export const ORDER_MAX_HOLD_MS = 30_000;

const num = (v: number | string | undefined | null): Dec | null => (v === undefined || v === null || v === '' ? null : D.of(v));

export class LiveBroker {
  private readonly link: ExchangeLink;
  constructor(
    private readonly cfg: LiveBrokerConfig,
    gateway: ExchangeGateway = exchangeGateway,
  ) {
    const base = cfg.retryBaseMs ?? 300;
    this.link = gateway.open(
      { exchange: cfg.exchange, apiKey: cfg.apiKey, secret: cfg.secret, urls: cfg.urls, timeoutMs: cfg.timeoutMs, enableRateLimit: false },
      { policy: { retries: 0, retryBaseMs: base, backoffBaseMs: base, backoffMaxMs: ORDER_MAX_HOLD_MS, maxHoldMs: ORDER_MAX_HOLD_MS } },
    );
  }

  /** Lets go of the shared exchange instance (a request already running finishes). */
  close(): void {
    this.link.release();
  }

  /** The exchange with its markets loaded (temporary failures retried `retries` times). */
  private ready(retries = 0): Promise<Exchange> {
    return this.link.ready({ retries });
  }

  async rules(symbol: string, last: Dec | null): Promise<MarketRules> {
    const ex = await this.ready();
    const m: Market = ex.market(symbol);
    if (last === null) {
      const t = await this.link.call((x) => x.fetchTicker(symbol));
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

  /** One attempt to place the order. */
  async place(r: PlaceRequest): Promise<ExchangeOrderState> {
    await this.ready();
    return toState(await this.link.call((ex) => this.create(ex, r)));
  }

  /**
   * Places the order, retrying temporary failures through the gateway (back-off, Retry-After,
   * breaker). Before each resend the exchange is asked for the client order id (a timed-out or
   * dropped request may have arrived), and `beforeResend` may stop it (the kill switch).
   */
  async placeWithRetry(r: PlaceRequest, beforeResend: () => void = () => undefined): Promise<ExchangeOrderState> {
    const retries = this.cfg.retries ?? 2;
    await this.ready(retries);
    return this.link.call((ex) => this.create(ex, r).then(toState), {
      retries,
      beforeRetry: async () => {
        try {
          const found = await this.fetchByClientId(r.symbol, r.clientOrderId);
          if (found) return { value: found };
        } catch {
          // Unknown: the same client order id is resent; the exchange refuses a duplicate.
        }
        beforeResend();
        return null;
      },
    });
  }

  private create(ex: Exchange, r: PlaceRequest): Promise<CcxtOrder> {
    const params: Record<string, unknown> = { newClientOrderId: r.clientOrderId, clientOrderId: r.clientOrderId };
    let type: string = r.type;
    if (r.type === 'stop') {
      type = 'market';
      params['triggerPrice'] = Number(r.stopPrice);
    } else if (r.type === 'stop_limit') {
      type = 'limit';
      params['triggerPrice'] = Number(r.stopPrice);
    }
    return ex.createOrder(r.symbol, type, r.side, Number(r.amount), r.price === null ? undefined : Number(r.price), params);
  }

  /** What the exchange knows of a client order id; null when it never arrived. `retries` for temporary errors. */
  async fetchByClientId(symbol: string, clientOrderId: string, retries = 0): Promise<ExchangeOrderState | null> {
    await this.ready(retries);
    const o = await this.link.call(
      async (ex) => {
        try {
          return await ex.fetchOrder(undefined as unknown as string, symbol, { origClientOrderId: clientOrderId, clientOrderId });
        } catch (e) {
          if (isErrorClass(e, 'OrderNotFound')) return null;
          throw e;
        }
      },
      { retries },
    );
    return o ? toState(o) : null;
  }

  async cancel(symbol: string, clientOrderId: string): Promise<void> {
    await this.ready();
    await this.link.call((ex) => ex.cancelOrder(undefined as unknown as string, symbol, { origClientOrderId: clientOrderId, clientOrderId }));
  }

  async quoteBalance(quote: string): Promise<Dec> {
    await this.ready();
    const b = await this.link.call((ex) => ex.fetchBalance());
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
